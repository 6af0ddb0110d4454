import type { IndividualsView } from '../../datasets/cohort-disclosure.js';
import type { DatasetSearchResult, FacetBucket, SearchVisibility } from '../engine.js';
import {
  FACET_BUCKETS,
  INDIVIDUALS_RANGES,
  SORT_ORDERS,
  TEXT_FIELDS,
  TYPO_MAX_EXPANSIONS,
  encodeCursor,
  typoEdits,
  valueFacet,
  weightTiers,
  type CursorKey,
  type CursorKeyTypes,
  type DatasetQuery,
  type FacetField,
  type FacetFilter,
  type IndividualsRange,
  type QueryWord,
  type SortKey,
  type SortPosition,
  type TextField,
} from '../query-model.js';
import { countedSummarySql, datasetRows, groupRows, listFilterSql } from './facet-counts.js';
import {
  ABSENCE_MARK,
  COUNTED_SIZE_FACETS,
  ISO_MILLIS,
  NARROW_FACET_COLUMNS,
  SINGLES_KEY,
  SMALL_COHORT_LIMIT,
  STEMMING,
  TEXT_VECTORS,
  TEXT_WEIGHT_CLASS,
  columnOf,
  commonWordsTableName,
  textTableName,
} from './postgres-schema.js';
import {
  WORD_LEXEMES_SQL,
  anyOf,
  levelDecides,
  lexemesOf,
  nextLevel,
  SCORE_TOLERANCE,
  WALKED_LEVEL_SHARE,
  possibleTags,
  untaggedWord,
  type LevelAt,
  textLevels,
  tagMatchSql,
  textMatchTags,
  textScoreSql,
  textTableMatches,
  type TagMatch,
  type TextLevel,
  type WordLexemes,
} from './text-match.js';

/**
 * The query model in SQL, without I/O: the statements a search runs on the projection of postgres-schema.ts
 * and the reading of their answer. PostgresSearchEngine runs them.
 *
 * A search is two round trips in one read-only snapshot: snapshotSql (settings, lock, and the query words'
 * similar vocabulary words, for typo tolerance) and searchSql (the page and the summary in one statement).
 *
 * Relevance follows the model's TEXT_FIELDS: each field is written into search_vector with a weight class
 * (TEXT_WEIGHT_CLASS) and a word scores the best class it matches. Typo tolerance is the model's edit distance
 * (typoEdits) to whole words of the vocabulary of title and subject words; each language's stemmed vector is
 * matched by the word's stem in that language (README, "Languages").
 */

/** How this engine writes each sort key into cursors: numeric scores and timestamps as exact text. */
export const CURSOR_KEYS: CursorKeyTypes = { score: 'text', title: 'text', modified: 'text', individuals: 'integerOrNull' };

/** Large enough that a materialised candidate set (about 30 MB per 100k datasets) stays in memory. */
const SEARCH_WORK_MEM = '64MB';

/** Each sort key's column in the matched rows, the cast a cursor's key takes, and the key a cursor carries. */
const SORT_COLUMNS: Record<SortKey, { column: string; cast: string; cursorKey: string }> = {
  score: { column: 'score', cast: '::numeric', cursorKey: 'score::text' },
  title: { column: 'title_sort', cast: '::text COLLATE "C"', cursorKey: 'title_sort' },
  modified: { column: 'modified', cast: '::timestamptz', cursorKey: `to_char(modified AT TIME ZONE 'UTC', ${ISO_MILLIS})` },
  // The size in the request's view (see individualsSql).
  individuals: { column: 'sort_individuals', cast: '::bigint', cursorKey: 'sort_individuals' },
};

/** A query word, the indexed title and subject words similar to it (none for exact-only words), and its lexemes. */
export interface ExpandedWord {
  word: QueryWord;
  similar: string[];
  /** At least the share of the catalogue the word matches (its first common tagged word's; 0 when it has none). */
  share: number;
  /** Its tagged words among the text table's most common, most common first, with the share of rows holding each. */
  commonTags: { tag: string; share: number }[];
  /** What each text vector holds of the word (see text-match.ts); null when not asked. */
  lexemes: string[][] | null;
  /** Its words (a vector's tag and lexeme, or 'w' and a similar word) that are common words (see COMMON_WORD_SHARE). */
  commonWords: string[];
}

