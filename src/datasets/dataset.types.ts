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

  @Field(() => [String], { nullable: true, description: 'e.g. GRCh38.' })
  genomeBuild?: string[] | null;

  @Field(() => Int, { nullable: true })
  minIndividuals?: number | null;

  @Field(() => [RecordStatus], { nullable: true, description: 'Only narrows what you may see; drafts stay hidden from anonymous callers.' })
  status?: RecordStatus[] | null;

  @Field(() => ResearchPurposeInput, { nullable: true, description: 'Only datasets whose consent allows this purpose (same rules as useAssessment).' })
  permittedFor?: ResearchPurposeInput | null;
}

@ObjectType()
export class FacetBucket {
  @Field(() => String)
  value!: string;

  @Field(() => String)
  label!: string;

  @Field(() => Int, { nullable: true, description: 'Null when hidden because it is below the small-count threshold.' })
  count!: number | null;

  @Field(() => String, { description: 'The count as shown to this caller, e.g. "12" or "<5".' })
  displayCount!: string;
}

@ObjectType()
export class Facet {
  @Field(() => String)
  field!: string;

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
  @Field(() => Int)
  totalCount!: number;

  @Field(() => [DatasetEdge])
  edges!: DatasetEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => [Facet])
  facets!: Facet[];
}
