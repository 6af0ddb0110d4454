import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessRoute } from '../access/access-route.entity.js';
import { ConsentScope } from '../consent/consent-scope.entity.js';
import { Problems } from '../core/problems.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { checkConformance } from '../datasets/publish-conformance.js';
import type { HarvestError } from './harvest-run.entity.js';
import type { Json } from './record-inputs.js';

/*
 * A harvested dataset is published as its source published it: what a data manager must supply before
 * publishing here is the source's to supply, so a gap never keeps the record out. What DCAT-AP 3 makes
 * mandatory is filled from what the same source states, so this catalogue's own output stays valid; the
 * rest of the publishing rules are checked all the same, and each gap is a warning of the run.
 */

/** A warning about one dataset of the run. */
type Warn = (identifier: string, field: string | null, message: string, code: string) => void;

/**
 * The dataset with what DCAT-AP 3 makes mandatory filled from the source's own statements: its title stands
 * in for a missing description, a distribution's download URL for its missing access URL (as DCAT-AP advises
 * for downloadable files), and a distribution with neither is left out. Each fill is a warning.
 */
export function withDcatApMandatory(dataset: Json, warn: Warn): Json {
  const filled = { ...dataset };
  if (!String(dataset.description ?? '').trim() && dataset.title) {
    filled.description = dataset.title;
    warn(dataset.id, 'description', 'the source gives no description (mandatory in DCAT-AP 3); the title stands in for it', 'FILLED_FROM_SOURCE');
  }
  const distributions: Json[] = [];
  for (const distribution of (dataset.distributions ?? []) as Json[]) {
    if (distribution.accessURL) distributions.push(distribution);
    else if (distribution.downloadURL) {
      distributions.push({ ...distribution, accessURL: distribution.downloadURL });
      warn(dataset.id, 'distributions.accessUrl', `distribution "${distribution.title}" has no access URL (mandatory in DCAT-AP 3); its download URL stands in for it`, 'FILLED_FROM_SOURCE');
    } else {
      warn(dataset.id, 'distributions', `distribution "${distribution.title}" has neither an access nor a download URL (DCAT-AP 3 requires one); left out`, 'LEFT_OUT');
    }
  }
  filled.distributions = distributions;
  return filled;
}

/**
 * The publishing rules (src/datasets/publish-conformance.ts: DCAT-AP 3, and HealthDCAT-AP NON_PUBLIC for
 * non-public data) applied to harvested datasets as written: every gap a data manager would have been asked
 * to fill, as warnings with the record's IRI at the source.
 */
export async function conformanceWarnings(em: EntityManager, identifiers: string[], iriOf: (identifier: string) => string | null): Promise<HarvestError[]> {
  if (identifiers.length === 0) return [];
  const datasets = await em.find(Dataset, { identifier: { $in: identifiers } }, { populate: ['distributions', 'hdab'], orderBy: { identifier: 'asc' } });
  const ids = datasets.map((dataset) => dataset.id);
  const consents = new Map((await em.find(ConsentScope, { dataset: { $in: ids } })).map((consent) => [consent.dataset.id, consent]));
  const routes = new Map((await em.find(AccessRoute, { dataset: { $in: ids } }, { populate: ['accessBody'] })).map((route) => [route.dataset.id, route]));
  return datasets.flatMap((dataset) => {
    const problems = new Problems();
    checkConformance(dataset, consents.get(dataset.id) ?? null, routes.get(dataset.id) ?? null, problems);
    return problems.list.map((problem) => ({ identifier: dataset.identifier, iri: iriOf(dataset.identifier), field: problem.field, message: problem.message, code: problem.code }));
  });
}
