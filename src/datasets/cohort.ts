import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { OntologyTerm } from '../records/terms.js';

/** Sequencing assays produced in the programme (domain brief section 2). */
export enum Assay {
  WGS = 'WGS',
  WES = 'WES',
  PANEL = 'PANEL',
  WTS = 'WTS',
  LONG_READ_WGS = 'LONG_READ_WGS',
  PATHOGEN_WGS = 'PATHOGEN_WGS',
  METAGENOMICS = 'METAGENOMICS',
  ARRAY = 'ARRAY',
}
registerEnumType(Assay, { name: 'Assay' });

@ObjectType('SexDistribution')
@InputType('SexDistributionInput')
export class SexDistribution {
  @Field(() => Int, { nullable: true })
  female?: number | null;

  @Field(() => Int, { nullable: true })
  male?: number | null;

  @Field(() => Int, { nullable: true })
  otherOrUnknown?: number | null;
}

@ObjectType('Sequencing')
@InputType('SequencingInput')
export class Sequencing {
  @Field(() => [Assay], { description: 'One or more assays, e.g. WGS and WTS.' })
  assays!: Assay[];

  @Field(() => String, { nullable: true, description: 'Panel name, e.g. GMS560.' })
  panelName?: string | null;

  @Field(() => String, { nullable: true })
  platform?: string | null;

  @Field(() => Float, { nullable: true })
  meanCoverage?: number | null;

  @Field(() => Int, { nullable: true })
  readLength?: number | null;
}

@ObjectType('GenomeBuild')
@InputType('GenomeBuildInput')
export class GenomeBuild {
  @Field(() => String, { description: 'e.g. GRCh38, or a pathogen reference name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Assembly accession, e.g. GCA_000001405.15.' })
  accession?: string | null;
}

/** Who and what is in a dataset: counts, demographics, diseases, phenotypes and how it was sequenced. */
@ObjectType('CohortDescriptor')
@InputType('CohortDescriptorInput')
export class CohortDescriptor {
  @Field(() => Int, { nullable: true, description: 'healthdcatap:numberOfUniqueIndividuals' })
  numberOfUniqueIndividuals?: number | null;

  @Field(() => Int, { nullable: true, description: 'healthdcatap:numberOfRecords' })
  numberOfRecords?: number | null;

  @Field(() => Int, { nullable: true })
  numberOfSamples?: number | null;

  @Field(() => Int, { nullable: true })
  numberOfFamilies?: number | null;

  @Field(() => SexDistribution, { nullable: true })
  sexDistribution?: SexDistribution | null;

  @Field(() => Int, { nullable: true, description: 'healthdcatap:minTypicalAge (years)' })
  minTypicalAge?: number | null;

  @Field(() => Int, { nullable: true, description: 'healthdcatap:maxTypicalAge (years)' })
  maxTypicalAge?: number | null;

  @Field(() => String, { nullable: true, description: 'healthdcatap:populationCoverage' })
  populationCoverage?: string | null;

  @Field(() => [OntologyTerm])
  diseases: OntologyTerm[] = [];

  @Field(() => [OntologyTerm], { description: 'HPO phenotypes.' })
  phenotypes: OntologyTerm[] = [];

  @Field(() => [String])
  sampleTypes: string[] = [];

  @Field(() => Sequencing, { nullable: true })
  sequencing?: Sequencing | null;

  @Field(() => GenomeBuild, { nullable: true })
  genomeBuild?: GenomeBuild | null;

  @Field(() => [String], { description: 'SNV, INDEL, CNV, SV, STR, FUSION, TMB, MSI, HRD...' })
  variantTypes: string[] = [];

  @Field(() => String, { nullable: true, description: 'SINGLETON, TRIO, FAMILY, TUMOUR_NORMAL, TUMOUR_ONLY...' })
  pedigreeStructure?: string | null;

  @Field(() => String, { nullable: true, description: 'Where the counts come from (citation), if not illustrative.' })
  countsSource?: string | null;
}
