import { FACET_BUCKETS, INDIVIDUALS_RANGES, VALUE_FACETS, valueFacet, type FacetField, type ValueFacet } from '../query-model.js';
import { NARROW_COLUMNS, NARROW_COLUMNS_SQL, NARROW_FACET_COLUMNS, SINGLES_KEY, SMALL_COHORT_LIMIT, columnOf, statementTriggersSql, textRowsSql, textTableName } from './postgres-schema.js';

/**
 * Facet counts of a narrowed search without words, counted in one pass over a narrow copy of the projection.
 *
 * `<table>_facets` holds one row per dataset with only what counting reads: visibility, consent, cohort sizes,
 * the single-valued facets' values and, for each list facet, the key of its list in `<table>_lists` (every
 * distinct list once). Counting a list facet then groups the matches by list key and unnests each distinct list
 * once, instead of unnesting every match's list (a disease closure holds about 20 ids). The single-valued facets'
 * values together are a list of the dictionary too (SINGLES_KEY), by whose key counting groups matches. Triggers
 * keep both tables in step with the projection in the writer's transaction, so counts see exactly the rows the
 * page does.
 *
 * `<table>_groups` holds the narrow rows grouped by everything a count may tell apart (visibility, consent, each
 * facet's value or list key and the single-valued facets' key, the size range in either view and a small rounded
 * size, see SMALL_COHORT_LIMIT), with their number and size sums. Datasets alike in all of these are one group, so
 * counting reads groups instead of datasets (100k bench datasets are 28k groups); only a minimum cohort size, or a
 * disclosure threshold above the small sizes, needs the datasets themselves. A trigger on the narrow table keeps
 * it, also in the writer's transaction. Groups that became empty stay (with n = 0) until a rebuild, like the
 * maintained counts.
 */

/** The narrow tables' column of a facet: its value, or the key of its list. */
function countedColumn(facet: ValueFacet): string {
  return NARROW_FACET_COLUMNS.find((narrow) => narrow.facet === facet)!.column;
}

const SINGLE = VALUE_FACETS.filter((facet) => !facet.multiValued).map((facet) => columnOf(facet.document));
const LISTS = VALUE_FACETS.filter((facet) => facet.multiValued).map((facet) => ({ list: columnOf(facet.document), key: countedColumn(facet) }));
/** Columns copied as they are from the projection. */
const COPIED = NARROW_COLUMNS.filter((column) => column !== SINGLES_KEY && !LISTS.some(({ key }) => key === column));
/** A projection row's single-valued facets' values as the list SINGLES_KEY names. */
const singlesListSql = (row: string) => `ARRAY[${SINGLE.map((column) => `${row}.${column}`).join(', ')}]::text[]`;

/** The tables renamed along with the projection when a rebuild is swapped in, and their indexes. */
export const FACET_TABLES = ['_facets', '_lists', '_groups'] as const;
export const FACET_INDEX_SUFFIXES = ['facets_pkey', 'lists_pkey', 'lists_vals_excl', 'lists_vals_idx', 'groups_key'] as const;

/** The narrow table's columns; one built by a version with other facets is built afresh (see facetTablesSql). */
export const FACET_TABLE_COLUMNS: readonly string[] = NARROW_COLUMNS;

/**
 * What a group is told apart by: a narrow row's columns but its id and sizes, the size range's bit in each view
 * (0: in none), and the rounded size when below SMALL_COHORT_LIMIT (-1 otherwise), so a disclosure threshold up to
 * it applies to whole groups.
 */
const GROUP_KEY = ['status', 'owner_organisation_id', 'consent_key', 'low', 'exact_size', 'rounded_size', ...SINGLE, ...LISTS.map(({ key }) => key), SINGLES_KEY];
const GROUP_SUMS = ['n', 'exact_sum', 'rounded_sum'];
/** The groups table's columns; one built by another version is built afresh along with the narrow table. */
export const GROUP_TABLE_COLUMNS: readonly string[] = [...GROUP_KEY, ...GROUP_SUMS];

/** A size's range as a bit (the ranges' order), 0 when it lies in none (no size, or 0). */
function sizeBitSql(size: string): string {
  return `CASE ${INDIVIDUALS_RANGES.map(({ min, max }, position) => `WHEN ${size} >= ${min}${max === null ? '' : ` AND ${size} <= ${max}`} THEN ${1 << position}`).join(' ')} ELSE 0 END`;
}

