import type { Pool } from 'pg';
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
  type SearchEngine,
  type SearchVisibility,
  textsInAllLanguages,
} from '../engine.js';
import type { IndividualsView } from '../../datasets/cohort-disclosure.js';
import { isUuid } from '../../core/validation.js';
import { SearchTooSlowError } from '../search-limiter.js';

/**
 * Discovery search on PostgreSQL, used when no Elasticsearch is configured.
 *
 * The `dataset_search` table is a derived projection owned by this engine, like an Elasticsearch index: it is
 * created by init(), fed by the outbox indexer and replaced wholesale by rebuild(). It is deliberately not part
 * of the migrations and can be dropped and rebuilt from the source tables at any time.
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
 * its stem in that language ('tumörer' finds 'tumör', 'sequences' finds 'sequencing'), with the same field
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

interface SearchRow {
  total: number;
  individuals: number | string | null;
  hits: { id: string; key: CursorValue }[];
  facets: { value: string; count: number | string; individuals: number | string | null }[][];
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

  constructor(options: PostgresSearchEngineOptions) {
    const table = options.table ?? 'dataset_search';
    // Identifiers cannot be bind parameters, so the table name is validated instead.
    if (!TABLE_NAME.test(table)) throw new Error(`Invalid search table name: ${table}`);
    this.pool = options.pool;
    this.table = table;
    this.searchStatementTimeoutMs = options.searchStatementTimeoutMs ?? 0;
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
        for (const statement of createIndexSql(this.table)) await client.query(statement);
      } else {
        // A projection built by an older version lacks later columns; `gdcat reindex` fills them in.
        await client.query(`ALTER TABLE ${this.table}
          ADD COLUMN IF NOT EXISTS holding_region_ids text[] COLLATE "C" NOT NULL DEFAULT '{}',
          ADD COLUMN IF NOT EXISTS individuals_rounded bigint,
          ${STEMMING.map((s) => `ADD COLUMN IF NOT EXISTS ${s.column} tsvector NOT NULL DEFAULT ''`).join(', ')}`);
        await client.query(
          `CREATE INDEX IF NOT EXISTS ${this.table}_holding_region_ids_idx ON ${this.table} USING gin (holding_region_ids)`,
        );
        for (const s of STEMMING) {
          await client.query(`CREATE INDEX IF NOT EXISTS ${this.table}_${s.column}_idx ON ${this.table} USING gin (${s.column})`);
        }
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async upsert(docs: DatasetSearchDocument[]): Promise<void> {
    if (docs.length === 0) return;
    await this.pool.query(upsertSql(this.table), [JSON.stringify(toRows(docs))]);
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
    const params = new SqlParameters();
    const individuals = individualsSql(request.individuals, params);

    const where = [visibilitySql(request.visibility, params), ...alwaysAppliedFilterSql(request.filter, params)];
    let score = 'NULL::numeric';
    if (terms.length > 0) {
      const folded = terms.map((term) => {
        const word = params.add(term);
        return { sql: `gdcat_unaccent(${word})`, word, fuzzy: isTypoTolerant(term) };
      });
      where.push(`(${folded.map(termMatchSql).join(' OR ')})`);
      score = `round(${folded.map(termScoreSql).join(' + ')}, 4)`;
    }

    // Facetable filters become boolean columns so each facet can ignore its own filter (disjunctive facets).
    const facetable = facetableFilterSql(request.filter, individuals.shown, params);
    const flagsExcept = (facet: FacetField | null): string =>
      facetable
        .flatMap((filter, index) => (filter.facet === facet ? [] : [`f${index}`]))
        .concat('TRUE')
        .join(' AND ');

    // The base set carries only the columns the sort, the cursor and the requested facets read.
    const facetColumns = new Set<string>();
    for (const field of request.facets) {
      if (!FACET_FIELDS.includes(field)) throw new Error(`Unknown facet field: ${String(field)}`);
      if (field !== 'individuals') facetColumns.add(FACET_COLUMNS[field].column);
    }
    const baseColumns = [
      'id',
      'title_sort',
      'modified',
      `${individuals.shown} AS shown_individuals`,
      `${individuals.sort} AS sort_individuals`,
      `${score} AS score`,
    ]
      .concat([...facetColumns])
      .concat(facetable.map((filter, index) => `(${filter.sql}) AS f${index}`));

    const spec = SORTS[sort];
    const keyset = cursor ? keysetSql(cursor, params) : 'TRUE';
    const limit = params.add(first);
    const facetsSql =
      request.facets.length === 0
        ? `'[]'::json`
        : `json_build_array(${request.facets.map((field) => facetSql(field, flagsExcept(field), params)).join(', ')})`;

    const sql = `
      WITH base AS MATERIALIZED (
        SELECT ${baseColumns.join(', ')} FROM ${this.table} WHERE ${where.join(' AND ')}
      )
      SELECT json_build_object(
        'total', (SELECT count(*) FROM base WHERE ${flagsExcept(null)}),
        'individuals', (SELECT coalesce(sum(shown_individuals), 0) FROM base WHERE ${flagsExcept(null)}),
        'hits', (
          SELECT coalesce(json_agg(json_build_object('id', id, 'key', key) ORDER BY ${spec.orderBy}), '[]'::json)
          FROM (
            SELECT id, score, title_sort, modified, sort_individuals, ${spec.key} AS key
            FROM base WHERE ${flagsExcept(null)} AND ${keyset}
            ORDER BY ${spec.orderBy} LIMIT ${limit}
          ) page
        ),
        'facets', ${facetsSql}
      ) AS result`;

    const result = await this.runSearch(sql, params, terms.length > 0);
    return {
      totalCount: Number(result.total),
      individuals: Number(result.individuals ?? 0),
      hits: result.hits.map((hit) => ({ id: hit.id, cursor: encodeCursor({ sort, value: hit.key, id: hit.id }) })),
      facets: request.facets.map((field, index) => ({
        field,
        buckets: (result.facets[index] ?? []).map(
          (bucket): FacetBucket => ({ value: bucket.value, count: Number(bucket.count), individuals: Number(bucket.individuals ?? 0) }),
        ),
      })),
    };
  }

  /**
   * Runs a search in a read-only transaction with local settings:
   * - work_mem large enough that the materialised candidate set (about 30 MB per 100k datasets) stays in
   *   memory instead of spilling to disk, which the facet aggregates read nine times;
   * - for text searches, a lower word-similarity threshold: the default (0.6) misses single-letter typos in
   *   long words ('leukamia' scores 0.58 against 'leukaemia').
   */
  private async runSearch(sql: string, params: SqlParameters, withText: boolean): Promise<SearchRow> {
    const client = await this.pool.connect();
    try {
      const settings = [`SET LOCAL work_mem = '${SEARCH_WORK_MEM}'`];
      if (this.searchStatementTimeoutMs > 0) settings.push(`SET LOCAL statement_timeout = ${Math.trunc(this.searchStatementTimeoutMs)}`);
      if (withText) settings.push(`SET LOCAL pg_trgm.word_similarity_threshold = ${WORD_SIMILARITY_THRESHOLD}`);
      await client.query(`BEGIN READ ONLY; ${settings.join('; ')}`);
      const { rows } = await client.query<{ result: SearchRow }>(sql, params.values);
      await client.query('COMMIT');
      client.release();
      return rows[0]!.result;
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
  ): Promise<void> {
    await this.init();
    // Writes that arrive meanwhile land in the live table and are not carried over; the caller must replay
    // what changed since the rebuild started.
    const staging = `${this.table}_rebuild`;
    // A staging table left by an interrupted rebuild is stale; readers never see it.
    await this.pool.query(`DROP TABLE IF EXISTS ${staging}`);
    await this.pool.query(createTableSql(staging));
    let indexed = 0;
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      await this.pool.query(upsertSql(staging), [JSON.stringify(toRows(batch))]);
      indexed += batch.length;
      onProgress?.(indexed);
    }
    // Secondary indexes are built once after loading, which is much faster than maintaining them per row.
    for (const statement of createIndexSql(staging)) await this.pool.query(statement);
    await this.pool.query(`ANALYZE ${staging}`);

    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Readers queue on this lock for the instant of the swap and then resolve the name to the new table.
      await client.query(`LOCK TABLE ${this.table} IN ACCESS EXCLUSIVE MODE`);
      await client.query(`DROP TABLE ${this.table}`);
      await client.query(`ALTER TABLE ${staging} RENAME TO ${this.table}`);
      for (const suffix of INDEX_SUFFIXES) {
        await client.query(`ALTER INDEX ${staging}_${suffix} RENAME TO ${this.table}_${suffix}`);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
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

  /** Ends the pool: the engine owns the pool it is given (createSearchEngine makes one for it). */
  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}

const INDEX_SUFFIXES = [
  'pkey',
  'search_vector_idx',
  'title_trgm_idx',
  'subject_trgm_idx',
  'assays_idx',
  'disease_ancestor_ids_idx',
  'access_body_ids_idx',
  'holding_region_ids_idx',
  ...STEMMING.map((s) => `${s.column}_idx`),
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
    title_folded text NOT NULL,
    subject_folded text NOT NULL,
    search_vector tsvector NOT NULL,
    ${STEMMING.map((s) => `${s.column} tsvector NOT NULL`).join(', ')},
    CONSTRAINT ${table}_pkey PRIMARY KEY (id)
  )`;
}

function createIndexSql(table: string): string[] {
  return [
    `CREATE INDEX ${table}_search_vector_idx ON ${table} USING gin (search_vector)`,
    `CREATE INDEX ${table}_title_trgm_idx ON ${table} USING gin (title_folded gin_trgm_ops)`,
    `CREATE INDEX ${table}_subject_trgm_idx ON ${table} USING gin (subject_folded gin_trgm_ops)`,
    `CREATE INDEX ${table}_assays_idx ON ${table} USING gin (assays)`,
    `CREATE INDEX ${table}_disease_ancestor_ids_idx ON ${table} USING gin (disease_ancestor_ids)`,
    `CREATE INDEX ${table}_access_body_ids_idx ON ${table} USING gin (access_body_ids)`,
    `CREATE INDEX ${table}_holding_region_ids_idx ON ${table} USING gin (holding_region_ids)`,
    ...STEMMING.map((s) => `CREATE INDEX ${table}_${s.column}_idx ON ${table} USING gin (${s.column})`),
  ];
}

/**
 * One statement per batch: documents arrive as a single JSON parameter and are expanded with
 * jsonb_to_recordset. The folded texts and the weighted tsvector are maintained here rather than as generated
 * columns because array_to_string() is not IMMUTABLE.
 */
function upsertSql(table: string): string {
  const subject = `array_to_string(d.keywords || d.disease_labels || d.phenotype_labels || ARRAY[d.publisher_name], ' ')`;
  const labelsAndPublisher = `array_to_string(d.disease_labels || d.phenotype_labels || ARRAY[d.publisher_name], ' ')`;
  return `
    INSERT INTO ${table} (
      id, identifier, status, owner_organisation_id, title, title_sort, description, keywords, publisher_id,
      publisher_name, diagnostic_area, assays, disease_ids, disease_ancestor_ids, disease_labels, phenotype_labels,
      duo_permission, consent_key, access_mode, access_body_ids, holding_region_ids, genome_build, individuals,
      individuals_rounded, issued, modified, title_folded, subject_folded, search_vector,
      ${STEMMING.map((s) => s.column).join(', ')})
    SELECT
      d.id, d.identifier, d.status, d.owner_organisation_id, d.title, d.title_sort, d.description, d.keywords,
      d.publisher_id, d.publisher_name, d.diagnostic_area, d.assays, d.disease_ids, d.disease_ancestor_ids,
      d.disease_labels, d.phenotype_labels, d.duo_permission, d.consent_key, d.access_mode, d.access_body_ids,
      d.holding_region_ids, d.genome_build, d.individuals, d.individuals_rounded,
      date_trunc('milliseconds', d.issued), date_trunc('milliseconds', d.modified),
      lower(gdcat_unaccent(d.title)),
      lower(gdcat_unaccent(${subject})),
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
      title_folded = EXCLUDED.title_folded, subject_folded = EXCLUDED.subject_folded,
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

interface QueryTerm {
  /** SQL expression of the folded term. */
  sql: string;
  /** SQL parameter of the term as written (stemmers need the accents). */
  word: string;
  fuzzy: boolean;
}

/** The term stemmed by a language's configuration; an empty query (a stop word) matches nothing. */
function stemmedQuery(word: string, config: string, weights = ''): string {
  return `to_tsquery('${config}', quote_literal(${word}) || '${weights ? `:${weights}` : ''}')`;
}

/**
 * A document matches a term exactly in any weighted field, by its stem in a language's texts, or
 * approximately (pg_trgm) in title or subject.
 */
function termMatchSql({ sql: term, word, fuzzy }: QueryTerm): string {
  const exact = [`search_vector @@ ${tsquery(term)}`, ...STEMMING.map((s) => `${s.column} @@ ${stemmedQuery(word, s.config)}`)].join(' OR ');
  return fuzzy ? `(${exact} OR title_folded %> ${term} OR subject_folded %> ${term})` : `(${exact})`;
}

/** The weight of the best field a vector matches the query in (the field weights A-D of the relevance model). */
function weightedMatchSql(vector: string, query: (weights: string) => string): string {
  return `CASE WHEN ${vector} @@ ${query('A')} THEN 1
         WHEN ${vector} @@ ${query('B')} THEN 0.625
         WHEN ${vector} @@ ${query('C')} THEN 0.375
         WHEN ${vector} @@ ${query('D')} THEN 0.25
         ELSE 0 END`;
}

/** The best field a term matches; see the relevance model at the top of this file. */
function termScoreSql({ sql: term, word, fuzzy }: QueryTerm): string {
  const exact = `GREATEST(${[
    weightedMatchSql('search_vector', (weights) => tsquery(term, weights)),
    ...STEMMING.map((s) => weightedMatchSql(s.column, (weights) => stemmedQuery(word, s.config, weights))),
  ].join(', ')})`;
  if (!fuzzy) return exact;
  return `GREATEST(${exact},
    CASE WHEN title_folded %> ${term} THEN 0.5
         WHEN subject_folded %> ${term} THEN 0.3125
         ELSE 0 END)`;
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