/** Collects positional parameters so every value reaches PostgreSQL as a bind parameter. */
class SqlParameters {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Opens the search's snapshot with local settings and, with words, ends with one row per word: the similar
 * vocabulary words. The projection is locked first, as writers (whose triggers then write the counts and
 * vocabulary) and the rebuild's swap do: reading the vocabulary before it could deadlock with a swap. One round
 * trip: a multi-statement query takes no bind parameters, so the words go in as escaped literals.
 */
export function snapshotSql(table: string, words: QueryWord[], statementTimeoutMs: number, literal: (value: string) => string): string {
  const statements = [
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    `SET LOCAL work_mem = '${SEARCH_WORK_MEM}'`,
    // A search statement runs for milliseconds; compiling it (a server's default jit = on, over jit_above_cost)
    // cost 50-165 ms more on every large one (BENCHMARKS.md). Embedded PostgreSQL has no JIT.
    'SET LOCAL jit = off',
    // Parallel workers are started for each statement that plans them: where the planner did (a relevance level of
    // thousands of rows), the leader waited 60 ms for workers that had each finished their 20 ms share, and
    // concurrent searches would compete for the same cores. Five words or more at 100k on 2 cores: 277-430 ms with
    // them, 166-313 without; other searches alike (BENCHMARKS.md).
    'SET LOCAL max_parallel_workers_per_gather = 0',
  ];
  if (statementTimeoutMs > 0) statements.push(`SET LOCAL statement_timeout = ${Math.trunc(statementTimeoutMs)}`);
  // The planner costs a text match as one operator, however many tagged words it tests: with several words a
  // match tests dozens per row, and scanning every row for them took about twice as long as the text index's
  // bitmap of the same rows (15 of 16 multi-word searches at 100k). Since the tagged words are looked up one by
  // one (tagMatchSql), each costed as an index scan of its own, it scanned for one word too: "leukaemia" at 100k
  // took 217 ms so, 23 ms through the index (BENCHMARKS.md).
  if (words.length > 0) statements.push('SET LOCAL enable_seqscan = off');
  statements.push(`LOCK TABLE ${table} IN ACCESS SHARE MODE`);
  if (words.length > 0) {
    const rows = words.map((word, index) => `(${literal(word.word)}, ${typoEdits(word)}, ${index})`).join(', ');
    if (words.some((word) => typoEdits(word) > 0)) statements.push(trigramThresholdSql(rows));
    statements.push(expandWordsSql(table, rows));
  }
  return statements.join('; ');
}

/**
 * The trigram similarity (pg_trgm.similarity_threshold) that every word within its typo's edits of a query word
 * reaches, for the vocabulary's trigram index to find them all. pg_trgm pads a word of n letters to n + 1
 * trigrams; an edit changes at most 3 of them, a swap 4. So a word within k edits of a query word with t distinct
 * trigrams shares at least t - 4k of them and has at most n + k + 1: a similarity (shared over both together) of
 * at least (t - 4k) / (n + 5k + 1), 0.18 for five letters, 0.1 for nine, more for longer words. The lowest over
 * the words (rounded down: pg_trgm compares in single precision) is set for the search's transaction. Words
 * sharing fewer trigrams with the query word are never compared; the others are many at a low threshold, but
 * each comparison is short (BENCHMARKS.md).
 */
function trigramThresholdSql(rows: string): string {
  const lowest = `min(greatest(cardinality(show_trgm(t.folded)) - 4 * t.edits, 0)::float8 / (char_length(t.folded) + 5 * t.edits + 1))`;
  return `SELECT set_config('pg_trgm.similarity_threshold', (floor(${lowest} * 100) / 100)::text, true)
          FROM (SELECT gdcat_unaccent(v.term) AS folded, v.edits FROM (VALUES ${rows}) AS v(term, edits, position) WHERE v.edits > 0) t`;
}

/**
 * Typo tolerance: the vocabulary's trigram index finds the indexed title and subject words that may be within a
 * word's typo edits (trigramThresholdSql), and the typo distance (gdcat_typo_distance, postgres-schema.ts) keeps
 * those that are: whole words, as Elasticsearch's fuzzy match takes them, so 'region' does not find
 * 'gotalandsregionen'. At most TYPO_MAX_EXPANSIONS of them, the nearest first; they are then looked up exactly in
 * the text index. One row per word, in order.
 */
function expandWordsSql(table: string, rows: string): string {
  const lexemes = TEXT_VECTORS.map(({ tag }) => `x.lexemes_${tag}`).join(' || ');
  // Every common word on each row (a few dozen at most, read once): expandedWords keeps each word's own.
  return `SELECT x.*, ${commonTagsSql(table, `x.similar || ${lexemes}`)} AS common_tags,
                 ARRAY(SELECT c.word FROM ${commonWordsTableName(table)} c ORDER BY c.word) AS common_words FROM (
            SELECT coalesce((SELECT array_agg(n.word ORDER BY n.word) FROM (
                               SELECT w.word FROM ${table}_words w
                                 CROSS JOIN LATERAL (SELECT gdcat_typo_distance(gdcat_unaccent(t.term), w.word, t.edits) AS edits) d
                               WHERE t.edits > 0 AND w.word % gdcat_unaccent(t.term) AND d.edits <= t.edits
                               ORDER BY d.edits, w.word LIMIT ${TYPO_MAX_EXPANSIONS}) n), '{}') AS similar,
                   ${WORD_LEXEMES_SQL}, t.position
            FROM (VALUES ${rows}) AS t(term, edits, position)) x
          ORDER BY x.position`;
}

/**
 * The tagged words of a word (exactly or by a similar word) among the most common of the text table, with the
 * share of rows holding each, most common first, from PostgreSQL's statistics (ANALYZE keeps the most common
 * words of `terms` with that share), as json. So the word matches at least the first's share. They pick how a
 * search is counted and read (countOutside, the walk of a level's ids), never what it finds.
 */
function commonTagsSql(table: string, words: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('tag', e.tag, 'share', e.share) ORDER BY e.share DESC, e.tag), '[]'::json)
           FROM (${termStatisticsSql(table)}) s CROSS JOIN LATERAL unnest(s.tags, s.shares) AS e(tag, share)
           WHERE left(e.tag, 1) <> '${ABSENCE_MARK}' AND substr(e.tag, 3) = ANY(${words}))`;
}

/** The text table's statistics of `terms`, if ANALYZE has kept any: its most common tagged words and their shares. */
function termStatisticsSql(table: string): string {
  return `SELECT s.most_common_elems::text::text[] AS tags, s.most_common_elem_freqs AS shares FROM pg_stats s
    WHERE s.schemaname = current_schema() AND s.tablename = '${textTableName(table)}' AND s.attname = 'terms' AND s.most_common_elems IS NOT NULL`;
}

/**
 * Which tagged words (`tags`, and each as a one-word tsquery in `queries`: bind parameters) some row of the text
 * table holds, by their positions (1-based). A long search names hundreds of tagged words that no row holds (a
 * language's stem of another language's word, a weight class a word is never written in), and each is tested in
 * every row the search scores. The text table's statistics name the common ones; each other one is looked up in
 * the text index, where a rare word's lookup is short (a common word's would list most rows). Without statistics
 * yet (a text table not analysed since it was filled) every tagged word is taken as held.
 */
export function heldTagsSql(table: string, tags: string, queries: string): string {
  const statistics = termStatisticsSql(table);
  return `SELECT coalesce(array_agg(q.position), '{}') AS held FROM unnest(${tags}::text[], ${queries}::tsquery[]) WITH ORDINALITY AS q(tag, query, position)
          WHERE NOT EXISTS (${statistics})
             OR q.tag IN (SELECT unnest(tags) FROM (${statistics}) s)
             OR EXISTS (SELECT FROM ${textTableName(table)} WHERE terms @@ q.query)`;
}

/** A row of snapshotSql's last statement. */
export type ExpandedWordRow = { similar: string[]; common_tags?: { tag: string; share: number | string }[]; common_words?: string[] } & Record<string, unknown>;

/** The query words with the similar words and lexemes snapshotSql's last statement returned (rows in word order). */
export function expandedWords(words: QueryWord[], rows: ExpandedWordRow[]): ExpandedWord[] {
  return words.map((word, index) => {
    const row = rows[index];
    const commonTags = (row?.common_tags ?? []).map(({ tag, share }) => ({ tag, share: Number(share) }));
    const similar = row?.similar ?? [];
    const lexemes = row ? lexemesOf(row) : null;
    const own = lexemes ? new Set(possibleTags([{ lexemes, similar }]).map(untaggedWord)) : new Set<string>();
    const commonWords = (row?.common_words ?? []).filter((common) => own.has(common));
    return { word, similar, share: commonTags[0]?.share ?? 0, commonTags, lexemes, commonWords };
  });
}

/** The row searchSql returns (json numbers may arrive as strings). */
export interface SearchRow {
  summary: {
    total: number | string;
    individuals: number | string | null;
    facets: { value: string; count: number | string; individuals: number | string | null }[][];
  };
  hits: { id: string; key: CursorKey }[];
}

/** A statement's summary (totals and facets) as a select expression, with the CTE it reads if any. */
interface SummarySql {
  with?: string;
  select: string;
}

/**
 * The page and the summary (totals, facets) in one statement: one round trip, one plan each. A search by words
 * that the narrow text table can match (text-match.ts) reads it for its totals, for its relevance page (from
 * the first of `levels`; textPageSql reads the next while pageDecided says it is not the page yet) and for its
 * facets: its rows carry the narrow facet table's columns, so facet filters apply there too.
 * `countOutside` (words most datasets match): their facets are counted as the whole catalogue's (the maintained
 * counts, or the groups with facet filters) less the datasets the words do not match (outsideSql).
 */
export function searchSql(
  query: DatasetQuery,
  table: string,
  text: ExpandedWord[],
  countOutside = false,
): { text: string; values: unknown[]; levels: TextLevel[] | null } {
  const params = new SqlParameters();
  const textTable = textTableMatches(text) ? text : null;
  const mostRows = new Set(text.flatMap((word) => word.commonTags.filter(({ share }) => share >= MOST_ROWS_SHARE).map(({ tag }) => tag)));
  const levels = textTable && SORT_ORDERS[query.sort].key === 'score' ? textLevels(textTable, query.after ? Number(query.after.key) : null, mostRows, text.map((word) => word.share)) : null;
  const page = levels ? textTablePageSql(query, table, textTable!, levels[0]!, params, walksIds(levels[0]!, text, shareEstimator(text)), query.first) : pageSql(query, table, text, params);
  const summary = summarySql(query, table, text, countOutside, params);
  return {
    text: `${summary.with ? `WITH ${summary.with} ` : ''}SELECT ${summary.select} AS summary, ${hitsSql(query, page)} AS hits`,
    values: params.values,
    levels,
  };
}

/** The statement's totals and facets, from the cheapest tables that can tell them (see searchSql). */
function summarySql(query: DatasetQuery, table: string, text: ExpandedWord[], countOutside: boolean, params: SqlParameters): SummarySql {
  if (!query.withTotals && query.facets.length === 0) return { select: `json_build_object('total', 0, 'individuals', 0, 'facets', '[]'::json)` };
  if (answeredByCounts(query)) return summaryFromCountsSql(query, table, params);
  if (query.words.length === 0) return query.facets.length > 0 ? narrowSummarySql(query, table, params, null) : liveSummarySql(query, table, text, params);
  if (!textTableMatches(text)) return liveSummarySql(query, table, text, params);
  // Totals alone: counting the index's matches of a word in most datasets reads most rows, the few without it are
  // found by their absence marks.
  if (query.facets.length === 0 && countOutside && outsideMarked(text) && answeredByCounts({ ...query, words: [] })) {
    return summaryFromCountsSql(query, table, params, outsideSql(query, table, text, mostCommonTag(text), params));
  }
  if (query.facets.length === 0) return textTableTotalsSql(query, table, text, params);
  if (countOutside && answeredByCounts({ ...query, words: [] })) return summaryFromCountsSql(query, table, params, outsideSql(query, table, text, mostCommonTag(text), params));
  if (countOutside && groupsAnswer(query)) return narrowSummarySql(query, table, params, null, outsideSql(query, table, text, mostCommonTag(text), params));
  return narrowSummarySql(query, table, params, tagMatchSql({ anyOf: textMatchTags(text) }, (value) => params.add(value)));
}

/** The hits of a page statement as a json array, each with its cursor key. */
function hitsSql(query: DatasetQuery, page: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('id', id, 'key', key) ORDER BY ${orderBySql(query.sort)}), '[]'::json)
            FROM (${page}) page)`;
}