/** A narrow row's group key, in GROUP_KEY's order. */
const GROUP_KEY_OF_ROW = [
  'r.status',
  'r.owner_organisation_id',
  'r.consent_key',
  `CASE WHEN r.individuals_rounded < ${SMALL_COHORT_LIMIT} THEN r.individuals_rounded ELSE -1 END`,
  sizeBitSql('r.individuals'),
  sizeBitSql('r.individuals_rounded'),
  ...SINGLE.map((column) => `r.${column}`),
  ...LISTS.map(({ key }) => `r.${key}`),
  `r.${SINGLES_KEY}`,
];

/** Creates the narrow table and the list dictionary (replacing any older ones) and fills them from the projection. */
export function facetTablesSql(table: string): string[] {
  return [
    `DROP TABLE IF EXISTS ${table}_facets, ${table}_lists, ${table}_groups`,
    // A list is found by a hash index: a btree entry could not hold a long disease closure.
    `CREATE TABLE ${table}_lists (
      key integer GENERATED ALWAYS AS IDENTITY,
      vals text[] COLLATE "C" NOT NULL,
      CONSTRAINT ${table}_lists_pkey PRIMARY KEY (key),
      CONSTRAINT ${table}_lists_vals_excl EXCLUDE USING hash (vals WITH =)
    )`,
    `CREATE INDEX ${table}_lists_vals_idx ON ${table}_lists USING gin (vals)`,
    `CREATE TABLE ${table}_facets (
      ${NARROW_COLUMNS_SQL},
      CONSTRAINT ${table}_facets_pkey PRIMARY KEY (id)
    )`,
    // NULLS NOT DISTINCT (PostgreSQL 15): datasets without a consent or a facet's value are one group too.
    `CREATE TABLE ${table}_groups (
      status text NOT NULL,
      owner_organisation_id text NOT NULL,
      consent_key text,
      low integer NOT NULL,
      exact_size integer NOT NULL,
      rounded_size integer NOT NULL,
      ${SINGLE.map((column) => `${column} text COLLATE "C"`).join(', ')},
      ${LISTS.map(({ key }) => `${key} integer NOT NULL`).join(', ')},
      ${SINGLES_KEY} integer NOT NULL,
      n bigint NOT NULL,
      exact_sum bigint NOT NULL,
      rounded_sum bigint NOT NULL,
      CONSTRAINT ${table}_groups_key UNIQUE NULLS NOT DISTINCT (${GROUP_KEY.join(', ')})
    )`,
    ...facetRowsSql(table, table),
    groupDeltasSql(table, `SELECT 1 AS delta, * FROM ${table}_facets`),
    `ANALYZE ${table}_lists`,
    `ANALYZE ${table}_facets`,
    `ANALYZE ${table}_groups`,
  ];
}

/**
 * Adds the source narrow rows (each with a delta of +1 or -1) to their groups, in key order so concurrent writers
 * do not deadlock on them; a group whose rows cancel out (a row written again alike) is not touched.
 */
function groupDeltasSql(table: string, source: string): string {
  const sums = ['sum(r.delta)', 'sum(r.delta * coalesce(r.individuals, 0))', 'sum(r.delta * coalesce(r.individuals_rounded, 0))'];
  return `INSERT INTO ${table}_groups AS g (${GROUP_TABLE_COLUMNS.join(', ')})
    SELECT ${GROUP_KEY_OF_ROW.join(', ')}, ${sums.join(', ')}
    FROM (${source}) r
    GROUP BY ${GROUP_KEY.map((_, index) => index + 1).join(', ')}
    HAVING ${sums.map((sum) => `${sum} <> 0`).join(' OR ')}
    ORDER BY ${GROUP_KEY.map((_, index) => index + 1).join(', ')}
    ON CONFLICT (${GROUP_KEY.join(', ')}) DO UPDATE
      SET ${GROUP_SUMS.map((column) => `${column} = g.${column} + EXCLUDED.${column}`).join(', ')}`;
}

/**
 * Writes the narrow rows of the source rows (the projection, or a trigger's new rows): new lists first, in a
 * fixed order so concurrent writers do not deadlock on them, then the rows with their lists' keys (a separate
 * statement, whose snapshot sees lists another writer committed meanwhile; joined rather than looked up per
 * row, which cost six times as much).
 */
