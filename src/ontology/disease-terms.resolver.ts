import { Arg, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { UserInputProblem } from '../core/problems.js';
import { ancestorsOf, diseaseTerm, searchDiseaseTerms } from './disease-hierarchy.js';

const MAX_TERMS = 50;
const MAX_QUERY_LENGTH = 200;

@ObjectType({ description: 'A disease of the shipped vocabulary (MONDO; see data/ontology/SOURCE.md).' })
export class DiseaseTerm {
  @Field(() => ID, { description: 'Compact id, e.g. MONDO:0007254: what disease filters, purposes and cohorts take.' })
  id!: string;

  @Field(() => String)
  label!: string;
}

@Resolver(() => DiseaseTerm)
export class DiseaseTermResolver {
  @Query(() => [DiseaseTerm], {
    description:
      'Autocomplete over the disease vocabulary: live MONDO classes whose label has a word starting with each word of the query (or whose id is the query), best first; an ICD-10 code ("C92", "ICD-10 C92.0") answers its compact id.',
  })
  diseaseTerms(
    @Arg('query', () => String) query: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10, description: `At most ${MAX_TERMS}.` }) first: number | null,
  ): DiseaseTerm[] {
    const size = first ?? 10;
    if (!Number.isInteger(size) || size < 0 || size > MAX_TERMS) throw UserInputProblem.of('first', `must be between 0 and ${MAX_TERMS}`);
    if (query.length > MAX_QUERY_LENGTH) throw UserInputProblem.of('query', `must be at most ${MAX_QUERY_LENGTH} characters`);
    return searchDiseaseTerms(query, size).map(({ id, label }) => ({ id, label }));
  }

  @FieldResolver(() => [DiseaseTerm], {
    description: 'Every ancestor up to MONDO:0000001 "disease" (for an ICD-10 code, the categories its notation names), the term itself excluded.',
  })
  ancestors(@Root() term: DiseaseTerm): DiseaseTerm[] {
    return ancestorsOf(term.id)
      .slice(1)
      .map((id) => ({ id, label: diseaseTerm(id)?.label ?? id }));
  }
}
