import { AccessRoute, AccessRouteStep } from '../access/access-route.entity.js';
import { DataAccessBody } from '../access/data-access-body.entity.js';
import { AuditEntry } from '../records/audit-entry.entity.js';
import { Catalogue } from '../catalogue/catalogue.entity.js';
import { ConsentScope } from '../consent/consent-scope.entity.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { Distribution } from '../datasets/distribution.entity.js';
import { HealthEconomicEvaluation, HealthEconomicResult } from '../economics/health-economic-evaluation.entity.js';
import { HarvestedDataset, HarvestedRecord, HarvestRun } from '../harvest/harvest-run.entity.js';
import { HarvestSource } from '../harvest/harvest-source.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Publication } from '../publications/publication.entity.js';
import { OutboxEvent } from '../search/outbox-event.entity.js';
import { Study } from '../studies/study.entity.js';

export const ENTITIES = [
  Organisation,
  DataAccessBody,
  Publication,
  Study,
  Dataset,
  Distribution,
  ConsentScope,
  AccessRoute,
  AccessRouteStep,
  HealthEconomicEvaluation,
  HealthEconomicResult,
  Catalogue,
  AuditEntry,
  OutboxEvent,
  HarvestSource,
  HarvestRun,
  HarvestedDataset,
  HarvestedRecord,
];
