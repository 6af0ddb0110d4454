import { Field, ID, InputType } from 'type-graphql';
import { LocalizedTextInput } from '../graphql/kit/localized-text.js';
import { OrganisationType } from './organisation.entity.js';

@InputType()
export class OrganisationPatch {
  @Field(() => String, { nullable: true, description: 'Language of the name (sv or en; en when first created without one).' })
  language?: string | null;

  @Field(() => String, { nullable: true, description: 'The name in the organisation\'s language; other languages are kept.' })
  name?: string | null;

  @Field(() => [LocalizedTextInput], { nullable: true, description: 'The name in every language, one per language; replaces all of them.' })
  nameTranslations?: LocalizedTextInput[] | null;

  @Field(() => OrganisationType, { nullable: true })
  type?: OrganisationType | null;

  @Field(() => String, { nullable: true })
  publisherType?: string | null;

  @Field(() => [String], { nullable: true })
  roles?: string[] | null;

  @Field(() => String, { nullable: true })
  homepage?: string | null;

  @Field(() => String, { nullable: true })
  orgNumber?: string | null;

  @Field(() => String, { nullable: true })
  contactEmail?: string | null;

  @Field(() => ID, { nullable: true, description: 'Parent organisation (id or identifier).' })
  parent?: string | null;
}

@InputType()
export class OrganisationInput extends OrganisationPatch {
  @Field(() => String, { nullable: true, description: 'Public identifier; generated when absent.' })
  identifier?: string | null;
}