function facetRowsSql(table: string, source: string): string[] {
  const lists = [...LISTS.map(({ list }) => `(r.${list})`), `(${singlesListSql('r')})`].join(', ');
  return [
    `INSERT INTO ${table}_lists (vals)
     SELECT DISTINCT l.vals FROM ${source} r CROSS JOIN LATERAL (VALUES ${lists}) AS l(vals)
     WHERE NOT EXISTS (SELECT FROM ${table}_lists x WHERE x.vals = l.vals)
     ORDER BY l.vals
     ON CONFLICT DO NOTHING`,
    `INSERT INTO ${table}_facets (${FACET_TABLE_COLUMNS.join(', ')})
     SELECT ${[...COPIED.map((column) => `r.${column}`), ...LISTS.map(({ key }) => `${key}.key`), `${SINGLES_KEY}.key`].join(', ')}
     FROM ${source} r ${LISTS.map(({ list, key }) => `JOIN ${table}_lists ${key} ON ${key}.vals = r.${list}`).join(' ')}
       JOIN ${table}_lists ${SINGLES_KEY} ON ${SINGLES_KEY}.vals = ${singlesListSql('r')}
     ON CONFLICT (id) DO UPDATE SET ${FACET_TABLE_COLUMNS.filter((column) => column !== 'id').map((column) => `${column} = EXCLUDED.${column}`).join(', ')}`,
  ];
}

/**
 * Statement triggers keeping the narrow table and the text table (which copies its rows) in step with every write
 * to the projection, and the groups with every write to the narrow table.
 */
export function facetMaintenanceSql(table: string): string[] {
  return [
    `CREATE OR REPLACE FUNCTION ${table}_maintain_groups() RETURNS trigger LANGUAGE plpgsql AS $f$
     BEGIN
       IF TG_OP = 'INSERT' THEN
         ${groupDeltasSql(table, 'SELECT 1 AS delta, * FROM new_rows')};
       ELSIF TG_OP = 'UPDATE' THEN
         ${groupDeltasSql(table, 'SELECT 1 AS delta, * FROM new_rows UNION ALL SELECT -1, * FROM old_rows')};
       ELSE
         ${groupDeltasSql(table, 'SELECT -1 AS delta, * FROM old_rows')};
       END IF;
       RETURN NULL;
     END $f$`,
    ...statementTriggersSql(`${table}_facets`, 'groups_', `${table}_maintain_groups`),
    `CREATE OR REPLACE FUNCTION ${table}_maintain_facets() RETURNS trigger LANGUAGE plpgsql AS $f$
     BEGIN
       IF TG_OP = 'DELETE' THEN
         DELETE FROM ${table}_facets WHERE id IN (SELECT id FROM old_rows);
         DELETE FROM ${textTableName(table)} WHERE id IN (SELECT id FROM old_rows);
       ELSE
         ${facetRowsSql(table, 'new_rows').join(';\n         ')};
         ${textRowsSql(table, 'new_rows')};
       END IF;
       RETURN NULL;
     END $f$`,
    ...statementTriggersSql(table, 'facets_', `${table}_maintain_facets`),
  ];
}

/** A list facet's filter on the counted rows: its list shares a value with the filter's (a bind parameter). */
export function listFilterSql(table: string, facet: ValueFacet, values: string): string {
  return `${countedColumn(facet)} IN (SELECT key FROM ${table}_lists WHERE vals && ${values}::text[])`;
}

/** A facetable filter as a condition on the counted rows, and the facet whose own filter it is. */
export interface CountedFilter {
  facet: FacetField;
  /** The facet's counts ignore this filter. */
  disjunctive: boolean;
  sql: string;
}

/** What a counting pass reads: datasets (the narrow table) or groups of them, each row with these expressions. */
export interface CountedRows {
  table: string;
  /** The datasets the row stands for. */
  n: string;
  /** Their cohort sizes summed in the request's view (null: none shown). */
  people: string;
  /** The bit of the size range the row's datasets lie in, in the request's view (see INDIVIDUALS_RANGES). */
  sizeBit: string;
}

/**
 * Each dataset of a narrow table: the facet table, or the text table (the same columns) for a search by words;
 * `shown` being its cohort size in the request's view, which is the narrow column `shownColumn` where shown.
 */
export function datasetRows(narrowTable: string, shown: string, shownColumn: 'individuals' | 'individuals_rounded'): CountedRows {
  // The range of the column itself, once the view shows it: the view's expression in each range's bounds cost
  // 5 ms of counting 40k matches at 100k (BENCHMARKS.md).
  const sizeBit = shown === shownColumn ? sizeBitSql(shownColumn) : `CASE WHEN ${shown} IS NULL THEN 0 ELSE ${sizeBitSql(shownColumn)} END`;
  return { table: narrowTable, n: '1', people: shown, sizeBit };
}

/**
 * The groups, for a view whose disclosure threshold (a bind parameter) is within the small sizes they keep apart:
 * a group below the threshold shows no size, like each of its datasets.
 */