/** The share of rows a tagged word is held by for a relevance level holding it to count as most rows (textLevels). */
const MOST_ROWS_SHARE = 0.5;

/**
 * The relevance page read at the level after `at` (see nextLevel), whose `hits` were not the page (see searchSql):
 * the hits of the page, or those that follow `kept` (the hits scoring above a level read for the rows it adds),
 * and the level they were read at.
 */
export function textPageSql<Hit extends { key: unknown }>(
  query: DatasetQuery,
  table: string,
  text: ExpandedWord[],
  levels: TextLevel[],
  at: LevelAt,
  hits: readonly Hit[],
): { text: string; values: unknown[]; kept: Hit[]; at: LevelAt } {
  const params = new SqlParameters();
  // The words' shares read once for every level and band this page weighs.
  const shareOf = shareEstimator(text);
  const read = nextLevel(levels, at, hits, text as WordLexemes[], query.first, shareOf);
  // A level read for the rows it adds follows the hits scoring above its weight.
  const kept = read.level.addedTo === null ? [] : hits.filter((hit) => Number(hit.key) > read.level.weight + SCORE_TOLERANCE);
  const page = textTablePageSql(query, table, text as WordLexemes[], read.level, params, walksIds(read.level, text, shareOf), query.first - kept.length);
  return { text: `SELECT ${hitsSql(query, page)} AS hits`, values: params.values, kept, at: read };
}

