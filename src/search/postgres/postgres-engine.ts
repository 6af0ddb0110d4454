import type { Pool, PoolClient, QueryResult } from 'pg';
import {
  FACET_FIELDS,
  INDIVIDUALS_RANGES,
  InvalidSearchCursorError,
  type DatasetSearchDocument,
  type DatasetSearchFilter,
  type DatasetSearchRequest,
  type DatasetSearchResult,
  type DatasetSortOrder,
  type FacetBucket,
  type FacetField,
  type RejectedDocument,
  type SearchEngine,
  type SearchVisibility,
  type WriteResult,
  textsInAllLanguages,
} from '../engine.js';
import type { IndividualsView } from '../../datasets/cohort-disclosure.js';
import { SEARCH_TERM_MAX_BYTES } from '../../config.js';
import { isUuid } from '../../core/validation.js';
import { SearchTooSlowError } from '../search-limiter.js';

/**
 * Discovery search on PostgreSQL, used when no Elasticsearch is configured.
 *
 * The `dataset_search` table is a derived projection owned by this engine, like an Elasticsearch index: it is
 * created by init(), fed by the outbox indexer and replaced wholesale by rebuild(). It is deliberately not part
 * of the migrations and can be dropped and rebuilt from the source tables at any time; so can the tables its
 * triggers keep in step with it (`_counts`, `_words`, see derivedTablesSql).
 *
 * Relevance is term-centric, the same model as the Elasticsearch engine: every query term scores the best
 * field it matches (title 1, keywords 0.625, disease/phenotype labels or publisher 0.375, description 0.25;
 * a typo-tolerant pg_trgm match in the title 0.5, in keywords/labels/publisher 0.3125) and a document's score
 * is the sum over terms. The weights are multiples of 1/16, so sums are exact both here (numeric) and in
 * Elasticsearch's float scores, and the two engines order documents with the same matches identically.
 * Typo tolerance differs in kind: here trigram word similarity (which also relates 'genomics' to 'genome'),
 * there edit distance. Words containing digits (gene symbols, builds) match exactly in both.
 *
 * Languages: every field holds the texts of all the dataset's languages, matched word for word ('simple'
 * configuration, accents folded). Each language's texts are also stemmed with that language's text search
 * configuration (STEMMING: swedish, english) into a vector of their own, and a query word matches there by
 * its stem in that language ('barn' finds 'barnen', 'sequencing' finds 'sequenced'), with the same field
 * weights. Elasticsearch's core-only test node has no stemmers, so this is where the engines differ
 * (README, "Languages").
 */

export interface PostgresSearchEngineOptions {
  pool: Pool;
  /** Projection table name (default `dataset_search`). */
  table?: string;
  /** PostgreSQL's limit on one search statement (0 or unset: none); indexing writes are not limited. */
  searchStatementTimeoutMs?: number;
}

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,39}$/;
const MAX_QUERY_TERMS = 32;
/** pg_trgm word similarity at which a query word approximately matches a word in the title or subject. */
const SEARCH_WORK_MEM = '64MB';
const WORD_SIMILARITY_THRESHOLD = 0.5;
/** SQLSTATE of a statement cancelled by statement_timeout. */
const QUERY_CANCELED = '57014';
const FACET_SIZE = 50;
/** Each content language's text search configuration and the column of its stemmed vector. */
const STEMMING = [
  { language: 'sv', config: 'swedish', column: 'search_vector_sv' },
  { language: 'en', config: 'english', column: 'search_vector_en' },
] as const;

/** Renders the stored millisecond timestamp exactly as JavaScript's toISOString() does. */
const ISO_MILLIS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** Facetable filters: the document column each one constrains and the facet that ignores it. */
interface FacetableFilter {
  facet: FacetField;
  key: keyof DatasetSearchFilter;
  column: string;
  multiValued: boolean;
}

const FACETABLE_FILTERS: readonly FacetableFilter[] = [
  { facet: 'publisher', key: 'publisherIds', column: 'publisher_id', multiValued: false },
  { facet: 'diagnosticArea', key: 'diagnosticAreas', column: 'diagnostic_area', multiValued: false },
  { facet: 'assay', key: 'assays', column: 'assays', multiValued: true },
  { facet: 'disease', key: 'diseaseIds', column: 'disease_ancestor_ids', multiValued: true },
  { facet: 'duoPermission', key: 'duoPermissions', column: 'duo_permission', multiValued: false },
  { facet: 'accessMode', key: 'accessModes', column: 'access_mode', multiValued: false },
  { facet: 'accessBody', key: 'accessBodyIds', column: 'access_body_ids', multiValued: true },
  { facet: 'holdingRegion', key: 'holdingRegionIds', column: 'holding_region_ids', multiValued: true },
  { facet: 'genomeBuild', key: 'genomeBuilds', column: 'genome_build', multiValued: false },
];

/**
 * The column whose values form each facet's buckets (individuals is bucketed by range instead): the column its
 * filter reads, so a bucket fed back as a filter matches exactly the bucket's datasets.
 */
const FACET_COLUMNS = Object.fromEntries(
  FACETABLE_FILTERS.map((filter) => [filter.facet, { column: filter.column, multiValued: filter.multiValued }]),
) as Record<Exclude<FacetField, 'individuals'>, { column: string; multiValued: boolean }>;

/** Each sort order's ORDER BY and the value its cursor carries (see keysetSql for the "after" condition). */
const SORTS: Record<DatasetSortOrder, { orderBy: string; key: string }> = {
  RELEVANCE: { orderBy: 'score DESC, id ASC', key: 'score::text' },
  TITLE: { orderBy: 'title_sort ASC, id ASC', key: 'title_sort' },
  MODIFIED_DESC: { orderBy: 'modified DESC, id ASC', key: `to_char(modified AT TIME ZONE 'UTC', ${ISO_MILLIS})` },
  INDIVIDUALS_DESC: { orderBy: 'sort_individuals DESC NULLS LAST, id ASC', key: 'sort_individuals' },
};

/** The cohort size a view works with (see IndividualsView), and the one its size sort orders by. */
function individualsSql(view: IndividualsView, params: SqlParameters): { shown: string; sort: string } {
  if (view.kind === 'EXACT') return { shown: 'individuals', sort: 'individuals' };
  const threshold = `${params.add(view.threshold)}::bigint`;
  return { shown: `(CASE WHEN individuals_rounded >= ${threshold} THEN individuals_rounded END)`, sort: 'individuals_rounded' };
}

type CursorValue = string | number | null;

interface Cursor {
  sort: DatasetSortOrder;
  value: CursorValue;
  id: string;
}

