import { SEARCH_TERM_MAX_BYTES } from '../../config.js';
import { textsInAllLanguages, type DatasetSearchDocument } from '../engine.js';
import { INDIVIDUALS_RANGES, VALUE_FACETS, type TextField, type ValueFacet } from '../query-model.js';

/**
 * The PostgreSQL projection: the `dataset_search` table (one row per DatasetSearchDocument), its indexes, the
 * derived tables its triggers keep in step (`_counts`, `_words`) and the statement that writes documents.
 * Like an Elasticsearch index it is owned by the engine, not by the migrations, and can be dropped and rebuilt
 * from the source tables at any time. The facet columns come from the query model's VALUE_FACETS: a facet on a
 * document field gets its column, its GIN index (lists) and its counts from there.
 *
 * Languages: every text column holds the texts of all the dataset's languages, matched word for word ('simple'
 * configuration, accents folded by gdcat_unaccent) in search_vector. Each language's texts are also stemmed with
 * that language's configuration (STEMMING) into a vector of their own, with the same field weights.
 */

/** Table names are interpolated (identifiers cannot be bind parameters), so they are checked against this. */
export const TABLE_NAME = /^[a-z_][a-z0-9_]{0,39}$/;

/** Each content language's text search configuration and the column of its stemmed vector. */
export const STEMMING = [
  { language: 'sv', config: 'swedish', column: 'search_vector_sv' },
  { language: 'en', config: 'english', column: 'search_vector_en' },
] as const;

/**
 * The text vectors, their configuration and the letter tagging their words in the text table (see
 * derivedTablesSql): search_vector ('w', words folded), then each language's stemmed vector.
 */
export const TEXT_VECTORS = [
  { column: 'search_vector', config: 'simple', folded: true, tag: 'w' },
  ...STEMMING.map((s) => ({ column: s.column, config: s.config, folded: false, tag: s.language[0]! })),
];

/** The tsvector weight class each text field is written with; the relevance weights are the query model's. */
export const TEXT_WEIGHT_CLASS: Readonly<Record<TextField, 'A' | 'B' | 'C' | 'D'>> = {
  title: 'A',
  keywords: 'B',
  labels: 'C',
  publisherName: 'C',
  description: 'D',
};

/** Renders the stored millisecond timestamp exactly as JavaScript's toISOString() does. */
export const ISO_MILLIS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * Cohort sizes (rounded) below this are kept apart in the counts, so a disclosure threshold up to it can be
 * applied there; a higher threshold makes the search count live.
 */
export const SMALL_COHORT_LIMIT = 100;

