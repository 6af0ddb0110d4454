import type { Pool, PoolClient, QueryResult } from 'pg';
import type { Log } from '../../core/log.js';
import type {
  DatasetSearchDocument,
  DatasetSearchRequest,
  DatasetSearchResult,
  PreparedUpsert,
  RejectedDocument,
  SearchEngine,
  WriteResult,
} from '../engine.js';
import { SORT_ORDERS, toQueryModel, type DatasetQuery } from '../query-model.js';
import { SearchTooSlowError } from '../search-limiter.js';
import {
  INDEX_SUFFIXES,
  ISO_MILLIS,
  RENAMED_TABLES,
  SETUP_SQL,
  TABLE_NAME,
  createIndexSql,
  createTableSql,
  derivedTablesSql,
  COMMON_WORD_SHARE,
  KEPT_COMMON_WORD_SHARE,
  commonWordsDueSql,
  commonWordsTableName,
  isRejection,
  maintenanceSql,
  oversizedIndexEntry,
  refreshCommonWordsSql,
  textTableName,
  textTableSql,
  TEXT_TABLE_COLUMNS,
  toRows,
  upgradeTableSql,
  upsertSql,
} from './postgres-schema.js';
import { FACET_INDEX_SUFFIXES, FACET_TABLE_COLUMNS, FACET_TABLES, GROUP_TABLE_COLUMNS, facetMaintenanceSql, facetTablesSql } from './facet-counts.js';
import {
  CURSOR_KEYS,
  expandedWords,
  heldTagsSql,
  pageDecided,
  readSearchRow,
  searchSql,
  snapshotSql,
  textPageSql,
  type ExpandedWord,
  type ExpandedWordRow,
  type SearchRow,
} from './postgres-translate.js';
import { anyOf, possibleTags, textTableMatches, type LevelAt, type WordLexemes } from './text-match.js';

/**
 * Discovery search on PostgreSQL, used when no Elasticsearch is configured: the I/O. The projection it
 * searches is postgres-schema.ts, the statements of a search postgres-translate.ts, the policy they follow
 * the query model (../query-model.ts).
 */

export interface PostgresSearchEngineOptions {
  pool: Pool;
  /** Projection table name (default `dataset_search`). */
  table?: string;
  /** PostgreSQL's limit on one search statement (0 or unset: none); indexing writes are not limited. */
  searchStatementTimeoutMs?: number;
  /** Documents written after which refresh() vacuums and analyses the projection (default 5,000). */
  vacuumAfterDocuments?: number;
  /**
   * Share of the catalogue from which the facets of a search by words are counted as the catalogue's less the
   * datasets the words do not match (default COUNT_OUTSIDE_SHARE; 0: whenever the search allows it).
   */
  countOutsideShare?: number;
  /** Share of the projection's rows from which a word is a common word (default COMMON_WORD_SHARE; see there). */
  commonWordShare?: number;
  /** Documents written to a catalogue without common words after which they are first looked for (default 2,000). */
  firstCommonWordsAfter?: number;
  /** Where init says that it builds the search tables of a catalogue afresh (none: said nowhere). */
  log?: Log;
}

/**
 * Words matching at least 80 % of the catalogue, as PostgreSQL's statistics of the text table tell (the share of
 * rows holding a tagged word), have their facets counted from the maintained counts less the datasets they do
 * not match: a word every dataset has no longer means counting every dataset. Each facet takes those datasets off
 * again, and without a common word's absence marks finding them reads every row, so fewer of them pay: at 100k a
 * word of 75 % of datasets took 272 ms so against 114 ms counting its matches, one of 86 % 81 against 158
 * (BENCHMARKS.md).
 */
export const COUNT_OUTSIDE_SHARE = 0.8;

/** The projection and the tables derived from it, renamed together when a rebuild is swapped in. */
const DERIVED_SUFFIXES = [...RENAMED_TABLES.map(([suffix]) => suffix), ...FACET_TABLES];

/** Every trigger keeping the derived tables in step with the projection. */
const maintenance = (table: string): string[] => [...maintenanceSql(table), ...facetMaintenanceSql(table)];