/** Whether the hits read at `at` are the page (see text-match.ts). */
export function pageDecided(query: DatasetQuery, levels: TextLevel[], at: LevelAt, hits: { key: unknown }[]): boolean {
  return query.first === 0 || levelDecides(at.level, query.first, hits, at.index === levels.length - 1);
}

/** The conditions a row of the text table meets: visibility, every filter and `match`. */
function textTableWhere(query: DatasetQuery, table: string, match: TagMatch, params: SqlParameters): string {
  // The size expression binds the view's threshold: only where a size filter reads it (every parameter must be used).
  const facetFilters = query.facetFilters.map((filter) =>
    filter.kind === 'values'
      ? filter.facet.multiValued
        ? listFilterSql(table, filter.facet, params.add(filter.values))
        : facetFilterSql(filter, '', params)
      : facetFilterSql(filter, individualsSql(query.individuals, params), params),
  );
  return [visibilitySql(query.visibility, params), ...alwaysAppliedFilterSql(query, params), tagMatchSql(match, (value) => params.add(value)), ...facetFilters].join(' AND ');
}

/**
 * Whether a level whose rows all score the same is read by walking the text table's id index until the page is
 * full: only when the statistics say at least WALKED_LEVEL_SHARE of the rows are its own (any of its tagged words
 * that many rows have; rows holding several words at once or less the rows it adds to, shareEstimator), so that
 * the walk soon fills the page. Otherwise its matches are found through the text index and sorted. The
 * planner cannot size such a level (it guesses 1.5 % of the rows), and a walk of a small or empty one read every
 * row: at 100k 92 ms for a typo-tolerant word of one description, 80 ms for "tumor" and "human", in a subject
 * of half or all datasets but in one title or none (BENCHMARKS.md).
 */
function walksIds(level: TextLevel, text: ExpandedWord[], shareOf: (match: TagMatch) => number): boolean {
  if (!level.mayWalkIds) return false;
  // Rows holding several words at once: as many as the statistics suggest (one common word does not make them many).
  if (!('anyOf' in level.match)) return shareOf(level.match) - (level.addedTo ? shareOf(level.addedTo) : 0) >= WALKED_LEVEL_SHARE;
  return text.some((word) => word.commonTags.some(({ tag, share }) => share >= WALKED_LEVEL_SHARE && level.taggedWords.includes(tag)));
}

/**
 * The share of rows a match holds as the statistics suggest: a combination's words taken as independent, each
 * by its most common tagged word (one the statistics do not know as none), the combinations summed.
 */
function shareEstimator(text: ExpandedWord[]): (match: TagMatch) => number {
  const shares = new Map(text.flatMap((word) => word.commonTags.map(({ tag, share }) => [tag, share] as const)));
  const shareOf = (tags: readonly string[]) => Math.max(0, ...tags.map((tag) => shares.get(tag) ?? 0));
  return (match) => {
    const combinations = 'anyCombination' in match ? match.anyCombination : 'everyOf' in match ? [match.everyOf] : match.anyOf.map((tag) => [[tag]]);
    return Math.min(1, combinations.reduce((sum, lists) => sum + lists.reduce((product, tags) => product * shareOf(tags), 1), 0));
  };
}

/** A level's page of `limit` rows; rows of the level it adds to are left out, and rows scoring its weight are not scored. */
function textTablePageSql(query: DatasetQuery, table: string, text: WordLexemes[], level: TextLevel, params: SqlParameters, walkIds: boolean, limit: number): string {
  const add = (value: unknown) => params.add(value);
  const where = [textTableWhere(query, table, level.match, params), ...(level.addedTo ? [`NOT (${tagMatchSql(level.addedTo, add)})`] : [])].join(' AND ');
  const score = level.sameScore ? `round(${add(level.weight)}::numeric, 4)` : textScoreSql(text, add);
  const keyset = query.after ? keysetSql(query.after, params) : 'TRUE';
  return `SELECT id, score, score::text AS key FROM (
         SELECT id, ${score} AS score FROM ${textTableName(table)} WHERE ${where}
       ) matched
       WHERE ${keyset} ORDER BY ${level.sameScore ? (walkIds ? 'id ASC' : `(id || '') COLLATE "C" ASC`) : orderBySql(query.sort)} LIMIT ${params.add(limit)}`;
}

/** Totals (no facets) of a search by words, from the text table's index. */
function textTableTotalsSql(query: DatasetQuery, table: string, text: WordLexemes[], params: SqlParameters): SummarySql {
  const shown = individualsSql(query.individuals, params);
  return {
    select: `(SELECT json_build_object('total', count(*), 'individuals', coalesce(sum(${shown}), 0), 'facets', '[]'::json)
                FROM ${textTableName(table)} WHERE ${textTableWhere(query, table, { anyOf: textMatchTags(text) }, params)})`,
  };
}

/** The search's answer from searchSql's row, with each hit's cursor. */
export function readSearchRow(query: DatasetQuery, row: SearchRow): DatasetSearchResult {
  const { summary, hits } = row;
  return {
    totalCount: Number(summary.total),
    individuals: Number(summary.individuals ?? 0),
    hits: hits.map((hit) => ({ id: hit.id, cursor: encodeCursor({ sort: query.sort, key: hit.key, id: hit.id }) })),
    facets: query.facets.map((field, index) => ({
      field,
      buckets: (summary.facets[index] ?? []).map(
        (bucket): FacetBucket => ({ value: bucket.value, count: Number(bucket.count), individuals: Number(bucket.individuals ?? 0) }),
      ),
    })),
  };
}