/** Totals and facet buckets as the summary statements return them (json numbers may arrive as strings). */
interface Summary {
  total: number | string;
  individuals: number | string | null;
  facets: { value: string; count: number | string; individuals: number | string | null }[][];
}

/** A statement's summary (totals and facets) as a select expression, with the CTE it reads if any. */
interface SummarySql {
  with?: string;
  select: string;
}

/** A query word and the indexed title and subject words similar to it (none for exact-only words). */
interface ExpandedTerm {
  term: string;
  similar: string[];
}

/** Collects positional parameters so every value reaches PostgreSQL as a bind parameter. */
class SqlParameters {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export class PostgresSearchEngine implements SearchEngine {
  readonly name = 'postgres' as const;
  private readonly pool: Pool;
  private readonly table: string;
  private readonly searchStatementTimeoutMs: number;
  /** The pool's connections that have not closed yet; close() waits for them. */
  private readonly openConnections = new Set<PoolClient>();

  constructor(options: PostgresSearchEngineOptions) {
    const table = options.table ?? 'dataset_search';
    // Identifiers cannot be bind parameters, so the table name is validated instead.
    if (!TABLE_NAME.test(table)) throw new Error(`Invalid search table name: ${table}`);
    this.pool = options.pool;
    this.table = table;
    this.searchStatementTimeoutMs = options.searchStatementTimeoutMs ?? 0;
    this.pool.on('connect', (client) => {
      this.openConnections.add(client);
      client.once('end', () => this.openConnections.delete(client));
    });
  }

