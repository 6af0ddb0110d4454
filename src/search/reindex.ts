import type { MikroORM } from '@mikro-orm/postgresql';
import { Dataset } from '../datasets/dataset.entity.js';
import { buildSearchDocuments } from './document.js';
import type { DatasetSearchDocument, SearchEngine } from './engine.js';
import { clearFailuresBefore, setAside } from './indexing-failures.js';

const BATCH = 500;

/**
 * Rebuilds the engine's index from PostgreSQL: documents are built in keyset-ordered batches (one SQL
 * statement each, the next built while the engine writes one; memory stays flat) into a new index that
 * replaces the old one only when complete. Changes indexed into the old index while the rebuild ran are
 * queued again afterwards, so none is lost in the swap: the batches settled meanwhile (outbox_settled) and the
 * events still in the outbox, among them those of a batch written to the old index but not yet settled.
 * Documents the engine refuses are set aside (indexing-failures.ts); failures recorded before the rebuild are
 * settled by it.
 */
export async function reindexAll(orm: MikroORM, engine: SearchEngine, onProgress?: (indexed: number, total: number) => void): Promise<number> {
  const connection = orm.em.getConnection();
  const [{ started }] = await connection.execute<{ started: Date }[]>('select now() as started');
  const total = await orm.em.fork().count(Dataset);
  /** The documents of the next BATCH datasets after `after` in id order, and the last of those ids. */
  const page = async (after: string | null) => {
    const rows = await connection.execute<{ id: string }[]>(
      `select id from dataset ${after ? 'where id > ?' : ''} order by id limit ?`,
      after ? [after, BATCH] : [BATCH],
    );
    const ids = rows.map((row) => row.id);
    return { last: ids.at(-1), documents: await buildSearchDocuments(orm.em.fork(), ids) };
  };
  async function* batches(): AsyncIterable<DatasetSearchDocument[]> {
    let next = page(null);
    for (;;) {
      const { last, documents } = await next;
      if (last === undefined) return;
      // Built while the engine writes this batch; handled here in case the rebuild stops before asking.
      next = page(last);
      next.catch(() => undefined);
      yield documents;
    }
  }
  let indexed = 0;
  const { rejected } = await engine.rebuild(batches(), (count) => {
    indexed = count;
    onProgress?.(count, total);
  });
  await clearFailuresBefore(connection, started);
  if (rejected.length > 0) await setAside(connection, undefined, engine.name, rejected);
  await connection.execute(
    `insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts)
     select 'Dataset', aggregate_id, now(), now(), 0
       from (select unnest(aggregate_ids) as aggregate_id from outbox_settled where settled_at >= ?
             union select aggregate_id from outbox_event where created_at >= ?) as changed`,
    [started, started],
  );
  return indexed - rejected.length;
}

/**
 * Queues every dataset for indexing when the engine's index holds no document while PostgreSQL holds datasets:
 * an index made afresh at start (a catalogue moved from one engine to the other, a first start against a new
 * Elasticsearch, an index deleted by hand). Without this such an index answered every search with nothing, and
 * stayed so until someone ran `gdcat reindex`, though /readyz said ready. Returns how many datasets were queued.
 */
export async function queueAllWhenIndexEmpty(orm: MikroORM, engine: SearchEngine): Promise<number> {
  const { totalCount } = await engine.search({
    filter: {},
    visibility: { allStatusesForOwners: 'ALL' },
    sort: 'MODIFIED_DESC',
    first: 0,
    facets: [],
    individuals: { kind: 'EXACT' },
  });
  return totalCount > 0 ? 0 : queueAll(orm);
}

/** Queues every dataset not already queued (a first start's seed queues its own); returns how many. */
export async function queueAll(orm: MikroORM): Promise<number> {
  const queued = await orm.em.getConnection().execute<{ count: string }[]>(
    `with queued as (
       insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts)
       select 'Dataset', d.id, now(), now(), 0 from dataset d
        where not exists (select 1 from outbox_event o where o.aggregate_type = 'Dataset' and o.aggregate_id = d.id)
       returning 1)
     select count(*) from queued`,
  );
  return Number(queued[0]!.count);
}

/**
 * The index the outbox was drained into before, when it was another than `engine`'s (null otherwise, and before
 * the first record). An index the catalogue moves back to missed every change made while it was away, whatever
 * it holds.
 */
export async function otherIndexInUse(orm: MikroORM, engine: SearchEngine): Promise<string | null> {
  const [before] = await orm.em.getConnection().execute<{ engine: string; index_name: string }[]>('select engine, index_name from search_index_in_use');
  return before && (before.engine !== engine.name || before.index_name !== engine.indexName) ? `${before.engine} index ${before.index_name}` : null;
}

/** Records `engine`'s index as the one the outbox is drained into (after its datasets were queued: see otherIndexInUse). */
export async function recordIndexInUse(orm: MikroORM, engine: SearchEngine): Promise<void> {
  await orm.em.getConnection().execute(
    `insert into search_index_in_use (single, engine, index_name) values (true, ?, ?)
     on conflict (single) do update set engine = excluded.engine, index_name = excluded.index_name, since = now()
       where (search_index_in_use.engine, search_index_in_use.index_name) <> (excluded.engine, excluded.index_name)`,
    [engine.name, engine.indexName],
  );
}