/** The sort order's ORDER BY over the matched rows, ties by id. */
function orderBySql(sort: DatasetQuery['sort']): string {
  const { key, direction, missingLast } = SORT_ORDERS[sort];
  return `${SORT_COLUMNS[key].column} ${direction.toUpperCase()}${missingLast ? ' NULLS LAST' : ''}, id ASC`;
}

/** The page alone, read in the sort order's index where the matches allow it: no count, no facets. */
function pageSql(query: DatasetQuery, table: string, text: ExpandedWord[], params: SqlParameters): string {
  const { where, facetable, individuals, score } = matchSql(query, text, params);
  const keyset = query.after ? keysetSql(query.after, params) : 'TRUE';
  const conditions = where.concat(facetable.map((filter) => filter.sql));
  const first = params.add(query.first);
  const page = (size: string, condition: string | null, limit: string): string =>
    `SELECT id, score, title_sort, modified, sort_individuals, ${SORT_COLUMNS[SORT_ORDERS[query.sort].key].cursorKey} AS key FROM (
         SELECT id, title_sort, modified, ${size} AS sort_individuals, ${score()} AS score
         FROM ${table} WHERE ${conditions.concat(condition ?? []).join(' AND ')}
       ) matched
       WHERE ${keyset} ORDER BY ${orderBySql(query.sort)} LIMIT ${limit}`;
  if (query.individuals.kind === 'EXACT' || SORT_ORDERS[query.sort].key !== 'individuals') return page(individuals, null, first);
  // Ordering by the disclosed size expression reads and sorts every match (a first page at 50k: about 80 ms);
  // the disclosed sizes are read in the rounded size's index instead, then the others by id only while the page
  // has room (about 5 ms).
  return `WITH disclosed AS (${page('individuals_rounded', `${individuals} IS NOT NULL`, first)})
       SELECT * FROM disclosed
       UNION ALL (${page('NULL::bigint', `${individuals} IS NULL`, `${first} - (SELECT count(*) FROM disclosed)`)})`;
}

/**
 * Rows strictly after the position under its sort order, in the same expressions as the ORDER BY; where
 * missing keys sort last, a position without a key continues among them by id alone.
 */
function keysetSql(position: SortPosition, params: SqlParameters): string {
  const id = params.add(position.id);
  const { key, direction, missingLast } = SORT_ORDERS[position.sort];
  const { column, cast } = SORT_COLUMNS[key];
  if (missingLast && position.key === null) return `(${column} IS NULL AND id > ${id})`;
  const value = `${params.add(position.key)}${cast}`;
  const beyond = `${column} ${direction === 'desc' ? '<' : '>'} ${value} OR (${column} = ${value} AND id > ${id})`;
  return `(${beyond}${missingLast ? ` OR ${column} IS NULL` : ''})`;
}

/** The column of the cohort size a view shows, where it shows one. */
function shownColumn(view: IndividualsView): 'individuals' | 'individuals_rounded' {
  return view.kind === 'EXACT' ? 'individuals' : 'individuals_rounded';
}

/** The cohort size a view works with (see IndividualsView): what its filters, sums and size sort read. */
function individualsSql(view: IndividualsView, params: SqlParameters): string {
  const column = shownColumn(view);
  if (view.kind === 'EXACT') return column;
  return `(CASE WHEN ${column} >= ${params.add(view.threshold)}::bigint THEN ${column} END)`;
}

/** The weight classes of the given fields, as a tsquery weight suffix ('BC'). */
function weightClasses(fields: TextField[]): string {
  return [...new Set(fields.map((field) => TEXT_WEIGHT_CLASS[field]))].join('');
}

/** Score tiers of exact (and stemmed) matches and of typo matches: TEXT_FIELDS by weight, best first. */
const EXACT_TIERS = weightTiers((field) => field.weight).map(({ weight, fields }) => ({ weight, classes: weightClasses(fields) }));
const TYPO_TIERS = weightTiers((field) => field.typoWeight).map(({ weight, fields }) => ({ weight, classes: weightClasses(fields) }));
/** The classes of the fields typos are looked for in. */
const TYPO_CLASSES = weightClasses(TEXT_FIELDS.filter((field) => field.typoWeight !== null).map((field) => field.field));

function tsquery(term: string, weights = ''): string {
  return `to_tsquery('simple', quote_literal(${term}) || '${weights ? `:${weights}` : ''}')`;
}

/** A tsquery literal matching any of the words, each only in fields of the given weights. */
function anyOfWords(words: string[], weights: string): string {
  return words.map((word) => `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}':${weights}`).join(' | ');
}

/** The word stemmed by a language's configuration; an empty query (a stop word) matches nothing. */
function stemmedQuery(word: string, config: string, weights = ''): string {
  return `to_tsquery('${config}', quote_literal(${word}) || '${weights ? `:${weights}` : ''}')`;
}

/** The weight of the best field a vector matches the query in. */
function weightedMatchSql(vector: string, query: (weights: string) => string): string {
  return `CASE ${EXACT_TIERS.map(({ weight, classes }) => `WHEN ${vector} @@ ${query(classes)} THEN ${weight}`).join('\n         ')}
         ELSE 0 END`;
}

/** A document matches a word exactly in any weighted field, or a word similar to it in title or subject. */
function wordQuerySql({ word, similar }: ExpandedWord, params: SqlParameters): string {
  const exact = tsquery(`gdcat_unaccent(${params.add(word.word)})`);
  return similar.length === 0 ? exact : `${exact} || ${params.add(anyOfWords(similar, TYPO_CLASSES))}::tsquery`;
}

