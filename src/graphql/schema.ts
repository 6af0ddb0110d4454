import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { AccessRouteResolver, AccessRouteStepResolver, DataAccessBodyLifecycleResolver, DataAccessBodyResolver, DatasetAccessResolver } from '../access/access.resolver.js';
import { DatasetConsentResolver, DuoTermResolver } from '../consent/consent.resolver.js';
import { DatasetLifecycleResolver, DatasetResolver } from '../datasets/dataset.resolver.js';
import {
  DatasetEconomicsResolver,
  HealthEconomicEvaluationLifecycleResolver,
  HealthEconomicEvaluationResolver,
  HealthEconomicResultResolver,
} from '../economics/health-economic-evaluation.resolver.js';
import { OrganisationLifecycleResolver, OrganisationResolver } from '../organisations/organisation.resolver.js';
import { StudyLifecycleResolver, StudyResolver } from '../studies/study.resolver.js';
import { DiseaseTermResolver } from '../ontology/disease-terms.resolver.js';
import { HISTORY_RESOLVERS } from './history.resolver.js';
import { DatasetHarvestResolver, HarvestResolver } from './harvest.resolver.js';
import { ImportResolver } from './import.resolver.js';
import { IndexingResolver } from './indexing.resolver.js';
import { NodeResolver } from './node.resolver.js';
import { withDirectResolvers } from './direct-resolvers.js';

/** Every resolver class the schema is built from. */
const RESOLVERS: [Function, ...Function[]] = [
  NodeResolver,
  DatasetResolver,
  DatasetLifecycleResolver,
  DatasetConsentResolver,
  DatasetAccessResolver,
  DatasetEconomicsResolver,
  DuoTermResolver,
  DiseaseTermResolver,
  DataAccessBodyResolver,
  DataAccessBodyLifecycleResolver,
  AccessRouteResolver,
  AccessRouteStepResolver,
  OrganisationResolver,
  OrganisationLifecycleResolver,
  StudyResolver,
  StudyLifecycleResolver,
  HealthEconomicEvaluationResolver,
  HealthEconomicEvaluationLifecycleResolver,
  HealthEconomicResultResolver,
  ImportResolver,
  IndexingResolver,
  HarvestResolver,
  DatasetHarvestResolver,
  ...HISTORY_RESOLVERS,
];

let cached: Promise<GraphQLSchema> | undefined;

/** The GraphQL schema, built once from the resolvers (code first); schema.graphql is its printed form. */
export function gdcatSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({ resolvers: RESOLVERS, validate: false, emitSchemaFile: false }).then((schema) => withDirectResolvers(schema, RESOLVERS));
  return cached;
}