/** The column of a document field: the field's name in snake case (publisherId -> publisher_id). */
export function columnOf(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Each value facet's column and SQL type: lists are arrays with a GIN index. */
const FACET_COLUMNS = VALUE_FACETS.map((facet) => ({
  facet,
  column: columnOf(facet.document),
  type: facet.multiValued ? 'text[]' : 'text',
}));

/** A facet's values in the document, as its column stores them (lists without repeats). */
function facetColumnValue(facet: ValueFacet, doc: DatasetSearchDocument): string | string[] | null {
  const value = doc[facet.document];
  return Array.isArray(value) ? unique(value) : value;
}

/**
 * gdcat_typo_distance(a, b, max): the edits between two words as Elasticsearch counts a typo (optimal string
 * alignment: a letter inserted, deleted or replaced, or two neighbours swapped, each letter edited once), or
 * max + 1 when more. fuzzystrmatch's Levenshtein distance (in C) settles most pairs: one within max edits is
 * within them, and a swap is two Levenshtein edits, so one beyond 2 * max is beyond. Only the pairs between
 * (and words beyond fuzzystrmatch's 255 letters) are aligned here, letter by letter.
 */
const TYPO_DISTANCE_SQL = `DO $do$
        DECLARE schema_name text := (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'fuzzystrmatch');
        BEGIN
          EXECUTE format($sql$
            CREATE OR REPLACE FUNCTION gdcat_typo_distance(a text, b text, max integer) RETURNS integer
              LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $f$
            DECLARE
              m integer := char_length(a);
              n integer := char_length(b);
              levenshtein integer;
              x text[];
              y text[];
              before integer[];
              previous integer[];
              current integer[];
            BEGIN
              IF abs(m - n) > max THEN RETURN max + 1; END IF;
              IF m <= 255 AND n <= 255 THEN
                levenshtein := %s.levenshtein_less_equal(a, b, 2 * max);
                IF levenshtein <= max OR levenshtein > 2 * max THEN RETURN least(levenshtein, max + 1); END IF;
              END IF;
              x := string_to_array(a, NULL);
              y := string_to_array(b, NULL);
              previous := array_fill(0, ARRAY[n + 1], ARRAY[0]);
              FOR j IN 0..n LOOP previous[j] := j; END LOOP;
              FOR i IN 1..m LOOP
                current := array_fill(i, ARRAY[n + 1], ARRAY[0]);
                FOR j IN 1..n LOOP
                  current[j] := least(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + CASE WHEN x[i] = y[j] THEN 0 ELSE 1 END);
                  IF i > 1 AND j > 1 AND x[i] = y[j - 1] AND x[i - 1] = y[j] THEN current[j] := least(current[j], before[j - 2] + 1); END IF;
                END LOOP;
                before := previous;
                previous := current;
              END LOOP;
              RETURN least(previous[n], max + 1);
            END $f$$sql$, schema_name);
        END $do$`;

/** Statements that prepare the database for any projection: extensions, the immutable unaccent and the typo distance. */
export const SETUP_SQL: readonly string[] = [
  // Serialises concurrent start-ups: CREATE EXTENSION / CREATE OR REPLACE FUNCTION race otherwise.
  `SELECT pg_advisory_xact_lock(hashtext('gdcat_search_init'))`,
  'CREATE EXTENSION IF NOT EXISTS pg_trgm',
  'CREATE EXTENSION IF NOT EXISTS unaccent',
  'CREATE EXTENSION IF NOT EXISTS fuzzystrmatch',
  // unaccent() is only STABLE (its dictionary could change); pinning the dictionary makes it safe to
  // declare IMMUTABLE, which lets the planner fold it over query parameters and use the indexes.
  `DO $do$
        DECLARE schema_name text := (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent');
        BEGIN
          EXECUTE format(
            'CREATE OR REPLACE FUNCTION gdcat_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT'
            ' AS $f$ SELECT %s.unaccent(%L::regdictionary, $1) $f$',
            schema_name, schema_name || '.unaccent');
        END $do$`,
  TYPO_DISTANCE_SQL,
];

/** Brings a projection built by an older version up to this one's columns; `gdcat reindex` fills them in. */
export function upgradeTableSql(table: string): string[] {
  return [
    `ALTER TABLE ${table}
          ${FACET_COLUMNS.map(({ column, type }) => `ADD COLUMN IF NOT EXISTS ${column} ${type} COLLATE "C"${type === 'text[]' ? ` NOT NULL DEFAULT '{}'` : ''}`).join(', ')},
          ADD COLUMN IF NOT EXISTS individuals_rounded bigint,
          ${STEMMING.map((s) => `ADD COLUMN IF NOT EXISTS ${s.column} tsvector NOT NULL DEFAULT ''`).join(', ')},
          DROP COLUMN IF EXISTS title_folded, DROP COLUMN IF EXISTS subject_folded`,
    // Typo tolerance goes through the vocabulary (see the translator's expandWordsSql): the folded texts and
    // their trigram indexes went unused.
    `DROP INDEX IF EXISTS ${table}_title_trgm_idx, ${table}_subject_trgm_idx`,
  ];
}

/**
 * Identifiers and sort keys use the "C" collation: byte order equals code-point order, which is what
 * Elasticsearch keyword sorting and the contract's reference implementation use.
 */
export function createTableSql(table: string): string {
  return `CREATE TABLE ${table} (
    id text COLLATE "C" NOT NULL,
    identifier text NOT NULL,
    status text NOT NULL,
    owner_organisation_id text NOT NULL,
    title text NOT NULL,
    title_sort text COLLATE "C" NOT NULL,
    description text NOT NULL,
    keywords text[] NOT NULL,
    publisher_name text,
    disease_ids text[] COLLATE "C" NOT NULL,
    disease_labels text[] NOT NULL,
    phenotype_labels text[] NOT NULL,
    consent_key text,
    ${FACET_COLUMNS.map(({ column, type }) => `${column} ${type} COLLATE "C"${type === 'text[]' ? ' NOT NULL' : ''}`).join(',\n    ')},
    individuals bigint,
    individuals_rounded bigint,
    issued timestamptz,
    modified timestamptz NOT NULL,
    search_vector tsvector NOT NULL,
    ${STEMMING.map((s) => `${s.column} tsvector NOT NULL`).join(', ')},
    CONSTRAINT ${table}_pkey PRIMARY KEY (id)
  )`;
}

/** Secondary indexes, named `<table>_<suffix>` with the suffixes of INDEX_SUFFIXES. */
export function createIndexSql(table: string): string[] {
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
    ...GIN_INDEXED.map(({ column }) => `CREATE INDEX IF NOT EXISTS ${table}_${column}_idx ON ${table} USING gin (${column})`),
    ...STEMMING.map((s) => `CREATE INDEX IF NOT EXISTS ${table}_${s.column}_idx ON ${table} USING gin (${s.column})`),
  ];
}