/** Documents as the upsert statement's JSON parameter (prepareUpsert), with those refused beforehand. */
class UpsertRows implements PreparedUpsert {
  constructor(
    readonly documents: readonly DatasetSearchDocument[],
    readonly writable: readonly DatasetSearchDocument[],
    readonly refused: readonly RejectedDocument[],
    readonly rows: string,
  ) {}
}

/**
 * Leaves out of the words' tiers the tagged words no text row holds (see heldTagsSql), unless no row holds any
 * of them: such a search matches nothing, as it would have. Asked for a page ranked by relevance, whose rows are
 * scored by every tagged word; a single word without similar words has too few of them for the lookup (a round
 * trip, 1.5-2 ms) to pay.
 */
async function keepHeldTags(client: PoolClient, table: string, words: WordLexemes[]): Promise<void> {
  if (words.length === 1 && words[0]!.similar.length === 0) return;
  const tags = possibleTags(words);
  const { rows } = await client.query<{ held: number[] }>(heldTagsSql(table, '$1', '$2'), [tags, tags.map((tag) => anyOf([tag]))]);
  if (rows[0]!.held.length === 0) return;
  const heldTags = new Set(rows[0]!.held.map((position) => tags[position - 1]!));
  for (const word of words) word.heldTags = heldTags;
}

/** SQLSTATE of a statement cancelled by statement_timeout. */
const QUERY_CANCELED = '57014';

export class PostgresSearchEngine implements SearchEngine {
  readonly name = 'postgres' as const;
  private readonly pool: Pool;
  private readonly table: string;
  get indexName(): string {
    return this.table;
  }
  private readonly searchStatementTimeoutMs: number;
  /** The pool's connections that have not closed yet; close() waits for them. */
  private readonly openConnections = new Set<PoolClient>();
  private readonly vacuumAfterDocuments: number;
  /** Documents this process wrote since it last vacuumed the projection (refresh()). */
  private writtenSinceVacuum = 0;
  private readonly countOutsideShare: number;
  private readonly commonWordShare: number;
  /** Documents this process wrote while the catalogue had no common words, and at how many it looks for them next (null: found). */
  private writtenWithoutCommonWords = 0;
  private commonWordsLookedForAt: number | null;
  private readonly log: Log;

  constructor(options: PostgresSearchEngineOptions) {
    const table = options.table ?? 'dataset_search';
    // Identifiers cannot be bind parameters, so the table name is validated instead.
    if (!TABLE_NAME.test(table)) throw new Error(`Invalid search table name: ${table}`);
    this.pool = options.pool;
    this.table = table;
    this.searchStatementTimeoutMs = options.searchStatementTimeoutMs ?? 0;
    this.vacuumAfterDocuments = options.vacuumAfterDocuments ?? 5_000;
    this.countOutsideShare = options.countOutsideShare ?? COUNT_OUTSIDE_SHARE;
    this.commonWordShare = options.commonWordShare ?? COMMON_WORD_SHARE;
    this.log = options.log ?? (() => undefined);
    this.commonWordsLookedForAt = options.firstCommonWordsAfter ?? 2_000;
    this.pool.on('connect', (client) => {
      this.openConnections.add(client);
      client.once('end', () => this.openConnections.delete(client));
    });
  }