  async init(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Serialises concurrent start-ups: CREATE EXTENSION / CREATE OR REPLACE FUNCTION race otherwise.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('gdcat_search_init'))`);
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
      await client.query('CREATE EXTENSION IF NOT EXISTS unaccent');
      // unaccent() is only STABLE (its dictionary could change); pinning the dictionary makes it safe to
      // declare IMMUTABLE, which lets the planner fold it over query parameters and use the indexes.
      await client.query(`DO $do$
        DECLARE schema_name text := (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent');
        BEGIN
          EXECUTE format(
            'CREATE OR REPLACE FUNCTION gdcat_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT'
            ' AS $f$ SELECT %s.unaccent(%L::regdictionary, $1) $f$',
            schema_name, schema_name || '.unaccent');
        END $do$`);
      const exists = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [this.table]);
      if (!exists.rows[0]?.found) {
        await client.query(createTableSql(this.table));
      } else {
        // A projection built by an older version lacks later columns; `gdcat reindex` fills them in.
        await client.query(`ALTER TABLE ${this.table}
          ADD COLUMN IF NOT EXISTS holding_region_ids text[] COLLATE "C" NOT NULL DEFAULT '{}',
          ADD COLUMN IF NOT EXISTS individuals_rounded bigint,
          ${STEMMING.map((s) => `ADD COLUMN IF NOT EXISTS ${s.column} tsvector NOT NULL DEFAULT ''`).join(', ')},
          DROP COLUMN IF EXISTS title_folded, DROP COLUMN IF EXISTS subject_folded`);
        // Typo tolerance now goes through the vocabulary (see expandTermsSql): the folded texts and their
        // trigram indexes went unused.
        await client.query(`DROP INDEX IF EXISTS ${this.table}_title_trgm_idx, ${this.table}_subject_trgm_idx`);
      }
      for (const statement of createIndexSql(this.table)) await client.query(statement);
      const derived = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [`${this.table}_counts`]);
      if (!derived.rows[0]?.found) {
        for (const statement of derivedTablesSql(this.table)) await client.query(statement);
      }
      for (const statement of maintenanceSql(this.table)) await client.query(statement);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async upsert(docs: DatasetSearchDocument[]): Promise<WriteResult> {
    const rejected = await this.write(this.table, docs);
    if (rejected.length > 0) await this.remove(rejected.map((r) => r.id));
    return { rejected };
  }

  /**
   * One statement per batch. When PostgreSQL refuses it for something in the data (a value its indexes
   * cannot hold), each document is written on its own, so only the documents it refuses are left out. Any
   * other failure (an outage, a timeout) throws: the indexer retries the whole batch later.
   */
  private async write(table: string, docs: DatasetSearchDocument[]): Promise<RejectedDocument[]> {
    const rejected: RejectedDocument[] = [];
    const writable = docs.filter((doc) => {
      const reason = oversizedIndexEntry(doc);
      if (reason) rejected.push({ id: doc.id, reason });
      return !reason;
    });
    if (writable.length === 0) return rejected;
    try {
      await this.pool.query(upsertSql(table), [JSON.stringify(toRows(writable))]);
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

  /** Committed rows are visible at once. */
  async refresh(): Promise<void> {}

  async search(request: DatasetSearchRequest): Promise<DatasetSearchResult> {
    const first = pageSize(request.first);
    const terms = queryTerms(request.query);
    const sort: DatasetSortOrder = request.sort === 'RELEVANCE' && terms.length === 0 ? 'MODIFIED_DESC' : request.sort;
    const cursor = request.after ? decodeCursor(request.after, sort) : null;
    for (const field of request.facets) {
      if (!FACET_FIELDS.includes(field)) throw new Error(`Unknown facet field: ${String(field)}`);
    }
    const withTotals = request.withTotals !== false;

    return this.inSnapshot(terms, async (client, text) => {
      // The page and the summary in one statement: one round trip, one plan each.
      const params = new SqlParameters();
      const page = this.pageSql(request, text, sort, cursor, first, params);
      const summary: SummarySql =
        withTotals || request.facets.length > 0
          ? answeredByCounts(request, text)
            ? this.summaryFromCountsSql(request, withTotals, params)
            : this.liveSummarySql(request, text, withTotals, params)
          : { select: `json_build_object('total', 0, 'individuals', 0, 'facets', '[]'::json)` };
      const { rows } = await client.query<{ summary: Summary; hits: { id: string; key: CursorValue }[] }>(
        `${summary.with ? `WITH ${summary.with} ` : ''}SELECT ${summary.select} AS summary,
           (SELECT coalesce(json_agg(json_build_object('id', id, 'key', key) ORDER BY ${SORTS[sort].orderBy}), '[]'::json)
            FROM (${page}) page) AS hits`,
        params.values,
      );
      const { summary: result, hits } = rows[0]!;
      return {
        totalCount: Number(result.total),
        individuals: Number(result.individuals ?? 0),
        hits: hits.map((hit) => ({ id: hit.id, cursor: encodeCursor({ sort, value: hit.key, id: hit.id }) })),
        facets: request.facets.map((field, index) => ({
          field,
          buckets: (result.facets[index] ?? []).map(
            (bucket): FacetBucket => ({ value: bucket.value, count: Number(bucket.count), individuals: Number(bucket.individuals ?? 0) }),
          ),
        })),
      };
    });
  }

  /** The page alone, read in the sort order's index where the matches allow it: no count, no facets. */
  private pageSql(
    request: DatasetSearchRequest,
    text: ExpandedTerm[],
    sort: DatasetSortOrder,
    cursor: Cursor | null,
    first: number,
    params: SqlParameters,
  ): string {
    const { where, facetable, individuals, score } = matchSql(request, text, params);
    const spec = SORTS[sort];
    const keyset = cursor ? keysetSql(cursor, params) : 'TRUE';
    return `SELECT id, score, title_sort, modified, sort_individuals, ${spec.key} AS key FROM (
         SELECT id, title_sort, modified, ${individuals.shown} AS shown_individuals,
                ${individuals.sort} AS sort_individuals, ${score()} AS score
         FROM ${this.table} WHERE ${where.concat(facetable.map((filter) => filter.sql)).join(' AND ')}
       ) matched
       WHERE ${keyset} ORDER BY ${spec.orderBy} LIMIT ${params.add(first)}`;
  }

  /**
   * Totals and facets over every match. Facetable filters become boolean columns so each facet can ignore its
   * own filter (disjunctive facets); the base set carries only the columns the requested facets read. Without
   * facets no filter needs its matches apart, so the filters narrow the scan itself and can use indexes.
   */
  private liveSummarySql(request: DatasetSearchRequest, text: ExpandedTerm[], withTotals: boolean, params: SqlParameters): SummarySql {
    const { where, facetable, individuals } = matchSql(request, text, params);
    if (request.facets.length === 0) {
      return {
        select: `(SELECT json_build_object('total', count(*), 'individuals', coalesce(sum(${individuals.shown}), 0), 'facets', '[]'::json)
                  FROM ${this.table} WHERE ${where.concat(facetable.map((filter) => filter.sql)).join(' AND ')})`,
      };
    }
    const flagsExcept = (facet: FacetField | null): string =>
      facetable
        .flatMap((filter, index) => (filter.facet === facet ? [] : [`f${index}`]))
        .concat('TRUE')
        .join(' AND ');
    const facetColumns = new Set(request.facets.flatMap((field) => (field === 'individuals' ? [] : [FACET_COLUMNS[field].column])));
    const baseColumns = [`${individuals.shown} AS shown_individuals`]
      .concat([...facetColumns])
      .concat(facetable.map((filter, index) => `(${filter.sql}) AS f${index}`));
    const facetsSql = `json_build_array(${request.facets.map((field) => facetSql(field, flagsExcept(field), params)).join(', ')})`;
    const totals = withTotals
      ? `(SELECT count(*) FROM base WHERE ${flagsExcept(null)}),
         'individuals', (SELECT coalesce(sum(shown_individuals), 0) FROM base WHERE ${flagsExcept(null)})`
      : `0, 'individuals', 0`;
    return {
      with: `base AS MATERIALIZED (SELECT ${baseColumns.join(', ')} FROM ${this.table} WHERE ${where.join(' AND ')})`,
      select: `json_build_object('total', ${totals}, 'facets', ${facetsSql})`,
    };
  }

  /**
   * Totals and facets of the whole visible catalogue from the maintained counts (see maintenanceSql),
   * summed over the status and owner groups the caller may see: a few hundred rows instead of every dataset.
   */
  private summaryFromCountsSql(request: DatasetSearchRequest, withTotals: boolean, params: SqlParameters): SummarySql {
    const visible = [visibilitySql(request.visibility, params), ...alwaysAppliedFilterSql(request.filter, params)].join(' AND ');
    const view = request.individuals;
    const disclosed = view.kind === 'DISCLOSED' ? `(low = -1 OR low >= ${params.add(view.threshold)}::int)` : 'TRUE';
    const people = view.kind === 'EXACT' ? 'exact_sum' : `CASE WHEN ${disclosed} THEN rounded_sum ELSE 0 END`;
    const counts = `${this.table}_counts`;
    const facets = request.facets.map((field) => {
      if (field === 'individuals') {
        const facet = params.add(view.kind === 'EXACT' ? 'individuals.exact' : 'individuals.rounded');
        const keys = params.add(INDIVIDUALS_RANGES.map((range) => range.key));
        return `(SELECT coalesce(json_agg(json_build_object('value', value, 'count', n, 'individuals', people)
                  ORDER BY array_position(${keys}::text[], value)), '[]'::json)
                FROM (SELECT value, sum(n) AS n, sum(${people}) AS people FROM ${counts}
                      WHERE facet = ${facet} AND ${visible} AND ${disclosed} GROUP BY value HAVING sum(n) > 0) counted)`;
      }
      return `(SELECT coalesce(json_agg(json_build_object('value', value, 'count', n, 'individuals', people)
                ORDER BY n DESC, value), '[]'::json)
              FROM (SELECT value, sum(n) AS n, sum(${people}) AS people FROM ${counts}
                    WHERE facet = ${params.add(field)} AND ${visible} GROUP BY value HAVING sum(n) > 0
                    ORDER BY sum(n) DESC, value LIMIT ${params.add(FACET_SIZE)}) counted)`;
    });
    const totals = withTotals
      ? `(SELECT coalesce(sum(n), 0) FROM ${counts} WHERE facet = '' AND ${visible}),
         'individuals', (SELECT coalesce(sum(${people}), 0) FROM ${counts} WHERE facet = '' AND ${visible})`
      : `0, 'individuals', 0`;
    return {
      select: `json_build_object('total', ${totals}, 'facets', ${facets.length === 0 ? `'[]'::json` : `json_build_array(${facets.join(', ')})`})`,
    };
  }

  /**
   * Runs a search in one read-only snapshot with local settings, handing it the query words expanded against
   * the vocabulary:
   * - work_mem large enough that a materialised candidate set (about 30 MB per 100k datasets) stays in memory
   *   instead of spilling to disk, which the facet aggregates read several times;
   * - a lower word-similarity threshold than the default (0.6), which misses single-letter typos in long words
   *   ('leukamia' scores 0.58 against 'leukaemia').
   * The projection is locked first, as writers (whose triggers then write the counts and vocabulary) and the
   * rebuild's swap do: reading the vocabulary before it could deadlock with a swap. All of this is one round
   * trip; a multi-statement query takes no bind parameters, so the words go in as escaped literals.
   */
  private async inSnapshot<T>(terms: string[], run: (client: PoolClient, text: ExpandedTerm[]) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      const statements = [
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
        `SET LOCAL work_mem = '${SEARCH_WORK_MEM}'`,
        `SET LOCAL pg_trgm.word_similarity_threshold = ${WORD_SIMILARITY_THRESHOLD}`,
      ];
      if (this.searchStatementTimeoutMs > 0) statements.push(`SET LOCAL statement_timeout = ${Math.trunc(this.searchStatementTimeoutMs)}`);
      statements.push(`LOCK TABLE ${this.table} IN ACCESS SHARE MODE`);
      if (terms.length > 0) statements.push(expandTermsSql(`${this.table}_words`, terms, (term) => client.escapeLiteral(term)));
      const results = (await client.query(statements.join('; '))) as unknown as QueryResult<{ similar: string[] }>[];
      const expanded = terms.length > 0 ? results.at(-1)!.rows : [];
      const text = terms.map((term, index) => ({ term, similar: expanded[index]?.similar ?? [] }));
      const result = await run(client, text);
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
    await this.pool.query(`DROP TABLE IF EXISTS ${RENAMED_TABLES.map(([suffix]) => `${staging}${suffix}`).join(', ')}`);
    await this.pool.query(createTableSql(staging));
    let indexed = 0;
    const rejected: RejectedDocument[] = [];
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      rejected.push(...(await this.write(staging, batch)));
      indexed += batch.length;
      onProgress?.(indexed);
    }
    // Secondary indexes, counts and vocabulary are built once after loading, which is much faster than
    // maintaining them per row.
    for (const statement of createIndexSql(staging)) await this.pool.query(statement);
    for (const statement of derivedTablesSql(staging)) await this.pool.query(statement);
    await this.pool.query(`ANALYZE ${staging}`);

    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Readers queue on this lock for the instant of the swap and then resolve the name to the new table.
      await client.query(`LOCK TABLE ${this.table} IN ACCESS EXCLUSIVE MODE`);
      await client.query(`DROP TABLE ${this.table}, ${this.table}_counts, ${this.table}_words`);
      for (const [from, to] of RENAMED_TABLES) {
        await client.query(`ALTER TABLE ${staging}${from} RENAME TO ${this.table}${to}`);
      }
      for (const suffix of INDEX_SUFFIXES) {
        await client.query(`ALTER INDEX ${staging}_${suffix} RENAME TO ${this.table}_${suffix}`);
      }
      // The dropped table took its maintenance triggers along.
      for (const statement of maintenanceSql(this.table)) await client.query(statement);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
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

/**
 * PostgreSQL refuses statements for something in the data with SQLSTATE class 22 (data exception) or 54
 * (program limit exceeded: an index entry or a tsvector too large); everything else is an outage or a fault
 * that a retry may get past.
 */
function isRejection(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('54'));
}

/** Array columns with a GIN index, whose every value is one index entry. */
const GIN_INDEXED: readonly { name: string; values: (doc: DatasetSearchDocument) => string[] }[] = [
  { name: 'assays', values: (doc) => doc.assays },
  { name: 'disease ids', values: (doc) => doc.diseaseAncestorIds },
  { name: 'access bodies', values: (doc) => doc.accessBodyIds },
  { name: 'holding regions', values: (doc) => doc.holdingRegionIds },
];

/**
 * A value too large for a GIN index entry (about 2.7 kB). Checked before writing because a rebuild creates
 * its indexes after loading, where one such value would fail the whole index build instead of its row.
 */
function oversizedIndexEntry(doc: DatasetSearchDocument): string | null {
  for (const column of GIN_INDEXED) {
    for (const value of column.values(doc)) {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > SEARCH_TERM_MAX_BYTES) return `PostgreSQL: a value of ${column.name} is ${bytes} bytes long, more than an index entry takes (${SEARCH_TERM_MAX_BYTES})`;
    }
  }
  return null;
}

const INDEX_SUFFIXES = [
  'pkey',
  'search_vector_idx',
  'modified_idx',
  'title_sort_idx',
  'individuals_idx',
  'individuals_rounded_idx',
  'duo_permission_idx',
  'assays_idx',
  'disease_ancestor_ids_idx',
  'access_body_ids_idx',
  'holding_region_ids_idx',
  ...STEMMING.map((s) => `${s.column}_idx`),
  'counts_pkey',
  'words_pkey',
  'words_trgm_idx',
] as const;

/** The projection and its derived tables, renamed together when a rebuild is swapped in. */
const RENAMED_TABLES = [
  ['', ''],
  ['_counts', '_counts'],
  ['_words', '_words'],
] as const;

/**
 * Identifiers and sort keys use the "C" collation: byte order equals code-point order, which is what
 * Elasticsearch keyword sorting and the contract's reference implementation use.
 */
function createTableSql(table: string): string {
  return `CREATE TABLE ${table} (
    id text COLLATE "C" NOT NULL,
    identifier text NOT NULL,
    status text NOT NULL,
    owner_organisation_id text NOT NULL,
    title text NOT NULL,
    title_sort text COLLATE "C" NOT NULL,
    description text NOT NULL,
    keywords text[] NOT NULL,
    publisher_id text COLLATE "C",
    publisher_name text,
    diagnostic_area text COLLATE "C",
    assays text[] COLLATE "C" NOT NULL,
    disease_ids text[] COLLATE "C" NOT NULL,
    disease_ancestor_ids text[] COLLATE "C" NOT NULL,
    disease_labels text[] NOT NULL,
    phenotype_labels text[] NOT NULL,
    duo_permission text COLLATE "C",
    consent_key text,
    access_mode text COLLATE "C",
    access_body_ids text[] COLLATE "C" NOT NULL,
    holding_region_ids text[] COLLATE "C" NOT NULL,
    genome_build text COLLATE "C",
    individuals bigint,
    individuals_rounded bigint,
    issued timestamptz,
    modified timestamptz NOT NULL,
    search_vector tsvector NOT NULL,
    ${STEMMING.map((s) => `${s.column} tsvector NOT NULL`).join(', ')},
    CONSTRAINT ${table}_pkey PRIMARY KEY (id)
  )`;
}

function createIndexSql(table: string): string[] {
  return [
    `CREATE INDEX IF NOT EXISTS ${table}_search_vector_idx ON ${table} USING gin (search_vector)`,
    // Keyset pages in each sort order read these instead of sorting every match.
    `CREATE INDEX IF NOT EXISTS ${table}_modified_idx ON ${table} (modified DESC, id)`,
    `CREATE INDEX IF NOT EXISTS ${table}_title_sort_idx ON ${table} (title_sort, id)`,
    `CREATE INDEX IF NOT EXISTS ${table}_individuals_idx ON ${table} (individuals DESC NULLS LAST, id)`,
    `CREATE INDEX IF NOT EXISTS ${table}_individuals_rounded_idx ON ${table} (individuals_rounded DESC NULLS LAST, id)`,
    // Counts under a DUO permission (and the consents permitting a purpose) from the index alone.
    `CREATE INDEX IF NOT EXISTS ${table}_duo_permission_idx ON ${table} (duo_permission, consent_key)
       INCLUDE (status, owner_organisation_id, individuals, individuals_rounded)`,
    `CREATE INDEX IF NOT EXISTS ${table}_assays_idx ON ${table} USING gin (assays)`,
    `CREATE INDEX IF NOT EXISTS ${table}_disease_ancestor_ids_idx ON ${table} USING gin (disease_ancestor_ids)`,
    `CREATE INDEX IF NOT EXISTS ${table}_access_body_ids_idx ON ${table} USING gin (access_body_ids)`,
    `CREATE INDEX IF NOT EXISTS ${table}_holding_region_ids_idx ON ${table} USING gin (holding_region_ids)`,
    ...STEMMING.map((s) => `CREATE INDEX IF NOT EXISTS ${table}_${s.column}_idx ON ${table} USING gin (${s.column})`),
  ];
}

/**
 * Cohort sizes (rounded) below this are kept apart in the counts, so a disclosure threshold up to it can be
 * applied there; a higher threshold makes the search count live.
 */
const SMALL_COHORT_LIMIT = 100;

/**
 * Derived tables of a projection, filled from it:
 * - `_counts`: for every facet value (and '' for the total), the number of datasets and the sums of their exact
 *   and rounded cohort sizes, grouped by what visibility and disclosure need apart: status, owner and the
 *   rounded size when small (-1 otherwise). The individuals facet is kept per view ('individuals.exact',
 *   'individuals.rounded'). Unfiltered browsing reads these instead of every dataset.
 * - `_words`: the distinct title and subject words (tsvector lexemes of weights A-C), for typo tolerance.
 */
function derivedTablesSql(table: string): string[] {
  return [
    `CREATE TABLE ${table}_counts (
      facet text COLLATE "C" NOT NULL,
      value text COLLATE "C" NOT NULL,
      status text NOT NULL,
      owner_organisation_id text NOT NULL,
      low integer NOT NULL,
      n bigint NOT NULL,
      exact_sum numeric NOT NULL,
      rounded_sum numeric NOT NULL,
      CONSTRAINT ${table}_counts_pkey PRIMARY KEY (facet, value, status, owner_organisation_id, low)
    )`,
    `CREATE TABLE ${table}_words (word text COLLATE "C" NOT NULL, CONSTRAINT ${table}_words_pkey PRIMARY KEY (word))`,
    countDeltasSql(`${table}_counts`, `SELECT 1 AS delta, * FROM ${table}`),
    newWordsSql(`${table}_words`, table),
    `CREATE INDEX ${table}_words_trgm_idx ON ${table}_words USING gin (word gin_trgm_ops)`,
  ];
}

/** Adds the facet entries of the source rows (each with a delta of +1 or -1) to the counts. */
function countDeltasSql(counts: string, source: string): string {
  const single = FACETABLE_FILTERS.filter((filter) => !filter.multiValued)
    .map(({ facet, column }) => `SELECT '${facet}', r.${column} WHERE r.${column} IS NOT NULL`);
  const multi = FACETABLE_FILTERS.filter((filter) => filter.multiValued)
    .map(({ facet, column }) => `SELECT '${facet}', v FROM unnest(r.${column}) AS v`);
  const ranges = (facet: string, column: string) =>
    INDIVIDUALS_RANGES.map(
      ({ key, min, max }) => `SELECT '${facet}', '${key}' WHERE r.${column} >= ${min}${max === null ? '' : ` AND r.${column} <= ${max}`}`,
    );
  const entries = [`SELECT '', ''`, ...single, ...multi, ...ranges('individuals.exact', 'individuals'), ...ranges('individuals.rounded', 'individuals_rounded')];
  return `INSERT INTO ${counts} AS c (facet, value, status, owner_organisation_id, low, n, exact_sum, rounded_sum)
    SELECT e.facet, e.value, r.status, r.owner_organisation_id,
           CASE WHEN r.individuals_rounded < ${SMALL_COHORT_LIMIT} THEN r.individuals_rounded ELSE -1 END,
           sum(r.delta), sum(r.delta * coalesce(r.individuals, 0)), sum(r.delta * coalesce(r.individuals_rounded, 0))
    FROM (${source}) r CROSS JOIN LATERAL (${entries.join(' UNION ALL ')}) AS e(facet, value)
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (facet, value, status, owner_organisation_id, low) DO UPDATE
      SET n = c.n + EXCLUDED.n, exact_sum = c.exact_sum + EXCLUDED.exact_sum, rounded_sum = c.rounded_sum + EXCLUDED.rounded_sum`;
}

/** Adds the title and subject words of the source rows to the vocabulary (words are never taken out). */
function newWordsSql(words: string, source: string): string {
  return `INSERT INTO ${words} (word)
    SELECT DISTINCT u.lexeme FROM ${source} r CROSS JOIN LATERAL unnest(r.search_vector) AS u
    WHERE u.weights && ARRAY['A', 'B', 'C']
    ON CONFLICT DO NOTHING`;
}

/**
 * Keeps the counts and the vocabulary in step with every write to the projection: statement triggers with
 * transition tables, so a batch upsert adjusts each touched count once. Keys are upserted in a fixed order,
 * so concurrent batches do not deadlock on them.
 */
function maintenanceSql(table: string): string[] {
  const counts = `${table}_counts`;
  const words = `${table}_words`;
  return [
    `CREATE OR REPLACE FUNCTION ${table}_maintain() RETURNS trigger LANGUAGE plpgsql AS $f$
     BEGIN
       IF TG_OP = 'INSERT' THEN
         ${countDeltasSql(counts, 'SELECT 1 AS delta, * FROM new_rows')};
         ${newWordsSql(words, 'new_rows')};
       ELSIF TG_OP = 'UPDATE' THEN
         ${countDeltasSql(counts, 'SELECT 1 AS delta, * FROM new_rows UNION ALL SELECT -1, * FROM old_rows')};
         ${newWordsSql(words, 'new_rows')};
       ELSE
         ${countDeltasSql(counts, 'SELECT -1 AS delta, * FROM old_rows')};
       END IF;
       RETURN NULL;
     END $f$`,
    `CREATE OR REPLACE TRIGGER ${table}_inserted AFTER INSERT ON ${table}
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_maintain()`,
    `CREATE OR REPLACE TRIGGER ${table}_updated AFTER UPDATE ON ${table}
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_maintain()`,
    `CREATE OR REPLACE TRIGGER ${table}_deleted AFTER DELETE ON ${table}
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_maintain()`,
  ];
}

/**
 * One statement per batch: documents arrive as a single JSON parameter and are expanded with
 * jsonb_to_recordset. The weighted tsvectors are maintained here rather than as generated
 * columns because array_to_string() is not IMMUTABLE.
 */
function upsertSql(table: string): string {
  const labelsAndPublisher = `array_to_string(d.disease_labels || d.phenotype_labels || ARRAY[d.publisher_name], ' ')`;
  return `
    INSERT INTO ${table} (
      id, identifier, status, owner_organisation_id, title, title_sort, description, keywords, publisher_id,
      publisher_name, diagnostic_area, assays, disease_ids, disease_ancestor_ids, disease_labels, phenotype_labels,
      duo_permission, consent_key, access_mode, access_body_ids, holding_region_ids, genome_build, individuals,
      individuals_rounded, issued, modified, search_vector,
      ${STEMMING.map((s) => s.column).join(', ')})
    SELECT
      d.id, d.identifier, d.status, d.owner_organisation_id, d.title, d.title_sort, d.description, d.keywords,
      d.publisher_id, d.publisher_name, d.diagnostic_area, d.assays, d.disease_ids, d.disease_ancestor_ids,
      d.disease_labels, d.phenotype_labels, d.duo_permission, d.consent_key, d.access_mode, d.access_body_ids,
      d.holding_region_ids, d.genome_build, d.individuals, d.individuals_rounded,
      date_trunc('milliseconds', d.issued), date_trunc('milliseconds', d.modified),
      setweight(to_tsvector('simple', gdcat_unaccent(d.title)), 'A')
        || setweight(to_tsvector('simple', gdcat_unaccent(array_to_string(d.keywords, ' '))), 'B')
        || setweight(to_tsvector('simple', gdcat_unaccent(${labelsAndPublisher})), 'C')
        || setweight(to_tsvector('simple', gdcat_unaccent(d.description)), 'D'),
      ${STEMMING.map(stemmedVectorSql).join(',\n      ')}
    FROM jsonb_to_recordset($1::jsonb) AS d(
      id text, identifier text, status text, owner_organisation_id text, title text, title_sort text,
      description text, keywords text[], publisher_id text, publisher_name text, diagnostic_area text,
      assays text[], disease_ids text[], disease_ancestor_ids text[], disease_labels text[], phenotype_labels text[],
      duo_permission text, consent_key text, access_mode text, access_body_ids text[], holding_region_ids text[],
      genome_build text, individuals bigint, individuals_rounded bigint, issued timestamptz, modified timestamptz,
      texts jsonb)
    ON CONFLICT (id) DO UPDATE SET
      identifier = EXCLUDED.identifier, status = EXCLUDED.status,
      owner_organisation_id = EXCLUDED.owner_organisation_id, title = EXCLUDED.title,
      title_sort = EXCLUDED.title_sort, description = EXCLUDED.description, keywords = EXCLUDED.keywords,
      publisher_id = EXCLUDED.publisher_id, publisher_name = EXCLUDED.publisher_name,
      diagnostic_area = EXCLUDED.diagnostic_area, assays = EXCLUDED.assays, disease_ids = EXCLUDED.disease_ids,
      disease_ancestor_ids = EXCLUDED.disease_ancestor_ids, disease_labels = EXCLUDED.disease_labels,
      phenotype_labels = EXCLUDED.phenotype_labels, duo_permission = EXCLUDED.duo_permission,
      consent_key = EXCLUDED.consent_key, access_mode = EXCLUDED.access_mode,
      access_body_ids = EXCLUDED.access_body_ids, holding_region_ids = EXCLUDED.holding_region_ids,
      genome_build = EXCLUDED.genome_build, individuals = EXCLUDED.individuals,
      individuals_rounded = EXCLUDED.individuals_rounded, issued = EXCLUDED.issued, modified = EXCLUDED.modified,
      search_vector = EXCLUDED.search_vector,
      ${STEMMING.map((s) => `${s.column} = EXCLUDED.${s.column}`).join(', ')}`;
}

/** One language's texts of the row `d`, stemmed with its configuration and weighted like search_vector. */
function stemmedVectorSql({ language, config }: (typeof STEMMING)[number]): string {
  const vector = (text: string, weight: string) => `setweight(to_tsvector('${config}', ${text}), '${weight}')`;
  return `coalesce((SELECT ${vector(`t->>'title'`, 'A')}
        || ${vector(`array_to_string(ARRAY(SELECT jsonb_array_elements_text(t->'keywords')), ' ')`, 'B')}
        || ${vector(`coalesce(t->>'publisherName', '')`, 'C')}
        || ${vector(`t->>'description'`, 'D')}
      FROM jsonb_array_elements(d.texts) AS t WHERE t->>'language' = '${language}'), '')`;
}

const unique = (values: string[]): string[] => [...new Set(values)];
const nfc = (text: string): string => text.normalize('NFC');

/** Rows for jsonb_to_recordset; the last version of a document wins within a batch. */
function toRows(docs: DatasetSearchDocument[]): Record<string, unknown>[] {
  const latest = new Map(docs.map((doc) => [doc.id, doc]));
  return [...latest.values()].map((doc) => ({
    id: doc.id,
    identifier: doc.identifier,
    status: doc.status,
    owner_organisation_id: doc.ownerOrganisationId,
    // Computed here, not with lower(), so both engines sort titles by exactly the same key.
    title_sort: doc.title.toLowerCase(),
    ...textColumns(doc),
    publisher_id: doc.publisherId,
    diagnostic_area: doc.diagnosticArea,
    assays: unique(doc.assays),
    disease_ids: unique(doc.diseaseIds),
    disease_ancestor_ids: unique(doc.diseaseAncestorIds),
    disease_labels: doc.diseaseLabels.map(nfc),
    phenotype_labels: doc.phenotypeLabels.map(nfc),
    duo_permission: doc.duoPermission,
    consent_key: doc.consentKey,
    access_mode: doc.accessMode,
    access_body_ids: unique(doc.accessBodyIds),
    holding_region_ids: unique(doc.holdingRegionIds),
    genome_build: doc.genomeBuild,
    individuals: doc.individuals,
    individuals_rounded: doc.individualsRounded,
    issued: doc.issued,
    modified: doc.modified,
  }));
}

/**
 * The text columns hold every language's texts, so a word matches in whichever language it is written; `texts`
 * keeps them by language for the stemmed vectors.
 */
function textColumns(doc: DatasetSearchDocument): Record<string, unknown> {
  const all = textsInAllLanguages(doc);
  return {
    title: nfc(all.titles.join('\n')),
    description: nfc(all.descriptions.join('\n')),
    keywords: all.keywords.map(nfc),
    publisher_name: all.publisherNames.length === 0 ? null : nfc(all.publisherNames.join('\n')),
    texts: doc.texts.map((t) => ({
      ...t,
      title: nfc(t.title),
      description: nfc(t.description),
      keywords: t.keywords.map(nfc),
      publisherName: t.publisherName === null ? null : nfc(t.publisherName),
    })),
  };
}

/** Lower-cased words of the query; accents are folded in SQL by the same gdcat_unaccent as the documents. */
function queryTerms(query: string | null | undefined): string[] {
  if (!query) return [];
  const words = query.normalize('NFC').toLowerCase().split(/[^\p{L}\p{M}\p{N}]+/u);
  return unique(words.filter((word) => word.length > 0)).slice(0, MAX_QUERY_TERMS);
}

/**
 * Typo tolerance: each query word is matched against the vocabulary of indexed title and subject words
 * (pg_trgm word similarity, through its trigram index), and the similar words found are then looked up
 * exactly in the text index. A document thus matches approximately when one of its title or subject words
 * is similar to the query word. One row per word, in order.
 */
function expandTermsSql(words: string, terms: string[], literal: (value: string) => string): string {
  const rows = terms.map((term, index) => `(${literal(term)}, ${isTypoTolerant(term)}, ${index})`).join(', ');
  return `SELECT coalesce((SELECT array_agg(w.word ORDER BY w.word) FROM ${words} w
                           WHERE t.fuzzy AND w.word %> gdcat_unaccent(t.term)), '{}') AS similar
          FROM (VALUES ${rows}) AS t(term, fuzzy, position) ORDER BY t.position`;
}

function tsquery(term: string, weights = ''): string {
  return `to_tsquery('simple', quote_literal(${term}) || '${weights ? `:${weights}` : ''}')`;
}

/**
 * Words containing digits (gene symbols such as BRCA2, builds, identifiers) match exactly: a near miss there
 * is a different thing, not a typo.
 */
function isTypoTolerant(term: string): boolean {
  return !/\p{N}/u.test(term);
}

/** A tsquery literal matching any of the words, each only in fields of the given weights. */
function anyOfWords(words: string[], weights: string): string {
  return words.map((word) => `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}':${weights}`).join(' | ');
}

/** The term stemmed by a language's configuration; an empty query (a stop word) matches nothing. */
function stemmedQuery(word: string, config: string, weights = ''): string {
  return `to_tsquery('${config}', quote_literal(${word}) || '${weights ? `:${weights}` : ''}')`;
}

/** The weight of the best field a vector matches the query in (the field weights A-D of the relevance model). */
function weightedMatchSql(vector: string, query: (weights: string) => string): string {
  return `CASE WHEN ${vector} @@ ${query('A')} THEN 1
         WHEN ${vector} @@ ${query('B')} THEN 0.625
         WHEN ${vector} @@ ${query('C')} THEN 0.375
         WHEN ${vector} @@ ${query('D')} THEN 0.25
         ELSE 0 END`;
}

/** A document matches a term exactly in any weighted field, or a word similar to it in title or subject. */
function termQuerySql({ term, similar }: ExpandedTerm, params: SqlParameters): string {
  const exact = tsquery(`gdcat_unaccent(${params.add(term)})`);
  return similar.length === 0 ? exact : `${exact} || ${params.add(anyOfWords(similar, 'ABC'))}::tsquery`;
}

/** The best field a term matches; see the relevance model at the top of this file. */
function termScoreSql({ term, similar }: ExpandedTerm, params: SqlParameters): string {
  const word = params.add(term);
  const folded = `gdcat_unaccent(${word})`;
  // Exactly, or by the term's stem in a language's own texts: the best field either way.
  const exact = `GREATEST(${[
    weightedMatchSql('search_vector', (weights) => tsquery(folded, weights)),
    ...STEMMING.map((s) => weightedMatchSql(s.column, (weights) => stemmedQuery(word, s.config, weights))),
  ].join(', ')})`;
  if (similar.length === 0) return exact;
  return `GREATEST(${exact},
    CASE WHEN search_vector @@ ${params.add(anyOfWords(similar, 'A'))}::tsquery THEN 0.5
         WHEN search_vector @@ ${params.add(anyOfWords(similar, 'BC'))}::tsquery THEN 0.3125
         ELSE 0 END)`;
}

/** The conditions of a search (visibility, filters, text) and the expressions its statements read. */
function matchSql(request: DatasetSearchRequest, text: ExpandedTerm[], params: SqlParameters) {
  const individuals = individualsSql(request.individuals, params);
  const where = [visibilitySql(request.visibility, params), ...alwaysAppliedFilterSql(request.filter, params)];
  if (text.length > 0) {
    const stemmed = STEMMING.map((s) => {
      const query = text.map(({ term }) => stemmedQuery(params.add(term), s.config)).join(' || ');
      return `${s.column} @@ (${query})`;
    });
    where.push(`(search_vector @@ (${text.map((term) => termQuerySql(term, params)).join(' || ')}) OR ${stemmed.join(' OR ')})`);
  }
  // A function: only the page reads the score, and every parameter added must be used by the statement.
  const score = (): string =>
    text.length === 0 ? 'NULL::numeric' : `round(${text.map((term) => termScoreSql(term, params)).join(' + ')}, 4)`;
  return { where, facetable: facetableFilterSql(request.filter, individuals.shown, params), individuals, score };
}

/**
 * The maintained counts answer for the whole visible catalogue: no text, no facetable or consent filter, and
 * a disclosure threshold within the small sizes the counts keep apart.
 */
function answeredByCounts(request: DatasetSearchRequest, text: ExpandedTerm[]): boolean {
  const { filter, individuals } = request;
  const filtered = FACETABLE_FILTERS.some(({ key }) => (filter[key] as unknown[] | undefined)?.length);
  return (
    text.length === 0 &&
    !filtered &&
    filter.minIndividuals == null &&
    !filter.individualsRanges?.length &&
    !filter.consentKeys &&
    (individuals.kind === 'EXACT' || individuals.threshold <= SMALL_COHORT_LIMIT)
  );
}

function visibilitySql(visibility: SearchVisibility, params: SqlParameters): string {
  if (visibility.allStatusesForOwners === 'ALL') return 'TRUE';
  return `(status = 'PUBLISHED' OR owner_organisation_id = ANY(${params.add(visibility.allStatusesForOwners)}::text[]))`;
}

/** Filters that no facet ignores. An empty consentKeys list means no consent permits the purpose. */
function alwaysAppliedFilterSql(filter: DatasetSearchFilter, params: SqlParameters): string[] {
  const clauses: string[] = [];
  if (filter.statuses && filter.statuses.length > 0) {
    clauses.push(`status = ANY(${params.add(filter.statuses)}::text[])`);
  }
  if (filter.consentKeys) clauses.push(`consent_key = ANY(${params.add(filter.consentKeys)}::text[])`);
  return clauses;
}

/** Value-list filters: values within a field are ORed; an empty list does not constrain. */
function facetableFilterSql(
  filter: DatasetSearchFilter,
  individuals: string,
  params: SqlParameters,
): { facet: FacetField; sql: string }[] {
  const clauses: { facet: FacetField; sql: string }[] = [];
  for (const { facet, key, column, multiValued } of FACETABLE_FILTERS) {
    const values = filter[key];
    if (!Array.isArray(values) || values.length === 0) continue;
    const list = `${params.add(values)}::text[]`;
    clauses.push({ facet, sql: multiValued ? `${column} && ${list}` : `${column} = ANY(${list})` });
  }
  const size: string[] = [];
  if (filter.minIndividuals !== undefined && filter.minIndividuals !== null) {
    size.push(`${individuals} >= ${params.add(filter.minIndividuals)}::bigint`);
  }
  if (filter.individualsRanges && filter.individualsRanges.length > 0) {
    const ranges = INDIVIDUALS_RANGES.filter((range) => filter.individualsRanges!.includes(range.key));
    size.push(`(${ranges.map((range) => rangeSql(individuals, range, params)).join(' OR ') || 'FALSE'})`);
  }
  if (size.length > 0) clauses.push({ facet: 'individuals', sql: size.join(' AND ') });
  return clauses;
}

function rangeSql(individuals: string, range: (typeof INDIVIDUALS_RANGES)[number], params: SqlParameters): string {
  const min = `${individuals} >= ${params.add(range.min)}::bigint`;
  return range.max === null ? min : `(${min} AND ${individuals} <= ${params.add(range.max)}::bigint)`;
}

function facetSql(field: FacetField, condition: string, params: SqlParameters): string {
  if (field === 'individuals') {
    const keys = params.add(INDIVIDUALS_RANGES.map((range) => range.key));
    const mins = params.add(INDIVIDUALS_RANGES.map((range) => range.min));
    const maxs = params.add(INDIVIDUALS_RANGES.map((range) => range.max));
    return `(
      SELECT coalesce(json_agg(json_build_object('value', counted.key, 'count', counted.n, 'individuals', counted.people)
        ORDER BY counted.position), '[]'::json)
      FROM (
        SELECT range.key, range.position, count(*) AS n, coalesce(sum(base.shown_individuals), 0) AS people
        FROM base
        JOIN unnest(${keys}::text[], ${mins}::bigint[], ${maxs}::bigint[]) WITH ORDINALITY AS range(key, min, max, position)
          ON base.shown_individuals >= range.min AND (range.max IS NULL OR base.shown_individuals <= range.max)
        WHERE ${condition}
        GROUP BY range.key, range.position
      ) counted)`;
  }
  const { column, multiValued } = FACET_COLUMNS[field];
  const source = multiValued
    ? `base CROSS JOIN LATERAL unnest(base.${column}) AS v(value) WHERE ${condition}`
    : `(SELECT ${column} AS value, shown_individuals FROM base WHERE ${condition} AND ${column} IS NOT NULL) v`;
  return `(
    SELECT coalesce(json_agg(json_build_object('value', counted.value, 'count', counted.n, 'individuals', counted.people)
      ORDER BY counted.n DESC, counted.value COLLATE "C"), '[]'::json)
    FROM (
      SELECT v.value, count(*) AS n, coalesce(sum(shown_individuals), 0) AS people FROM ${source}
      GROUP BY v.value ORDER BY count(*) DESC, v.value COLLATE "C" LIMIT ${params.add(FACET_SIZE)}
    ) counted)`;
}

/** Rows strictly after the cursor under its sort order; uses the same expressions as the ORDER BY. */
function keysetSql(cursor: Cursor, params: SqlParameters): string {
  const id = params.add(cursor.id);
  switch (cursor.sort) {
    case 'RELEVANCE': {
      const score = `${params.add(cursor.value)}::numeric`;
      return `(score < ${score} OR (score = ${score} AND id > ${id}))`;
    }
    case 'TITLE': {
      const title = `${params.add(cursor.value)}::text COLLATE "C"`;
      return `(title_sort > ${title} OR (title_sort = ${title} AND id > ${id}))`;
    }
    case 'MODIFIED_DESC': {
      const modified = `${params.add(cursor.value)}::timestamptz`;
      return `(modified < ${modified} OR (modified = ${modified} AND id > ${id}))`;
    }
    case 'INDIVIDUALS_DESC': {
      if (cursor.value === null) return `(sort_individuals IS NULL AND id > ${id})`;
      const individuals = `${params.add(cursor.value)}::bigint`;
      return `(sort_individuals < ${individuals} OR (sort_individuals = ${individuals} AND id > ${id}) OR sort_individuals IS NULL)`;
    }
  }
}

function pageSize(first: number): number {
  if (!Number.isInteger(first) || first < 0) throw new Error(`Invalid page size: ${first}`);
  return first;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.value, cursor.id])).toString('base64url');
}

function decodeCursor(encoded: string, sort: DatasetSortOrder): Cursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidSearchCursorError('is not a cursor returned by this search');
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) throw new InvalidSearchCursorError('is not a cursor returned by this search');
  const [cursorSort, value, id] = decoded as unknown[];
  if (cursorSort !== sort) throw new InvalidSearchCursorError(`was issued for sort ${String(cursorSort)}, not ${sort}`);
  const valueValid =
    sort === 'INDIVIDUALS_DESC'
      ? value === null || (typeof value === 'number' && Number.isSafeInteger(value))
      : typeof value === 'string';
  if (!valueValid || !isUuid(id) || (typeof value === 'string' && value.includes('\0'))) {
    throw new InvalidSearchCursorError('is not a cursor returned by this search');
  }
  return { sort, value: value as CursorValue, id };
}