/** List facet columns, each with a GIN index whose every value is one index entry. */
const GIN_INDEXED = FACET_COLUMNS.filter(({ facet }) => facet.multiValued);

export const INDEX_SUFFIXES: readonly string[] = [
  'pkey',
  'search_vector_idx',
  'modified_idx',
  'title_sort_idx',
  'individuals_idx',
  'individuals_rounded_idx',
  'duo_permission_idx',
  ...GIN_INDEXED.map(({ column }) => `${column}_idx`),
  ...STEMMING.map((s) => `${s.column}_idx`),
  'counts_pkey',
  'words_pkey',
  'words_trgm_idx',
  'text_pkey',
  'text_terms_idx',
  'common_pkey',
];

/** The projection and its derived tables, renamed together when a rebuild is swapped in. */
export const RENAMED_TABLES = [
  ['', ''],
  ['_counts', '_counts'],
  ['_words', '_words'],
  ['_text', '_text'],
  ['_common', '_common'],
] as const;

/**
 * A value too large for a GIN index entry (about 2.7 kB). Checked before writing because a rebuild creates
 * its indexes after loading, where one such value would fail the whole index build instead of its row.
 */
export function oversizedIndexEntry(doc: DatasetSearchDocument): string | null {
  for (const { facet } of GIN_INDEXED) {
    for (const value of facetColumnValue(facet, doc) ?? []) {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > SEARCH_TERM_MAX_BYTES) {
        const name = facet.filter.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);
        return `PostgreSQL: a value of ${name} is ${bytes} bytes long, more than an index entry takes (${SEARCH_TERM_MAX_BYTES})`;
      }
    }
  }
  return null;
}

/**
 * PostgreSQL refuses statements for something in the data with SQLSTATE class 22 (data exception) or 54
 * (program limit exceeded: an index entry or a tsvector too large); everything else is an outage or a fault
 * that a retry may get past.
 */
export function isRejection(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('54'));
}

/**
 * Derived tables of a projection, filled from it:
 * - `_counts`: for every facet value (and '' for the total), the number of datasets and the sums of their exact
 *   and rounded cohort sizes, grouped by what visibility and disclosure need apart: status, owner and the
 *   rounded size when small (-1 otherwise). The individuals facet is kept per view ('individuals.exact',
 *   'individuals.rounded'). Unfiltered browsing reads these instead of every dataset.
 * - `_words`: the distinct title and subject words (tsvector lexemes of weights A-C), for typo tolerance.
 * The text table (textTableSql) is derived as well, but from the narrow facet table too, so it comes after that.
 */