export function groupRows(table: string, view: { kind: 'EXACT' } | { kind: 'DISCLOSED'; threshold: string }): CountedRows {
  if (view.kind === 'EXACT') return { table: `${table}_groups`, n: 'n', people: 'exact_sum', sizeBit: 'exact_size' };
  const disclosed = `(low = -1 OR low >= ${view.threshold}::int)`;
  return {
    table: `${table}_groups`,
    n: 'n',
    people: `CASE WHEN ${disclosed} THEN rounded_sum END`,
    sizeBit: `CASE WHEN ${disclosed} THEN rounded_size ELSE 0 END`,
  };
}

export interface CountingRequest {
  /** The projection, whose name the narrow tables' names derive from. */
  table: string;
  rows: CountedRows;
  facets: readonly FacetField[];
  /** Conditions every counted row meets (visibility, statuses, consent), on the counted table's columns. */
  conditions: string[];
  filters: CountedFilter[];
  withTotals: boolean;
  /** A facet whose buckets are read elsewhere (the maintained counts): rows failing its own filter count nowhere. */
  precounted: { facet: FacetField; sql: string } | null;
  /**
   * Datasets taken off the counted rows, one each: the CTE `outside` (narrow rows, their size in the request's
   * view as `shown`), with the condition of each filter on it, in `filters`' order.
   */
  less: { filters: string[] } | null;
  add: (value: unknown) => string;
}

/**
 * Totals and facets in one pass. Each matching row gets a bit mask of the filters it fails; a row failing none
 * counts everywhere, a row failing only a disjunctive facet's own filter counts in that facet alone, and any
 * other row nowhere. Grouping by that mask and the facets' values gives small groups, from which each facet sums
 * its buckets: one grouping by the single-valued facets' key (SINGLES_KEY) and the size range together (their
 * combinations are few, and a row is hashed once for all of them: 40k matches took 50 ms hashed into each facet's
 * grouping apart), each of those facets then reading its values from the key's lists, and one by all list facets'
 * keys together (1,136 combinations at 100k: one grouping each took 5-10 % longer), each list facet summing its
 * groups by its key before it unnests each distinct list once.
 */
export function countedSummarySql(request: CountingRequest): { with: string; select: string } {
  const { table, rows, filters, precounted, add } = request;
  const ownBit = (field: FacetField) => {
    if (field === precounted?.facet) return null;
    const index = filters.findIndex((filter) => filter.facet === field && filter.disjunctive);
    return index < 0 ? null : 1 << index;
  };
  const failedOf = (conditions: string[]) =>
    conditions.length === 0 ? '0' : conditions.map((condition, index) => `(CASE WHEN ${condition} THEN 0 ELSE ${1 << index} END)`).join(' | ');
  const failed = failedOf(filters.map((filter) => filter.sql));
  const counted = [0, ...request.facets.flatMap((field) => ownBit(field) ?? [])];
  const grouped = [...new Set(request.facets.map(groupedColumn))];
  const listKeys: string[] = LISTS.map(({ key }) => key);
  const together = grouped.filter((column) => !listKeys.includes(column));
  const lists = grouped.filter((column) => listKeys.includes(column));
  const groupings = [together, lists].filter((columns) => columns.length > 0);
  const sets = groupings.map((columns) => `(failed, ${columns.join(', ')})`);
  // GROUPING() sets a bit for each listed column a row's grouping leaves out, the first column highest.
  const setOf = (column: string) => {
    const grouping = groupings.find((columns) => columns.includes(column))!;
    return grouped.reduce((bits, other, index) => (grouping.includes(other) ? bits : bits | (1 << (grouped.length - 1 - index))), 0);
  };
  const read = [`${rows.people} AS people`, `${rows.n} AS n`, `${failed} AS failed`, ...grouped.map((column) => (column === SIZE_MASK ? `${rows.sizeBit} AS ${SIZE_MASK}` : column))];
  // OFFSET 0 keeps the filters' mask computed once per row rather than again in the outer WHERE.
  let matched = `SELECT ${read.join(', ')} FROM ${rows.table} WHERE ${request.conditions.join(' AND ') || 'TRUE'} OFFSET 0`;
  if (request.less) {
    const shown = 'outside.shown';
    const lessRead = [`-coalesce(${shown}, 0) AS people`, '-1 AS n', `${failedOf(request.less.filters)} AS failed`, ...grouped.map((column) => (column === SIZE_MASK ? `${sizeBitSql(shown)} AS ${SIZE_MASK}` : column))];
    matched = `(${matched}) UNION ALL (SELECT ${lessRead.join(', ')} FROM outside OFFSET 0)`;
  }
  let groups = `counted AS MATERIALIZED (
    SELECT failed, ${grouped.join(', ')}, GROUPING(${grouped.join(', ')}) AS grouping_set, sum(n) AS n, sum(people) AS people
    FROM (${matched}) matched WHERE failed IN (${[...new Set(counted)].join(', ')})
    GROUP BY GROUPING SETS (${sets.join(', ')}))`;
  // The single-valued facets' lists read once for all of them: looked up per facet, they cost 2 ms a facet at 100k.
  if (grouped.includes(SINGLES_KEY)) {
    groups += `, singles AS MATERIALIZED (
      SELECT c.failed, c.n, c.people, l.vals FROM counted c JOIN ${table}_lists l ON l.key = c.${SINGLES_KEY}
      WHERE c.grouping_set = ${setOf(SINGLES_KEY)})`;
  }
  const failedIn = (field: FacetField) => {
    const own = ownBit(field);
    return `failed IN (0${own === null ? '' : `, ${own}`})`;
  };
  const inSet = (field: FacetField) => `grouping_set = ${setOf(groupedColumn(field))} AND ${failedIn(field)}`;
  const first = request.facets[0]!;
  const totals = request.withTotals
    ? `(SELECT coalesce(sum(n), 0) FROM counted WHERE grouping_set = ${setOf(groupedColumn(first))} AND failed = 0),
       'individuals', (SELECT coalesce(sum(people), 0) FROM counted WHERE grouping_set = ${setOf(groupedColumn(first))} AND failed = 0)`
    : `0, 'individuals', 0`;
  const facets = request.facets.map((field) =>
    field === precounted?.facet
      ? precounted.sql
      : field === 'individuals'
        ? sizeBucketsSql(inSet(field), add)
        : valueFacet(field).multiValued
          ? valueBucketsSql(table, field, inSet(field), groupedColumn(field), add)
          : valueBucketsSql(table, field, failedIn(field), null, add),
  );
  return {
    with: groups,
    select: `json_build_object('total', ${totals}, 'facets', json_build_array(${facets.join(', ')}))`,
  };
}