  async init(): Promise<void> {
    let rebuilt = 0;
    const started = performance.now();
    await this.inTransaction(async (client) => {
      for (const statement of SETUP_SQL) await client.query(statement);
      const exists = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [this.table]);
      const table = exists.rows[0]?.found ? upgradeTableSql(this.table) : [createTableSql(this.table)];
      for (const statement of table) await client.query(statement);
      for (const statement of createIndexSql(this.table)) await client.query(statement);
      const found = async (name: string) =>
        (await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [name])).rows[0]?.found;
      if (!(await found(`${this.table}_counts`))) {
        for (const statement of derivedTablesSql(this.table)) await client.query(statement);
      }
      // A projection built before the narrow facet table and its groups, or before its facets changed, gets them afresh.
      const columns = async (name: string) =>
        (
          await client.query<{ columns: string[] }>(
            `SELECT coalesce(array_agg(attname::text ORDER BY attnum), '{}') AS columns FROM pg_attribute
              WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`,
            [name],
          )
        ).rows[0]!.columns.join();
      const facetTablesStale =
        (await columns(`${this.table}_facets`)) !== FACET_TABLE_COLUMNS.join() ||
        (await columns(`${this.table}_groups`)) !== GROUP_TABLE_COLUMNS.join();
      // The text table copies the narrow rows and their list keys: built afresh with them, or when built by another
      // version (one without absence marks has no common words table).
      const textTableStale =
        facetTablesStale ||
        (await columns(textTableName(this.table))) !== TEXT_TABLE_COLUMNS.join() ||
        !(await found(commonWordsTableName(this.table)));
      // After an upgrade that changed them, this takes minutes at a million datasets: the operator is told why the
      // start waits (a catalogue's first start, with nothing to build from, says nothing).
      rebuilt = textTableStale ? (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${this.table}`)).rows[0]!.n : 0;
      if (rebuilt > 0) {
        this.log(`search tables of another version of gdcat: building them afresh from the ${rebuilt} datasets indexed, before this process serves or indexes (about 20 s per 100,000 datasets on 2 cores)`);
      }
      if (facetTablesStale) {
        for (const statement of facetTablesSql(this.table)) await client.query(statement);
      }
      if (textTableStale) {
        for (const statement of textTableSql(this.table, this.commonWordShare)) await client.query(statement);
      }
      for (const statement of maintenance(this.table)) await client.query(statement);
    });
    await this.refreshCommonWords();
    if (rebuilt > 0) this.log(`search tables built afresh in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }

  /** Runs `work` in a transaction of its own, rolled back when it throws. */
  private async inTransaction(work: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Makes the words most datasets hold, by the projection's statistics, the common words the text rows carry
   * absence marks for (postgres-schema.ts), when they changed; returns them. Writers wait meanwhile (each row's
   * marks are written from the common words its writer reads); searches do not. The rows rewritten are then vacuumed, as after a bulk
   * load: their old versions and their words in the text index's pending list would otherwise be read by searches
   * until autovacuum came by.
   */
  private async refreshCommonWords(): Promise<string[]> {
    const shares = [this.commonWordShare, Math.min(KEPT_COMMON_WORD_SHARE, this.commonWordShare)];
    const { rows } = await this.pool.query<{ due: string[]; unchanged: boolean }>(commonWordsDueSql(this.table, '$1', '$2'), shares);
    if (rows[0]!.unchanged) return rows[0]!.due;
    await this.inTransaction(async (client) => {
      await client.query(`LOCK TABLE ${textTableName(this.table)} IN SHARE ROW EXCLUSIVE MODE`);
      for (const statement of refreshCommonWordsSql(this.table, '$1')) {
        await client.query(statement, statement.includes('$1') ? [rows[0]!.due] : []);
      }
    });
    await this.pool.query(`VACUUM (ANALYZE) ${textTableName(this.table)}`);
    return rows[0]!.due;
  }

  async upsert(docs: DatasetSearchDocument[] | PreparedUpsert): Promise<WriteResult> {
    const prepared = docs instanceof UpsertRows ? docs : this.prepareUpsert(Array.isArray(docs) ? docs : [...docs.documents]);
    const rejected = await this.write(this.table, prepared);
    if (rejected.length > 0) await this.remove(rejected.map((r) => r.id));
    this.writtenSinceVacuum += prepared.writable.length;
    await this.firstCommonWords(prepared.writable.length);
    return { rejected };
  }

  /**
   * A catalogue loaded in bulk from empty would have its common words only at the refresh after the load, and then
   * every text row lacking one rewritten for its absence marks (with words common from half the rows, nearly every
   * row: at 100k the text table grew from 97 to 162 MB; BENCHMARKS.md). So they are first looked for early in the
   * load, from the statistics of its first rows, and the rest of it is written with its marks, as far as its first
   * rows' common words are the whole load's.
   */
  private async firstCommonWords(written: number): Promise<void> {
    if (this.commonWordsLookedForAt === null) return;
    this.writtenWithoutCommonWords += written;
    if (this.writtenWithoutCommonWords < this.commonWordsLookedForAt) return;
    // Then at twice as many documents written: a catalogue without common words is not analysed at every batch.
    this.commonWordsLookedForAt *= 2;
    const { rows } = await this.pool.query<{ known: boolean }>(`SELECT EXISTS (SELECT FROM ${commonWordsTableName(this.table)}) AS known`);
    let known = rows[0]!.known;
    if (!known) {
      await this.pool.query(`ANALYZE ${this.table}`);
      known = (await this.refreshCommonWords()).length > 0;
    }
    if (known) this.commonWordsLookedForAt = null;
  }

  /** The upsert statement's parameter, and the documents refused before it (too long an index entry). */
  prepareUpsert(docs: DatasetSearchDocument[]): UpsertRows {
    const refused: RejectedDocument[] = [];
    const writable = docs.filter((doc) => {
      const reason = oversizedIndexEntry(doc);
      if (reason) refused.push({ id: doc.id, reason });
      return !reason;
    });
    return new UpsertRows(docs, writable, refused, writable.length === 0 ? '[]' : JSON.stringify(toRows(writable)));
  }

  /**
   * One statement per batch. When PostgreSQL refuses it for something in the data (a value its indexes
   * cannot hold), each document is written on its own, so only the documents it refuses are left out. Any
   * other failure (an outage, a timeout) throws: the indexer retries the whole batch later.
   */
  private async write(table: string, prepared: UpsertRows): Promise<RejectedDocument[]> {
    const { writable } = prepared;
    const rejected = [...prepared.refused];
    if (writable.length === 0) return rejected;
    try {
      await this.pool.query(upsertSql(table), [prepared.rows]);
      return rejected;
    } catch (error) {
      if (!isRejection(error)) throw error;
    }
    for (const doc of new Map(writable.map((d) => [d.id, d])).values()) {
      try {
        await this.pool.query(upsertSql(table), [JSON.stringify(toRows([doc]))]);
      } catch (error) {
        if (!isRejection(error)) throw error;
        rejected.push({ id: doc.id, reason: `PostgreSQL: ${(error as Error).message}` });
      }
    }
    return rejected;
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.pool.query(`DELETE FROM ${this.table} WHERE id = ANY($1::text[])`, [ids]);
  }

  /**
   * Committed rows are visible at once. After a bulk load (an import, a harvest, a first drain) the new rows sit
   * on pages not yet marked all-visible and the planner's statistics predate them, so until autovacuum comes by
   * counts read every row instead of the covering indexes: at 100k every bench search took 150-240 ms instead
   * of 13-60 ms (BENCHMARKS.md). So after many writes a refresh vacuums and analyses, as a rebuild does.
   */
  async refresh(): Promise<void> {
    if (this.writtenSinceVacuum < this.vacuumAfterDocuments) return;
    this.writtenSinceVacuum = 0;
    await this.pool.query(`VACUUM (ANALYZE) ${[this.table, ...DERIVED_SUFFIXES.map((suffix) => `${this.table}${suffix}`)].join(', ')}`);
    await this.refreshCommonWords();
  }

  async search(request: DatasetSearchRequest): Promise<DatasetSearchResult> {
    const query = toQueryModel(request, CURSOR_KEYS);
    return this.inSnapshot(query, async (client, text) => {
      if (textTableMatches(text) && SORT_ORDERS[query.sort].key === 'score') await keepHeldTags(client, this.table, text);
      // With several words (any may match) the catalogue's share they match is at least the largest word's.
      const statement = searchSql(query, this.table, text, Math.max(0, ...text.map((word) => word.share)) >= this.countOutsideShare);
      const { rows } = await client.query<SearchRow>(statement.text, statement.values);
      const row = rows[0]!;
      const { levels } = statement;
      if (levels) {
        for (let at: LevelAt = { index: 0, level: levels[0]! }; !pageDecided(query, levels, at, row.hits); ) {
          const page = textPageSql(query, this.table, text, levels, at, row.hits);
          const { hits } = (await client.query<Pick<SearchRow, 'hits'>>(page.text, page.values)).rows[0]!;
          row.hits = [...page.kept, ...hits];
          at = page.at;
        }
      }
      return readSearchRow(query, row);
    });
  }

  /**
   * Runs a search in one read-only snapshot (see snapshotSql), handing it the query words expanded against the
   * vocabulary. A search stopped by the statement timeout is SearchTooSlowError.
   */
  private async inSnapshot<T>(query: DatasetQuery, run: (client: PoolClient, text: ExpandedWord[]) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      const statements = snapshotSql(this.table, query.words, this.searchStatementTimeoutMs, (word) => client.escapeLiteral(word));
      const results = (await client.query(statements)) as unknown as QueryResult<ExpandedWordRow>[];
      const result = await run(client, expandedWords(query.words, query.words.length > 0 ? results.at(-1)!.rows : []));
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      // The connection may be mid-transaction or broken; discard it rather than return it to the pool.
      client.release(error instanceof Error ? error : true);
      if ((error as { code?: string }).code === QUERY_CANCELED) throw new SearchTooSlowError();
      throw error;
    }
  }

  async rebuild(
    batches: AsyncIterable<DatasetSearchDocument[]>,
    onProgress?: (indexed: number) => void,
  ): Promise<WriteResult> {
    await this.init();
    // Writes that arrive meanwhile land in the live table and are not carried over; the caller must replay
    // what changed since the rebuild started.
    const staging = `${this.table}_rebuild`;
    // Staging tables left by an interrupted rebuild are stale; readers never see them.
    await this.pool.query(`DROP TABLE IF EXISTS ${DERIVED_SUFFIXES.map((suffix) => `${staging}${suffix}`).join(', ')}`);
    await this.pool.query(createTableSql(staging));
    let indexed = 0;
    const rejected: RejectedDocument[] = [];
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      rejected.push(...(await this.write(staging, this.prepareUpsert(batch))));
      indexed += batch.length;
      onProgress?.(indexed);
    }
    // Secondary indexes, counts and vocabulary are built once after loading, which is much faster than
    // maintaining them per row.
    for (const statement of createIndexSql(staging)) await this.pool.query(statement);
    for (const statement of derivedTablesSql(staging)) await this.pool.query(statement);
    for (const statement of facetTablesSql(staging)) await this.pool.query(statement);
    for (const statement of textTableSql(staging, this.commonWordShare)) await this.pool.query(statement);
    // VACUUM as well: a freshly loaded table has no page marked all-visible, so the counts the covering indexes
    // are meant to answer index-only (a DUO permission's total) would read every row until autovacuum came by.
    await this.pool.query(`VACUUM (ANALYZE) ${staging}, ${textTableName(staging)}`);

    await this.inTransaction(async (client) => {
      // Readers queue on this lock for the instant of the swap and then resolve the name to the new table.
      await client.query(`LOCK TABLE ${this.table} IN ACCESS EXCLUSIVE MODE`);
      await client.query(`DROP TABLE ${DERIVED_SUFFIXES.map((suffix) => `${this.table}${suffix}`).join(', ')}`);
      for (const suffix of DERIVED_SUFFIXES) {
        await client.query(`ALTER TABLE ${staging}${suffix} RENAME TO ${this.table}${suffix}`);
      }
      for (const suffix of [...INDEX_SUFFIXES, ...FACET_INDEX_SUFFIXES]) {
        await client.query(`ALTER INDEX ${staging}_${suffix} RENAME TO ${this.table}_${suffix}`);
      }
      // The dropped table took its maintenance triggers along.
      for (const statement of maintenance(this.table)) await client.query(statement);
    });
    return { rejected };
  }

  async listIds(): Promise<{ id: string; modified: string }[]> {
    const { rows } = await this.pool.query<{ id: string; modified: string }>(
      `SELECT id, to_char(modified AT TIME ZONE 'UTC', ${ISO_MILLIS}) AS modified FROM ${this.table} ORDER BY id`,
    );
    return rows;
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Ends the pool (the engine owns the pool it is given; createSearchEngine makes one for it) and waits until
   * every connection has closed. pool.end() resolves as soon as each connection has been asked to close; a
   * server that terminates such a connection before reading that request (a database dropped or restarted right
   * after close) would raise an error on a pool nobody listens to any more.
   */
  async close(): Promise<void> {
    const closing = [...this.openConnections].map((client) => new Promise((resolve) => client.once('end', resolve)));
    if (!this.pool.ended) await this.pool.end();
    await Promise.all(closing);
  }
}

