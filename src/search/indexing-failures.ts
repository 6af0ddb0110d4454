import type { EntityManager } from '@mikro-orm/postgresql';
import type { RejectedDocument, SearchVisibility } from './engine.js';
import { idArray } from './id-array.js';

/**
 * Datasets a search engine refused to index (table indexing_failure): kept with the engine's reason, shown
 * to admins (GraphQL `indexingFailures`, /readyz), and cleared once the dataset is indexed.
 */

type Connection = ReturnType<EntityManager['getConnection']>;

export interface IndexingFailure {
  datasetId: string;
  identifier: string;
  engine: string;
  error: string;
  firstFailedAt: Date;
  failedAt: Date;
  /** Times the engine refused it. */
  attempts: number;
}

/** Records refusals; a dataset deleted meanwhile is skipped. */
export async function setAside(connection: Connection, ctx: unknown, engine: string, rejected: RejectedDocument[]): Promise<void> {
  await connection.execute(
    `insert into indexing_failure (dataset_id, engine, error)
     select d.id, ?, r.reason from jsonb_to_recordset(?::jsonb) as r(id text, reason text) join dataset d on d.id = r.id::uuid
     on conflict (dataset_id) do update set engine = excluded.engine, error = excluded.error, failed_at = now(),
       attempts = indexing_failure.attempts + 1`,
    [engine, JSON.stringify(rejected.map((r) => ({ id: r.id, reason: r.reason.slice(0, 4000) })))],
    'run',
    ctx as never,
  );
}

/**
 * Settles an indexed outbox batch in one statement: its events are deleted from the outbox and the batch kept
 * as one row of outbox_settled (the datasets it indexed, for a reindex to replay, and the failed attempts
 * before, so retries stay visible), and the failures of the datasets it indexed are cleared. Deleting rather
 * than marking the events keeps the outbox to the pending ones, so claims pass over no settled event.
 */
export async function settleIndexed(
  connection: Connection,
  ctx: unknown,
  eventIds: string[],
  datasetIds: string[],
  indexedDatasetIds: string[],
): Promise<void> {
  await connection.execute(
    `with settled as (delete from outbox_event where id = any(?::bigint[]) returning attempts),
       batch as (insert into outbox_settled (aggregate_ids, failed_attempts)
                 select ?::uuid[], sum(attempts) from settled having count(*) > 0)
     delete from indexing_failure where dataset_id = any(?::uuid[])`,
    [idArray(eventIds), idArray(datasetIds), idArray(indexedDatasetIds)],
    'run',
    ctx as never,
  );
}

/** Every failure recorded before `before` (a reindex rebuilds everything, so older ones are settled). */
export async function clearFailuresBefore(connection: Connection, before: Date): Promise<void> {
  await connection.execute('delete from indexing_failure where failed_at < ?', [before], 'run');
}

interface FailureRow {
  dataset_id: string;
  identifier: string;
  engine: string;
  error: string;
  first_failed_at: Date;
  failed_at: Date;
  attempts: number;
}

/** Most recent first; `visibility` limits them to the datasets whose every status the caller sees. */
export async function listFailures(connection: Connection, limit: number, visibility: SearchVisibility): Promise<IndexingFailure[]> {
  const owners = visibility.allStatusesForOwners;
  if (owners !== 'ALL' && owners.length === 0) return [];
  const rows = await connection.execute<FailureRow[]>(
    `select f.dataset_id, d.identifier, f.engine, f.error, f.first_failed_at, f.failed_at, f.attempts
       from indexing_failure f join dataset d on d.id = f.dataset_id
      ${owners === 'ALL' ? '' : 'where d.owner_organisation_id in (?)'}
      order by f.failed_at desc, f.dataset_id limit ?`,
    owners === 'ALL' ? [limit] : [owners, limit],
  );
  return rows.map((row) => ({
    datasetId: row.dataset_id,
    identifier: row.identifier,
    engine: row.engine,
    error: row.error,
    firstFailedAt: new Date(row.first_failed_at),
    failedAt: new Date(row.failed_at),
    attempts: Number(row.attempts),
  }));
}

export async function countFailures(connection: Connection): Promise<number> {
  const [row] = await connection.execute<{ n: string }[]>('select count(*) as n from indexing_failure');
  return Number(row?.n ?? 0);
}

/** Queues the set-aside datasets (all, or the given ones) for another attempt; returns how many. */
export async function retryFailures(connection: Connection, datasetIds: string[] | null): Promise<number> {
  const rows = await connection.execute<{ n: string }[]>(
    `with queued as (
       insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts)
       select 'Dataset', dataset_id, now(), now(), 0 from indexing_failure ${datasetIds ? 'where dataset_id in (?)' : ''}
       returning 1)
     select count(*) as n from queued`,
    datasetIds ? [datasetIds] : [],
  );
  return Number(rows[0]?.n ?? 0);
}