const SIZE_MASK = 'size_mask';

/** What counted rows are grouped by for a facet: the size range, a list facet's key, or the single-valued facets' key. */
function groupedColumn(field: FacetField): string {
  if (field === 'individuals') return SIZE_MASK;
  const facet = valueFacet(field);
  return facet.multiValued ? countedColumn(facet) : SINGLES_KEY;
}

/**
 * A value facet's most frequent buckets, ties by value in byte order, from the rows meeting `where`: a list
 * facet's from `counted` grouped by its key `column`, a single-valued facet's (`column` null) from `singles`.
 */
function valueBucketsSql(table: string, field: Exclude<FacetField, 'individuals'>, where: string, column: string | null, add: (value: unknown) => string): string {
  const facet = valueFacet(field);
  const single = `vals[${SINGLE.indexOf(columnOf(facet.document)) + 1}]`;
  const source =
    column === null
      ? `(SELECT ${single} AS value, n, people FROM singles WHERE ${where} AND ${single} IS NOT NULL) v`
      : `(SELECT ${column} AS key, sum(n) AS n, sum(people) AS people FROM counted WHERE ${where} GROUP BY ${column}) c
         JOIN ${table}_lists l ON l.key = c.key CROSS JOIN LATERAL unnest(l.vals) AS v(value)`;
  return `(
    SELECT coalesce(json_agg(json_build_object('value', buckets.value, 'count', buckets.n, 'individuals', buckets.people)
      ORDER BY buckets.n DESC, buckets.value COLLATE "C"), '[]'::json)
    FROM (
      SELECT v.value, sum(n) AS n, coalesce(sum(people), 0) AS people FROM ${source}
      GROUP BY v.value HAVING sum(n) > 0 ORDER BY sum(n) DESC, v.value COLLATE "C" LIMIT ${add(FACET_BUCKETS)}
    ) buckets)`;
}

/** The size ranges in range order, each with the rows whose size lies in it. */
function sizeBucketsSql(inSet: string, add: (value: unknown) => string): string {
  const keys = add(INDIVIDUALS_RANGES.map((range) => range.key));
  return `(
    SELECT coalesce(json_agg(json_build_object('value', buckets.key, 'count', buckets.n, 'individuals', buckets.people)
      ORDER BY buckets.position), '[]'::json)
    FROM (
      SELECT range.key, range.position, sum(n) AS n, coalesce(sum(people), 0) AS people
      FROM counted JOIN unnest(${keys}::text[]) WITH ORDINALITY AS range(key, position)
        ON counted.${SIZE_MASK} & (1 << (range.position::int - 1)) <> 0
      WHERE ${inSet}
      GROUP BY range.key, range.position HAVING sum(n) > 0
    ) buckets)`;
}
