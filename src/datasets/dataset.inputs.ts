import { Field, ID, InputType } from 'type-graphql';
import { AccessMode } from '../access/access-route.entity.js';
import { AccessRouteInput } from '../access/access-route.inputs.js';
import { ConsentScopeInput } from '../consent/consent-scope.inputs.js';
import { DiagnosticArea } from '../records/terms.js';
import { LocalizedTextInput } from '../graphql/kit/localized-text.js';
import { CohortDescriptor } from './cohort.js';
import { DistributionFormat } from './distribution.entity.js';
import type { SourceDescription } from './source-description.js';

@InputType()
export class DistributionInput {
  @Field(() => ID, {
    nullable: true,
    description: 'The stored distribution this entry keeps (its id); without one, a stored distribution with the same title is kept.',
  })
  id?: string | null;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  accessUrl?: string | null;

  @Field(() => String, { nullable: true })
  downloadUrl?: string | null;

  @Field(() => [DistributionFormat], { nullable: true })
  formats?: DistributionFormat[] | null;

  @Field(() => String, { nullable: true })
  mediaType?: string | null;

  @Field(() => String, { nullable: true })
  byteSize?: string | null;

  @Field(() => String, { nullable: true })
  license?: string | null;

  @Field(() => AccessMode, { nullable: true })
  accessMode?: AccessMode | null;

  @Field(() => String, { nullable: true })
  hostingLocation?: string | null;

  @Field(() => String, { nullable: true })
  encryption?: string | null;
}

/** Fields of a dataset a data manager can set; on update every field is optional and only given ones change. */
@InputType()
export class DatasetPatch {
  @Field(() => String, { nullable: true, description: 'Language of title, description and keywords (sv or en; en when first created without one).' })
  language?: string | null;

  @Field(() => String, { nullable: true, description: 'The title in the dataset\'s language; other languages are kept.' })
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'The description in the dataset\'s language; other languages are kept.' })
  description?: string | null;

  @Field(() => [String], { nullable: true, description: 'The keywords in the dataset\'s language; other languages are kept.' })
  keywords?: string[] | null;

  @Field(() => [LocalizedTextInput], { nullable: true, description: 'The title in every language, one per language; replaces all of them.' })
  titleTranslations?: LocalizedTextInput[] | null;

  @Field(() => [LocalizedTextInput], { nullable: true, description: 'The description in every language, one per language; replaces all of them.' })
  descriptionTranslations?: LocalizedTextInput[] | null;

  @Field(() => [LocalizedTextInput], { nullable: true, description: 'Every keyword with its language; replaces all of them.' })
  keywordTranslations?: LocalizedTextInput[] | null;

  @Field(() => DiagnosticArea, { nullable: true })
  diagnosticArea?: DiagnosticArea | null;

  @Field(() => String, { nullable: true })
  theme?: string | null;

  @Field(() => String, { nullable: true })
  accessRights?: string | null;

  @Field(() => [String], { nullable: true })
  otherIdentifiers?: string[] | null;

  @Field(() => String, { nullable: true })
  releaseVersion?: string | null;

  @Field(() => ID, { nullable: true, description: 'Publishing organisation (id or identifier).' })
  publisher?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Organisations holding (controlling) the data.' })
  dataHolders?: string[] | null;

  @Field(() => [ID], { nullable: true })
  contributors?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Study that produced the data.' })
  wasGeneratedBy?: string | null;

  @Field(() => ID, { nullable: true, description: 'EHDS health data access body.' })
  hdab?: string | null;

  @Field(() => CohortDescriptor, { nullable: true })
  cohort?: CohortDescriptor | null;

  @Field(() => ConsentScopeInput, { nullable: true, description: 'The consent scope, replaced whole; null in an update removes it (a published dataset must keep one).' })
  consent?: ConsentScopeInput | null;

  @Field(() => AccessRouteInput, { nullable: true, description: 'The access route with its steps, replaced whole; null in an update removes it (a published dataset must keep one).' })
  accessRoute?: AccessRouteInput | null;

  @Field(() => [DistributionInput], { nullable: true, description: 'Replaces all distributions.' })
  distributions?: DistributionInput[] | null;

  @Field(() => [ID], { nullable: true })
  publications?: string[] | null;

  /**
   * What a harvested dataset's source states beyond the record's fields. Not a GraphQL field: only a harvest
   * sets it (the rules ignore it for any other writer), since it is the source's statement, not the manager's.
   */
  sourceDescription?: SourceDescription | null;
}

@InputType()
export class DatasetInput extends DatasetPatch {
  @Field(() => String, { nullable: true, description: 'Public identifier (IRI/URN); generated when absent.' })
  identifier?: string | null;

  @Field(() => ID, { nullable: true, description: 'Owning organisation; defaults to the publisher.' })
  ownerOrganisation?: string | null;
}
