import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AccessMode } from '../access/access-route.entity.js';
import { PageInfo } from '../graphql/kit/connection.js';
import { RecordStatus } from '../records/record.js';
import { DiagnosticArea } from '../records/terms.js';
import { ResearchPurposeInput } from '../consent/consent.types.js';
import { Assay } from './cohort.js';
import { Dataset } from './dataset.entity.js';

export enum DatasetSort {
  RELEVANCE = 'RELEVANCE',
  TITLE = 'TITLE',
  MODIFIED_DESC = 'MODIFIED_DESC',
  INDIVIDUALS_DESC = 'INDIVIDUALS_DESC',
}
registerEnumType(DatasetSort, { name: 'DatasetSort', description: 'RELEVANCE falls back to MODIFIED_DESC without a query.' });

@InputType()
export class DatasetFilter {
  @Field(() => [ID], { nullable: true, description: 'Publishing organisations (id or identifier).' })
  publisher?: string[] | null;

  @Field(() => [DiagnosticArea], { nullable: true })
  diagnosticArea?: DiagnosticArea[] | null;

  @Field(() => [Assay], { nullable: true })
  assay?: Assay[] | null;

  @Field(() => [String], { nullable: true, description: 'Disease IRIs/CURIEs; a term also matches its descendants.' })
  diseases?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'DUO permission shorthands or CURIEs (GRU, HMB, DS...).' })
  duoPermission?: string[] | null;

  @Field(() => [AccessMode], { nullable: true })
  accessMode?: AccessMode[] | null;

  @Field(() => [ID], { nullable: true, description: 'Data access bodies (id or identifier) on the access route.' })
  accessBody?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Regions holding the data (organisation id or identifier): data holders of type REGION.' })
  holdingRegion?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'e.g. GRCh38.' })
  genomeBuild?: string[] | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Cohort size at least this. Anonymous callers filter on the disclosed (rounded, suppressed) size.',
  })
  minIndividuals?: number | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Cohort size ranges, the values of the individuals facet (1-99, 100-999, 1000-9999, 10000+), ORed.',
  })
  individualsRange?: string[] | null;

  @Field(() => [RecordStatus], { nullable: true, description: 'Only narrows what you may see; drafts stay hidden from anonymous callers.' })
  status?: RecordStatus[] | null;

  @Field(() => ResearchPurposeInput, { nullable: true, description: 'Only datasets whose consent allows this purpose: useAssessment outcome PERMITTED. Datasets whose answer is NEEDS_REVIEW (a disease code the catalogue cannot place, no consent stated) are never listed.' })
  permittedFor?: ResearchPurposeInput | null;
}

@ObjectType({ description: 'One facet value: feed `value` back into the filter of the same name to get exactly `count` datasets.' })
export class FacetBucket {
  @Field(() => String, {
    description: 'What the matching DatasetFilter field accepts: a Relay id for organisations and access bodies, a CURIE for diseases, the enum or range value otherwise.',
  })
  value!: string;

  @Field(() => String, { description: 'Human-readable name of the value.' })
  label!: string;

  @Field(() => Int, { description: 'Number of datasets: public metadata, exact for every caller.' })
  count!: number;

  @Field(() => String, { description: 'The count as text (kept for existing clients; equals count).' })
  displayCount!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Sum of the cohort sizes (unique individuals) of these datasets. For anonymous callers a sum of rounded sizes, null when below SMALL_COUNT_THRESHOLD.',
  })
  individuals!: number | null;

  @Field(() => String, { description: 'individuals as shown to this caller, e.g. "1250" or "<5".' })
  displayIndividuals!: string;
}

@ObjectType()
export class Facet {
  @Field(() => String)
  field!: string;

  @Field(() => String, {
    description: 'The DatasetFilter field a bucket value is given to, to narrow the search to it: the facet\'s own name, but diseases for disease and individualsRange for individuals.',
  })
  filterField!: keyof DatasetFilter & string;

  @Field(() => [FacetBucket])
  buckets!: FacetBucket[];
}

@ObjectType()
export class DatasetEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Dataset)
  node!: Dataset;
}

@ObjectType()
export class DatasetSearchResult {
  @Field(() => Int, { description: 'Number of matching datasets, exact for every caller.' })
  totalCount!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Sum of the cohort sizes of all matching datasets; disclosed like FacetBucket.individuals.',
  })
  individuals!: number | null;

  @Field(() => String, { description: 'individuals as shown to this caller, e.g. "5320" or "<5".' })
  displayIndividuals!: string;

  @Field(() => [DatasetEdge])
  edges!: DatasetEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => [Facet])
  facets!: Facet[] | Promise<Facet[]>;
}