export function derivedTablesSql(table: string): string[] {
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

/** The text table of a projection (see textTableSql). */
export function textTableName(table: string): string {
  return `${table}_text`;
}

/** What every narrow table derived from the projection carries besides its own columns: visibility and sizes. */
const NARROW_ROW_COLUMNS_SQL = `id text COLLATE "C" NOT NULL,
      status text NOT NULL,
      owner_organisation_id text NOT NULL,
      consent_key text,
      individuals bigint,
      individuals_rounded bigint`;
const NARROW_ROW_COLUMNS = ['id', 'status', 'owner_organisation_id', 'consent_key', 'individuals', 'individuals_rounded'];

/**
 * The facets as the narrow tables hold them (facet-counts.ts): each single-valued facet's value, then each list
 * facet's key of its list in `<table>_lists` (every distinct list once).
 */
export const NARROW_FACET_COLUMNS = [
  ...VALUE_FACETS.filter((facet) => !facet.multiValued).map((facet) => ({ facet, column: columnOf(facet.document), sql: `${columnOf(facet.document)} text COLLATE "C"` })),
  ...VALUE_FACETS.filter((facet) => facet.multiValued).map((facet) => ({ facet, column: `${columnOf(facet.document)}_key`, sql: `${columnOf(facet.document)}_key integer NOT NULL` })),
];

/**
 * The key in `<table>_lists` of a dataset's single-valued facets' values together, as a list in VALUE_FACETS' order
 * (a missing value as NULL). Counting a search's matches groups them by this one integer instead of by each of
 * those facets' values: at 100k, counting the 40k matches of "whole-genome leukaemia" with a disease filter took
 * 104-106 ms instead of 124-129 (BENCHMARKS.md).
 */
export const SINGLES_KEY = 'singles_key';

/** A narrow row's columns, in table order: the facet table's (facet-counts.ts), and the text table's before its words. */
export const NARROW_COLUMNS: readonly string[] = [...NARROW_ROW_COLUMNS, ...NARROW_FACET_COLUMNS.map(({ column }) => column), SINGLES_KEY];

/** The narrow rows' column definitions, in NARROW_COLUMNS' order. */
export const NARROW_COLUMNS_SQL = [NARROW_ROW_COLUMNS_SQL, ...NARROW_FACET_COLUMNS.map(({ sql }) => sql), `${SINGLES_KEY} integer NOT NULL`].join(', ');

/** The text table's columns; one built by another version is built afresh (see textTableSql). */
export const TEXT_TABLE_COLUMNS: readonly string[] = [...NARROW_COLUMNS, 'terms'];

/**
 * The text table: per dataset, its row of the narrow facet table (`<table>_facets`, which must be filled first)
 * and its tagged words (text-match.ts) with the absence marks of the common words it lacks (see COMMON_WORD_SHARE).
 * A search by words matches, ranks and counts its facets on these rows alone: joined to the narrow facet table
 * for the facets, 40 % of 100k datasets took 130 ms, mostly the join (BENCHMARKS.md). Created and filled from the
 * projection, then indexed; any older one is replaced, and with it the common words, taken afresh from the
 * projection's statistics.
 */
export function textTableSql(table: string, commonWordShare = COMMON_WORD_SHARE): string[] {
  const text = textTableName(table);
  return [
    `DROP TABLE IF EXISTS ${text}, ${commonWordsTableName(table)}`,
    `CREATE TABLE ${commonWordsTableName(table)} (word text COLLATE "C" NOT NULL, CONSTRAINT ${table}_common_pkey PRIMARY KEY (word))`,
    // The common words come from the projection's statistics; an empty one has none (and is left to autovacuum).
    `DO $a$ BEGIN IF EXISTS (SELECT FROM ${table}) THEN ANALYZE ${table}; END IF; END $a$`,
    `INSERT INTO ${commonWordsTableName(table)} (word) SELECT word FROM (${wordSharesSql(table)}) s WHERE share >= ${Number(commonWordShare)}`,
    `CREATE TABLE ${text} (
      ${NARROW_COLUMNS_SQL},
      terms tsvector NOT NULL,
      CONSTRAINT ${text}_pkey PRIMARY KEY (id)
    )`,
    textRowsSql(table, table),
    // A short pending list (default 4 MB): every search scans the words written since its last flush.
    `CREATE INDEX ${text}_terms_idx ON ${text} USING gin (terms) WITH (gin_pending_list_limit = 256)`,
    // The common words of a search (commonTagsSql) and the planner's estimates come from its statistics.
    `ANALYZE ${text}`,
  ];
}

/**
 * Common words: words (a text vector's tag and lexeme: 'wcohort', 'ecohort') that most datasets hold. Each text
 * row holds an absence mark (ABSENCE_MARK + word: '-wcohort') for every common word it lacks, so the few datasets
 * that a search by a common word does not match are found through the text index (outsideSql) instead of by
 * testing every row: "cohort" at 100k, 14 datasets without it, 74 ms -> 1 ms (BENCHMARKS.md). A word becomes
 * common at COMMON_WORD_SHARE of the projection's rows (its statistics), the share from which a search counts the
 * datasets it does not match (COUNT_OUTSIDE_SHARE): from half the rows, 6 marks per row at 100k, and the rows
 * rewritten when the common words changed grew the text table by 70 %. It stays common down to
 * KEPT_COMMON_WORD_SHARE, so a word near the line does not have its marks rewritten at every refresh
 * (refreshCommonWordsSql).
 */
export const COMMON_WORD_SHARE = 0.8;
export const KEPT_COMMON_WORD_SHARE = 0.6;
export const ABSENCE_MARK = '-';

/** The table of the common words of a projection's text table. */
export function commonWordsTableName(table: string): string {
  return `${table}_common`;
}

/**
 * Each word of the projection's text vectors its statistics know (ANALYZE keeps each vector's most common lexemes
 * with the share of rows holding them), tagged like the text table's words but without their weight class.
 */
function wordSharesSql(table: string): string {
  const vectors = TEXT_VECTORS.map(({ column, tag }) => `('${column}', '${tag}')`).join(', ');
  return `SELECT v.tag || e.lexeme AS word, max(e.share) AS share
    FROM (VALUES ${vectors}) AS v(attname, tag)
    JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = '${table}' AND s.attname = v.attname
    CROSS JOIN LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(lexeme, share)
    WHERE e.lexeme IS NOT NULL
    GROUP BY 1`;
}

/**
 * The common words as the projection's statistics now tell them (keeping those still above the kept share), in
 * byte order, and whether they are the ones the text rows are marked for.
 */
export function commonWordsDueSql(table: string, share: string, keptShare: string): string {
  const common = commonWordsTableName(table);
  return `SELECT coalesce(array_agg(word ORDER BY word), '{}') AS due,
                 coalesce(array_agg(word ORDER BY word), '{}') = ARRAY(SELECT word FROM ${common} ORDER BY word) AS unchanged
    FROM (${wordSharesSql(table)}) s
    WHERE share >= ${share}::float8 OR (share >= ${keptShare}::float8 AND word IN (SELECT word FROM ${common}))`;
}

/**
 * Makes `words` (a bind parameter) the common words and rewrites the absence marks of the text rows whose marks
 * change. The caller locks the text table against writers first, whose rows are marked by the common words
 * they read.
 */
export function refreshCommonWordsSql(table: string, words: string): string[] {
  const text = textTableName(table);
  const held = `ARRAY(SELECT x FROM unnest(tsvector_to_array(t.terms)) x WHERE left(x, 1) = '${ABSENCE_MARK}')`;
  const due = `tsvector_to_array(${absenceMarksSql(table, `ARRAY(SELECT '${ABSENCE_MARK}' || substr(x, 2) FROM unnest(tsvector_to_array(t.terms)) x WHERE left(x, 1) <> '${ABSENCE_MARK}')`)})`;
  return [
    `DELETE FROM ${commonWordsTableName(table)}`,
    `INSERT INTO ${commonWordsTableName(table)} (word) SELECT DISTINCT unnest(${words}::text[])`,
    `UPDATE ${text} t SET terms = ts_delete(t.terms, ${held}) || array_to_tsvector(${due}) WHERE ${held} IS DISTINCT FROM ${due}`,
  ];
}

/**
 * The absence marks of the common words a row lacks, given the marks of the words it holds (a text[] expression):
 * the common words' marks less those. The common words are read once per statement.
 */
function absenceMarksSql(table: string, heldMarks: string): string {
  return `ts_delete((SELECT array_to_tsvector(coalesce(array_agg('${ABSENCE_MARK}' || word), '{}')) FROM ${commonWordsTableName(table)}), ${heldMarks})`;
}

/**
 * Each word of the row `r`'s text vectors once, as a lexeme: the best weight class it is written in, its
 * vector's tag, the word ('A' + 'w' + 'leukaemia'). Stripped: no positions. The best class is tested for, not
 * found by a subquery over the word's weights, which took half as long again. Then the absence marks of the common
 * words the row lacks.
 */
function taggedTermsSql(table: string): string {
  const words = `(${TEXT_VECTORS.map(({ column, tag }) => `SELECT '${tag}' AS tag, * FROM unnest(r.${column})`).join(' UNION ALL ')}) u`;
  return `array_to_tsvector(ARRAY(
      SELECT CASE ${['A', 'B', 'C'].map((weight) => `WHEN '${weight}' = ANY(u.weights) THEN '${weight}'`).join(' ')} ELSE 'D' END || u.tag || u.lexeme
      FROM ${words}))
    || ${absenceMarksSql(table, `ARRAY(SELECT '${ABSENCE_MARK}' || u.tag || u.lexeme FROM ${words})`)}`;
}

/**
 * Writes the text rows of the projection's rows in `source` (the projection or a trigger's transition table), in
 * id order, from their narrow facet rows, which must be written first. A row that would not change is left as it
 * is: a document written again unchanged leaves no dead row behind.
 */
export function textRowsSql(table: string, source: string): string {
  const columns = TEXT_TABLE_COLUMNS.filter((column) => column !== 'id');
  const copied = columns.filter((column) => column !== 'terms');
  return `INSERT INTO ${textTableName(table)} AS t (${TEXT_TABLE_COLUMNS.join(', ')})
    SELECT f.id, ${copied.map((column) => `f.${column}`).join(', ')}, ${taggedTermsSql(table)}
    FROM ${source} r JOIN ${table}_facets f ON f.id = r.id ORDER BY r.id
    ON CONFLICT (id) DO UPDATE SET ${columns.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}
    WHERE (${columns.map((column) => `t.${column}`).join(', ')}) IS DISTINCT FROM (${columns.map((column) => `EXCLUDED.${column}`).join(', ')})`;
}

/** The facet names under which the counts keep the individuals facet, per view. */
export const COUNTED_SIZE_FACETS = { EXACT: 'individuals.exact', DISCLOSED: 'individuals.rounded' } as const;

/** Adds the facet entries of the source rows (each with a delta of +1 or -1) to the counts. */
function countDeltasSql(counts: string, source: string): string {
  const single = FACET_COLUMNS.filter(({ facet }) => !facet.multiValued)
    .map(({ facet, column }) => `SELECT '${facet.field}', r.${column} WHERE r.${column} IS NOT NULL`);
  const multi = FACET_COLUMNS.filter(({ facet }) => facet.multiValued)
    .map(({ facet, column }) => `SELECT '${facet.field}', v FROM unnest(r.${column}) AS v`);
  const ranges = (facet: string, column: string) =>
    INDIVIDUALS_RANGES.map(
      ({ key, min, max }) => `SELECT '${facet}', '${key}' WHERE r.${column} >= ${min}${max === null ? '' : ` AND r.${column} <= ${max}`}`,
    );
  const entries = [
    `SELECT '', ''`,
    ...single,
    ...multi,
    ...ranges(COUNTED_SIZE_FACETS.EXACT, 'individuals'),
    ...ranges(COUNTED_SIZE_FACETS.DISCLOSED, 'individuals_rounded'),
  ];
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
export function maintenanceSql(table: string): string[] {
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
    ...statementTriggersSql(table, '', `${table}_maintain`),
  ];
}

/**
 * Triggers `<table>_<prefix>inserted|updated|deleted` calling `fn` once per statement, with the rows written as
 * `new_rows` and the rows replaced or deleted as `old_rows`.
 */
export function statementTriggersSql(table: string, prefix: string, fn: string): string[] {
  return [
    `CREATE OR REPLACE TRIGGER ${table}_${prefix}inserted AFTER INSERT ON ${table}
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    `CREATE OR REPLACE TRIGGER ${table}_${prefix}updated AFTER UPDATE ON ${table}
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    `CREATE OR REPLACE TRIGGER ${table}_${prefix}deleted AFTER DELETE ON ${table}
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
  ];
}

/** Columns written from the document as they are (besides the facet columns and the vectors). */
const PLAIN_COLUMNS = [
  ['id', 'text'],
  ['identifier', 'text'],
  ['status', 'text'],
  ['owner_organisation_id', 'text'],
  ['title', 'text'],
  ['title_sort', 'text'],
  ['description', 'text'],
  ['keywords', 'text[]'],
  ['publisher_name', 'text'],
  ['disease_ids', 'text[]'],
  ['disease_labels', 'text[]'],
  ['phenotype_labels', 'text[]'],
  ['consent_key', 'text'],
  ['individuals', 'bigint'],
  ['individuals_rounded', 'bigint'],
] as const;

/**
 * One statement per batch: documents arrive as a single JSON parameter (see toRows) and are expanded with
 * jsonb_to_recordset. The weighted tsvectors are maintained here rather than as generated columns because
 * array_to_string() is not IMMUTABLE.
 */
export function upsertSql(table: string): string {
  const copied = [...PLAIN_COLUMNS, ...FACET_COLUMNS.map(({ column, type }) => [column, type] as const)];
  const written = [...copied.map(([column]) => column), 'issued', 'modified', 'search_vector', ...STEMMING.map((s) => s.column)];
  const labelsAndPublisher = `array_to_string(d.disease_labels || d.phenotype_labels || ARRAY[d.publisher_name], ' ')`;
  const weighted = (text: string, field: TextField) => `setweight(to_tsvector('simple', gdcat_unaccent(${text})), '${TEXT_WEIGHT_CLASS[field]}')`;
  return `
    INSERT INTO ${table} (${written.join(', ')})
    SELECT
      ${copied.map(([column]) => `d.${column}`).join(', ')},
      date_trunc('milliseconds', d.issued), date_trunc('milliseconds', d.modified),
      ${weighted('d.title', 'title')}
        || ${weighted(`array_to_string(d.keywords, ' ')`, 'keywords')}
        || ${weighted(labelsAndPublisher, 'labels')}
        || ${weighted('d.description', 'description')},
      ${STEMMING.map(stemmedVectorSql).join(',\n      ')}
    FROM jsonb_to_recordset($1::jsonb) AS d(
      ${copied.map(([column, type]) => `${column} ${type}`).join(', ')}, issued timestamptz, modified timestamptz, texts jsonb)
    ON CONFLICT (id) DO UPDATE SET
      ${written.filter((column) => column !== 'id').map((column) => `${column} = EXCLUDED.${column}`).join(', ')}`;
}

/** One language's texts of the row `d`, stemmed with its configuration and weighted like search_vector. */
function stemmedVectorSql({ language, config }: (typeof STEMMING)[number]): string {
  const vector = (text: string, field: TextField) => `setweight(to_tsvector('${config}', ${text}), '${TEXT_WEIGHT_CLASS[field]}')`;
  return `coalesce((SELECT ${vector(`t->>'title'`, 'title')}
        || ${vector(`array_to_string(ARRAY(SELECT jsonb_array_elements_text(t->'keywords')), ' ')`, 'keywords')}
        || ${vector(`coalesce(t->>'publisherName', '')`, 'publisherName')}
        || ${vector(`t->>'description'`, 'description')}
      FROM jsonb_array_elements(d.texts) AS t WHERE t->>'language' = '${language}'), '')`;
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];
const nfc = (text: string): string => text.normalize('NFC');

/** Rows for upsertSql's jsonb_to_recordset; the last version of a document wins within a batch. */
export function toRows(docs: DatasetSearchDocument[]): Record<string, unknown>[] {
  const latest = new Map(docs.map((doc) => [doc.id, doc]));
  return [...latest.values()].map((doc) => ({
    id: doc.id,
    identifier: doc.identifier,
    status: doc.status,
    owner_organisation_id: doc.ownerOrganisationId,
    // Computed here, not with lower(), so both engines sort titles by exactly the same key.
    title_sort: doc.title.toLowerCase(),
    ...textColumns(doc),
    ...Object.fromEntries(FACET_COLUMNS.map(({ facet, column }) => [column, facetColumnValue(facet, doc)])),
    disease_ids: unique(doc.diseaseIds),
    disease_labels: doc.diseaseLabels.map(nfc),
    phenotype_labels: doc.phenotypeLabels.map(nfc),
    consent_key: doc.consentKey,
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
