import { Field, ObjectType } from 'type-graphql';

@ObjectType('HarvestedContactPoint')
export class SourceContactPoint {
  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  url!: string | null;
}

/**
 * What the source of a harvested dataset states that the dataset record has no field of its own for. It is
 * kept with the dataset and written again in this catalogue's DCAT output, so a harvest of a harvest keeps it.
 */
@ObjectType('HarvestedDescription', { description: 'What the source of a harvested dataset states that the dataset record has no field for.' })
export class SourceDescription {
  @Field(() => [String], { description: 'Every dcat:theme (the record keeps the first as theme).' })
  themes!: string[];

  @Field(() => [String], { description: 'dct:spatial coverage, as IRIs.' })
  spatial!: string[];

  @Field(() => String, { nullable: true, description: 'Start of the dct:temporal coverage (dcat:startDate).' })
  temporalStart!: string | null;

  @Field(() => String, { nullable: true })
  temporalEnd!: string | null;

  @Field(() => SourceContactPoint, { nullable: true, description: 'The dataset\'s own dcat:contactPoint at the source.' })
  contactPoint!: SourceContactPoint | null;

  /** Absent when the source writes in one of the content languages (or states none): the record's language says it. */
  @Field(() => String, {
    nullable: true,
    description: 'The language the source tags the title, description and keywords with when it is not Swedish or English (a BCP 47 tag, e.g. es); written again with that tag.',
  })
  language?: string | null;
}
