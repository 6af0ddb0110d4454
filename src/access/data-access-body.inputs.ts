import { Field, ID, InputType } from 'type-graphql';
import { LocalizedTextInput } from '../graphql/kit/localized-text.js';
import { DataAccessBodyKind, DataAccessBodyOperationalStatus } from './data-access-body.entity.js';

@InputType()
export class DataAccessBodyPatch {
  @Field(() => String, { nullable: true, description: 'Language of the name (sv or en; en when first created without one).' })
  language?: string | null;

  @Field(() => String, { nullable: true, description: 'The name in the body\'s language; other languages are kept.' })
  name?: string | null;

  @Field(() => [LocalizedTextInput], { nullable: true, description: 'The name in every language, one per language; replaces all of them.' })
  nameTranslations?: LocalizedTextInput[] | null;

  @Field(() => DataAccessBodyKind, { nullable: true })
  kind?: DataAccessBodyKind | null;

  @Field(() => ID, { nullable: true, description: 'Operating organisation (id or identifier).' })
  operatedBy?: string | null;

  @Field(() => ID, { nullable: true })
  hostedBy?: string | null;

  @Field(() => String, { nullable: true })
  contactEmail?: string | null;

  @Field(() => String, { nullable: true })
  applicationUrl?: string | null;

  @Field(() => String, { nullable: true })
  jurisdiction?: string | null;

  @Field(() => DataAccessBodyOperationalStatus, { nullable: true })
  operationalStatus?: DataAccessBodyOperationalStatus | null;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@InputType()
export class DataAccessBodyInput extends DataAccessBodyPatch {
  @Field(() => String, { nullable: true })
  identifier?: string | null;

  @Field(() => ID, { nullable: true, description: 'Owning organisation; defaults to the operator.' })
  ownerOrganisation?: string | null;
}
