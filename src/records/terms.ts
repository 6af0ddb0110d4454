import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';

/** GMS diagnostic working areas (domain brief section 1). */
export enum DiagnosticArea {
  RARE_DISEASES = 'RARE_DISEASES',
  HEREDITARY_CANCER = 'HEREDITARY_CANCER',
  SOLID_TUMOURS = 'SOLID_TUMOURS',
  HAEMATOLOGICAL_MALIGNANCIES = 'HAEMATOLOGICAL_MALIGNANCIES',
  CHILDHOOD_CANCER = 'CHILDHOOD_CANCER',
  INFECTIOUS_DISEASES = 'INFECTIOUS_DISEASES',
  PHARMACOGENOMICS = 'PHARMACOGENOMICS',
  COMPLEX_DISEASES = 'COMPLEX_DISEASES',
}
registerEnumType(DiagnosticArea, { name: 'DiagnosticArea' });

/** An ontology term (MONDO, ORPHA, ICD-10, HPO, NCBITaxon) as stored on records. */
@ObjectType('OntologyTerm')
@InputType('OntologyTermInput')
export class OntologyTerm {
  @Field(() => String, { description: 'IRI or CURIE of the term, e.g. http://purl.obolibrary.org/obo/MONDO_0005027.' })
  iri!: string;

  @Field(() => String, { nullable: true })
  label?: string | null;

  @Field(() => String, { nullable: true, description: 'MONDO, ORPHA, ICD10, HPO, NCBITaxon...' })
  system?: string | null;
}