/** The best field a word matches, exactly, by stem or with a typo (see TEXT_FIELDS). */
function wordScoreSql({ word, similar }: ExpandedWord, params: SqlParameters): string {
  const written = params.add(word.word);
  const folded = `gdcat_unaccent(${written})`;
  // Exactly, or by the word's stem in a language's own texts: the best field either way.
  const exact = `GREATEST(${[
    weightedMatchSql('search_vector', (weights) => tsquery(folded, weights)),
    ...STEMMING.map((s) => weightedMatchSql(s.column, (weights) => stemmedQuery(written, s.config, weights))),
  ].join(', ')})`;
  if (similar.length === 0) return exact;
  const typo = TYPO_TIERS.map(({ weight, classes }) => `WHEN search_vector @@ ${params.add(anyOfWords(similar, classes))}::tsquery THEN ${weight}`);
  return `GREATEST(${exact},
    CASE ${typo.join('\n         ')}
         ELSE 0 END)`;
}

/** The conditions of a search (visibility, filters, text) and the expressions its statements read. */
function matchSql(query: DatasetQuery, text: ExpandedWord[], params: SqlParameters) {
  const individuals = individualsSql(query.individuals, params);
  const where = [visibilitySql(query.visibility, params), ...alwaysAppliedFilterSql(query, params)];
  if (text.length > 0) {
    const stemmed = STEMMING.map((s) => {
      const any = text.map(({ word }) => stemmedQuery(params.add(word.word), s.config)).join(' || ');
      return `${s.column} @@ (${any})`;
    });
    where.push(`(search_vector @@ (${text.map((word) => wordQuerySql(word, params)).join(' || ')}) OR ${stemmed.join(' OR ')})`);
  }
  // A function: only the page reads the score, and every parameter added must be used by the statement.
  const score = (): string =>
    text.length === 0 ? 'NULL::numeric' : `round(${text.map((word) => wordScoreSql(word, params)).join(' + ')}, 4)`;
  const facetable = query.facetFilters.map((filter) => ({ facet: filter.facet.field, sql: facetFilterSql(filter, individuals, params) }));
  return { where, facetable, individuals, score };
}

/**
 * The maintained counts answer for the whole visible catalogue: no words, no facet or consent filter, and a
 * disclosure threshold within the small sizes the counts keep apart.
 */
function answeredByCounts(query: DatasetQuery): boolean {
  const { individuals } = query;
  return (
    query.words.length === 0 &&
    query.facetFilters.length === 0 &&
    query.consentKeys === null &&
    (individuals.kind === 'EXACT' || individuals.threshold <= SMALL_COHORT_LIMIT)
  );
}

function visibilitySql(visibility: SearchVisibility, params: SqlParameters): string {
  if (visibility.allStatusesForOwners === 'ALL') return 'TRUE';
  return `(status = 'PUBLISHED' OR owner_organisation_id = ANY(${params.add(visibility.allStatusesForOwners)}::text[]))`;
}

/** Filters that no facet ignores. An empty consentKeys list means no consent permits the purpose. */
function alwaysAppliedFilterSql(query: DatasetQuery, params: SqlParameters): string[] {
  const clauses: string[] = [];
  if (query.statuses) clauses.push(`status = ANY(${params.add(query.statuses)}::text[])`);
  if (query.consentKeys) clauses.push(`consent_key = ANY(${params.add(query.consentKeys)}::text[])`);
  return clauses;
}

/** A facet's filter: any of the values (lists: any in common), or the size conditions all together. */
function facetFilterSql(filter: FacetFilter, individuals: string, params: SqlParameters): string {
  if (filter.kind === 'values') {
    const column = columnOf(filter.facet.document);
    const list = `${params.add(filter.values)}::text[]`;
    return filter.facet.multiValued ? `${column} && ${list}` : `${column} = ANY(${list})`;
  }
  const size: string[] = [];
  if (filter.min !== null) size.push(`${individuals} >= ${params.add(filter.min)}::bigint`);
  if (filter.ranges !== null) size.push(`(${filter.ranges.map((range) => rangeSql(individuals, range, params)).join(' OR ') || 'FALSE'})`);
  return size.join(' AND ');
}

function rangeSql(individuals: string, range: IndividualsRange, params: SqlParameters): string {
  const min = `${individuals} >= ${params.add(range.min)}::bigint`;
  return range.max === null ? min : `(${min} AND ${individuals} <= ${params.add(range.max)}::bigint)`;
}

/**
 * Totals and facets over every match. Facetable filters become boolean columns so each disjunctive facet can
 * ignore its own filter; the base set carries only the columns the requested facets read. Without facets no
 * filter needs its matches apart, so the filters narrow the scan itself and can use indexes.
 */
function liveSummarySql(query: DatasetQuery, table: string, text: ExpandedWord[], params: SqlParameters): SummarySql {
  const { where, facetable, individuals } = matchSql(query, text, params);
  if (query.facets.length === 0) {
    return {
      select: `(SELECT json_build_object('total', count(*), 'individuals', coalesce(sum(${individuals}), 0), 'facets', '[]'::json)
                  FROM ${table} WHERE ${where.concat(facetable.map((filter) => filter.sql)).join(' AND ')})`,
    };
  }
  const flagsExcept = (facet: FacetField | null): string =>
    facetable
      .flatMap((filter, index) => (filter.facet === facet && isDisjunctive(facet) ? [] : [`f${index}`]))
      .concat('TRUE')
      .join(' AND ');
  const facetColumns = new Set(query.facets.flatMap((field) => (field === 'individuals' ? [] : [columnOf(valueFacet(field).document)])));
  const baseColumns = [`${individuals} AS shown_individuals`]
    .concat([...facetColumns])
    .concat(facetable.map((filter, index) => `(${filter.sql}) AS f${index}`));
  const facetsSql = `json_build_array(${query.facets.map((field) => facetSql(field, flagsExcept(field), params)).join(', ')})`;
  const totals = query.withTotals
    ? `(SELECT count(*) FROM base WHERE ${flagsExcept(null)}),
         'individuals', (SELECT coalesce(sum(shown_individuals), 0) FROM base WHERE ${flagsExcept(null)})`
    : `0, 'individuals', 0`;
  return {
    with: `base AS MATERIALIZED (SELECT ${baseColumns.join(', ')} FROM ${table} WHERE ${where.join(' AND ')})`,
    select: `json_build_object('total', ${totals}, 'facets', ${facetsSql})`,
  };
}

