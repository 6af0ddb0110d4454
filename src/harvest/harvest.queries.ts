import type { EntityManager } from '@mikro-orm/postgresql';
import { UserInputProblem } from '../core/problems.js';
import type { AccessPolicy } from '../records/access-policy.js';
import { type Connection, decodeCursor, encodeCursor, keysetPage, pageSize, toConnection } from '../records/pagination.js';
import { HarvestedDataset, HarvestRun } from './harvest-run.entity.js';
import { HarvestSource } from './harvest-source.entity.js';
import { findHarvestSource } from './harvest-source.rules.js';

interface Page {
  first: number | null | undefined;
  after: string | null | undefined;
}

/** The harvest sources the viewer may see, by identifier. */
export async function harvestSourcesPage(em: EntityManager, policy: AccessPolicy, page: Page): Promise<Connection<HarvestSource>> {
  const connection = await keysetPage(em, HarvestSource, [policy.harvestSourceFilter()], 'identifier', { ...page, defaultSize: 50 });
  await em.populate(connection.edges.map((edge) => edge.node), ['organisation']);
  return connection;
}

/**
 * Where each of these datasets was harvested from, in order: null for datasets not harvested, and for sources the
 * viewer may not see (a source's URL may carry its credentials, and its organisation may be a draft).
 */
export async function harvestOfDatasets(em: EntityManager, policy: AccessPolicy, identifiers: readonly string[]): Promise<(HarvestedDataset | null)[]> {
  const visible = policy.harvestSourceFilter();
  const claims = await em.find(
    HarvestedDataset,
    { identifier: { $in: [...identifiers] }, ...(Object.keys(visible).length ? { source: visible } : {}) },
    { populate: ['source', 'source.organisation'] },
  );
  const byIdentifier = new Map(claims.map((claim) => [claim.identifier, claim]));
  return identifiers.map((identifier) => byIdentifier.get(identifier) ?? null);
}

/** Runs of the sources the viewer may see (of one source when given), newest first. */
export async function harvestRunsPage(em: EntityManager, policy: AccessPolicy, sourceRef: string | null | undefined, page: Page): Promise<Connection<HarvestRun>> {
  const size = pageSize(page.first, 20);
  const conditions: Record<string, unknown>[] = [];
  const visible = policy.harvestSourceFilter();
  if (Object.keys(visible).length) conditions.push({ source: visible });
  if (sourceRef) {
    const source = await findHarvestSource(em, sourceRef);
    // A source the caller may not see answers as an unknown one, so the argument is no oracle.
    const visible = source && (await em.count(HarvestSource, { $and: [{ id: source.id }, policy.harvestSourceFilter()] })) > 0;
    if (!visible) throw UserInputProblem.of('source', `no harvest source "${sourceRef}"`, 'NOT_FOUND');
    conditions.push({ source: source.id });
  }
  const totalCount = await em.count(HarvestRun, { $and: conditions } as never);
  if (page.after) {
    const { key, id } = decodeCursor(page.after, HarvestRun.name, isInstant);
    const startedAt = new Date(key);
    conditions.push({ $or: [{ startedAt: { $lt: startedAt } }, { startedAt, id: { $lt: id } }] });
  }
  const rows = await em.find(HarvestRun, { $and: conditions } as never, { populate: ['source', 'source.organisation'], orderBy: { startedAt: 'desc', id: 'desc' }, limit: size + 1 });
  return toConnection(rows, size, totalCount, (run) => encodeCursor(HarvestRun.name, run.startedAt.toISOString(), run.id));
}

/** A run's start as its cursor writes it (toISOString). */
function isInstant(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && !Number.isNaN(Date.parse(value));
}