/**
 * Counted on the narrow tables of facet-counts.ts, which count totals and facets in one pass: without words over
 * the groups of datasets where they can tell the filters and the view apart, over the datasets otherwise (words,
 * a minimum cohort size, a disclosure threshold above the small sizes). A list facet's filter there matches the
 * keys of the lists sharing a value with it. `matching` (the words' match on the text table, whose rows are the
 * narrow ones with their words) counts the text table's rows it matches instead: counting every match of a
 * common word in the projection's wide rows took over a second at 100k, joining the text table's matches to the
 * facet table most of 130 ms (BENCHMARKS.md). `outside` (outsideSql) takes the datasets it holds off the groups'
 * counts instead.
 */
function narrowSummarySql(query: DatasetQuery, table: string, params: SqlParameters, matching: string | null, outside: string | null = null): SummarySql {
  const view = query.individuals;
  const grouped = matching === null && groupsAnswer(query);
  const rows = grouped
    ? groupRows(table, view.kind === 'EXACT' ? view : { kind: 'DISCLOSED', threshold: params.add(view.threshold) })
    : datasetRows(matching ? textTableName(table) : `${table}_facets`, individualsSql(view, params), shownColumn(view));
  // With one facetable filter, its own (disjunctive) facet counts the whole visible catalogue: the maintained
  // counts have it, so the pass reads only the rows that pass the filter.
  const [only, ...others] = query.facetFilters;
  const ownFromCounts = only && others.length === 0 && isDisjunctive(only.facet.field) && answeredByCounts({ ...query, facetFilters: [] });
  const visible = [visibilitySql(query.visibility, params), ...alwaysAppliedFilterSql(query, params), ...(matching ? [matching] : [])];
  const counted = countedSummarySql({
    table,
    rows,
    facets: query.facets,
    conditions: grouped ? [...visible, 'n > 0'] : visible,
    filters: query.facetFilters.map((filter) => ({
      facet: filter.facet.field,
      disjunctive: isDisjunctive(filter.facet.field),
      sql:
        filter.kind === 'values' && filter.facet.multiValued
          ? listFilterSql(table, filter.facet, params.add(filter.values))
          : filter.kind === 'size' && grouped
            ? `(${rows.sizeBit}) & ${params.add(rangeBits(filter.ranges!))}::int <> 0`
            : facetFilterSql(filter, rows.people, params),
    })),
    withTotals: query.withTotals,
    precounted:
      ownFromCounts && query.facets.includes(only.facet.field)
        ? { facet: only.facet.field, sql: countsSql(query, table, params).facet(only.facet.field) }
        : null,
    less: outside
      ? {
          filters: query.facetFilters.map((filter) =>
            filter.kind === 'values' && filter.facet.multiValued ? listFilterSql(table, filter.facet, params.add(filter.values)) : facetFilterSql(filter, 'outside.shown', params),
          ),
        }
      : null,
    add: (value) => params.add(value),
  });
  return outside ? { with: `${outside}, ${counted.with}`, select: counted.select } : counted;
}

/**
 * The groups tell apart the size ranges and, below SMALL_COHORT_LIMIT, the sizes a disclosure threshold compares;
 * a minimum cohort size can fall anywhere in a range.
 */
function groupsAnswer(query: DatasetQuery): boolean {
  const { individuals } = query;
  return (
    (individuals.kind === 'EXACT' || individuals.threshold <= SMALL_COHORT_LIMIT) &&
    query.facetFilters.every((filter) => filter.kind !== 'size' || filter.min === null)
  );
}

/** The size ranges' bits together (see INDIVIDUALS_RANGES). */
function rangeBits(ranges: readonly IndividualsRange[]): number {
  return INDIVIDUALS_RANGES.reduce((bits, range, position) => (ranges.includes(range) ? bits | (1 << position) : bits), 0);
}

function isDisjunctive(facet: FacetField | null): boolean {
  if (facet === null) return false;
  return facet === 'individuals' ? true : valueFacet(facet).disjunctive;
}

/** One facet's buckets over the base set, counting the rows that pass `condition`. */
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
  const facet = valueFacet(field);
  const column = columnOf(facet.document);
  const source = facet.multiValued
    ? `base CROSS JOIN LATERAL unnest(base.${column}) AS v(value) WHERE ${condition}`
    : `(SELECT ${column} AS value, shown_individuals FROM base WHERE ${condition} AND ${column} IS NOT NULL) v`;
  return `(
    SELECT coalesce(json_agg(json_build_object('value', counted.value, 'count', counted.n, 'individuals', counted.people)
      ORDER BY counted.n DESC, counted.value COLLATE "C"), '[]'::json)
    FROM (
      SELECT v.value, count(*) AS n, coalesce(sum(shown_individuals), 0) AS people FROM ${source}
      GROUP BY v.value ORDER BY count(*) DESC, v.value COLLATE "C" LIMIT ${params.add(FACET_BUCKETS)}
    ) counted)`;
}

/**
 * Totals and facets of the whole visible catalogue from the maintained counts (postgres-schema.ts),
 * summed over the status and owner groups the caller may see: a few hundred rows instead of every dataset.
 */
function summaryFromCountsSql(query: DatasetQuery, table: string, params: SqlParameters, outside?: string): SummarySql {
  const counts = countsSql(query, table, params, outside !== undefined);
  const facets = query.facets.map(counts.facet);
  const totals = query.withTotals ? counts.totals : `0, 'individuals', 0`;
  return {
    ...(outside ? { with: outside } : {}),
    select: `json_build_object('total', ${totals}, 'facets', ${facets.length === 0 ? `'[]'::json` : `json_build_array(${facets.join(', ')})`})`,
  };
}

/** The tagged word of the words that most rows hold (see commonTagsSql). */
function mostCommonTag(text: ExpandedWord[]): string | null {
  return text.reduce((most, word) => (word.share > most.share ? word : most)).commonTags[0]?.tag ?? null;
}

/**
 * The narrow rows (of the text table) of the visible datasets the words do not match, with their size in the
 * request's view as `shown`: a CTE named `outside`. They lack every common word among the words, so the text index
 * finds them by those words' absence marks (see COMMON_WORD_SHARE) and only those rows are tested. Without such a
 * word every row is tested, the most common tagged word first: most rows hold it and are done, instead of testing
 * every tagged word of the words (nine words, 300 tagged words: 419 ms at 100k).
 */
function outsideSql(query: DatasetQuery, table: string, text: ExpandedWord[] & WordLexemes[], commonTag: string | null, params: SqlParameters): string {
  const visible = [visibilitySql(query.visibility, params), ...alwaysAppliedFilterSql(query, params)].join(' AND ');
  const marks = absenceMarks(text);
  const lacking = marks.length > 0 ? [tagMatchSql({ everyOf: marks.map((mark) => [mark]) }, (value) => params.add(value))] : [];
  const notMatching = [...(commonTag === null || marks.length > 0 ? [] : [anyOf([commonTag])]), anyOf(textMatchTags(text))].map(
    (tsquery) => `NOT (terms @@ ${params.add(tsquery)}::tsquery)`,
  );
  return `outside AS MATERIALIZED (
    SELECT ${NARROW_FACET_COLUMNS.map(({ column }) => column).join(', ')}, ${SINGLES_KEY}, ${individualsSql(query.individuals, params)} AS shown
    FROM ${textTableName(table)} WHERE ${[...lacking, visible, ...notMatching].join(' AND ')})`;
}

/** The absence marks of the common words among the words. */
function absenceMarks(text: ExpandedWord[]): string[] {
  return [...new Set(text.flatMap((word) => word.commonWords))].map((word) => ABSENCE_MARK + word);
}

/**
 * Whether the datasets the words do not match are found by absence marks that few rows hold: those of the most
 * common tagged word's word, held by no more rows than that tagged word leaves out.
 */
function outsideMarked(text: ExpandedWord[]): boolean {
  const tag = mostCommonTag(text);
  return tag !== null && text.some((word) => word.commonWords.includes(untaggedWord(tag)));
}

/**
 * Reads of the maintained counts over the groups the caller may see: a facet's buckets, and the totals. With
 * `outside` (outsideSql), the datasets it holds are taken off every count.
 */
function countsSql(query: DatasetQuery, table: string, params: SqlParameters, outside = false): { facet: (field: FacetField) => string; totals: string } {
  const visible = [visibilitySql(query.visibility, params), ...alwaysAppliedFilterSql(query, params)].join(' AND ');
  const view = query.individuals;
  const disclosed = view.kind === 'DISCLOSED' ? `(low = -1 OR low >= ${params.add(view.threshold)}::int)` : 'TRUE';
  const people = view.kind === 'EXACT' ? 'exact_sum' : `CASE WHEN ${disclosed} THEN rounded_sum ELSE 0 END`;
  const counts = `${table}_counts`;
  // Each outside dataset as a row of -1 under each of its values.
  const lessOutside = (values: string) => (outside ? ` UNION ALL SELECT value, -1, -coalesce(o.shown, 0) FROM ${values}` : '');
  const facet = (field: FacetField): string => {
    if (field === 'individuals') {
      const facet = params.add(COUNTED_SIZE_FACETS[view.kind]);
      const keys = params.add(INDIVIDUALS_RANGES.map((range) => range.key));
      const ranges = INDIVIDUALS_RANGES.map(({ key, min, max }) => `WHEN o.shown >= ${min}${max === null ? '' : ` AND o.shown <= ${max}`} THEN '${key}'`);
      return `(SELECT coalesce(json_agg(json_build_object('value', value, 'count', n, 'individuals', people)
                  ORDER BY array_position(${keys}::text[], value)), '[]'::json)
                FROM (SELECT value, sum(n) AS n, sum(people) AS people FROM (
                        SELECT value, n, ${people} AS people FROM ${counts} WHERE facet = ${facet} AND ${visible} AND ${disclosed}
                        ${lessOutside(`(SELECT CASE ${ranges.join(' ')} END AS value, o.shown FROM outside o) o WHERE o.value IS NOT NULL`)}
                      ) c GROUP BY value HAVING sum(n) > 0) counted)`;
    }
    const valueFacetOf = valueFacet(field);
    const column = columnOf(valueFacetOf.document);
    const outsideValues = valueFacetOf.multiValued
      ? `outside o JOIN ${table}_lists l ON l.key = o.${column}_key CROSS JOIN LATERAL unnest(l.vals) AS v(value)`
      : `(SELECT ${column} AS value, shown FROM outside) o WHERE o.value IS NOT NULL`;
    return `(SELECT coalesce(json_agg(json_build_object('value', value, 'count', n, 'individuals', people)
                ORDER BY n DESC, value), '[]'::json)
              FROM (SELECT value, sum(n) AS n, sum(people) AS people FROM (
                      SELECT value, n, ${people} AS people FROM ${counts} WHERE facet = ${params.add(field)} AND ${visible}
                      ${lessOutside(outsideValues)}
                    ) c GROUP BY value HAVING sum(n) > 0
                    ORDER BY sum(n) DESC, value LIMIT ${params.add(FACET_BUCKETS)}) counted)`;
  };
  const less = (sql: string) => (outside ? ` - (SELECT ${sql} FROM outside)` : '');
  return {
    facet,
    totals: `(SELECT coalesce(sum(n), 0) FROM ${counts} WHERE facet = '' AND ${visible})${less('count(*)')},
         'individuals', (SELECT coalesce(sum(${people}), 0) FROM ${counts} WHERE facet = '' AND ${visible})${less('coalesce(sum(shown), 0)')}`,
  };
}
