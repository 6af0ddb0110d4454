import { describe, expect, it } from 'vitest';
import type { DatasetSearchRequest } from '../../../src/search/engine.js';
import { CURSOR_KEYS, expandedWords, readSearchRow, searchSql, snapshotSql, textPageSql } from '../../../src/search/postgres/postgres-translate.js';
import { decodeCursor, toQueryModel } from '../../../src/search/query-model.js';

const ID = '0b6f5a4e-8f8a-4c1e-9d55-4d1f6c2b7a10';

const model = (overrides: Partial<DatasetSearchRequest> = {}) =>
  toQueryModel(
    { query: null, filter: {}, visibility: { allStatusesForOwners: [] }, sort: 'RELEVANCE', first: 20, facets: [], individuals: { kind: 'EXACT' }, ...overrides },
    CURSOR_KEYS,
  );

describe('PostgreSQL translation', () => {
  it('opens the snapshot and asks the vocabulary for typos of the words long enough to have them', () => {
    const query = model({ query: "Skåne O'Neil BRCA2 leukaemia" });
    const sql = snapshotSql('dataset_search', query.words, 0, (value) => `'${value.replace(/'/g, "''")}'`);
    expect(sql.split('; ').slice(0, 6)).toEqual([
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      `SET LOCAL work_mem = '64MB'`,
      'SET LOCAL jit = off',
      'SET LOCAL max_parallel_workers_per_gather = 0',
      'SET LOCAL enable_seqscan = off',
      'LOCK TABLE dataset_search IN ACCESS SHARE MODE',
    ]);
    // Each word with the edits its typos may take: none under five letters or with digits, two from nine.
    expect(sql).toContain(`VALUES ('skåne', 1, 0), ('o', 0, 1), ('neil', 0, 2), ('brca2', 0, 3), ('leukaemia', 2, 4)`);
    expect(sql.split('; ')[6]).toMatch(/^SELECT set_config\('pg_trgm.similarity_threshold'/);
    const exactOnly = snapshotSql('dataset_search', model({ query: 'BRCA2 neil' }).words, 0, String);
    expect(exactOnly).not.toContain('similarity_threshold');
    expect(exactOnly).toContain('FROM dataset_search_words');
    // Words are found through the text index, one word as well (BENCHMARKS.md); a browse is left to the planner.
    expect(snapshotSql('dataset_search', model({ query: 'leukaemia' }).words, 0, String)).toContain('SET LOCAL enable_seqscan = off');
    expect(snapshotSql('dataset_search', [], 0, String)).not.toContain('enable_seqscan');
    expect(snapshotSql('dataset_search', [], 1500.7, String)).toContain('SET LOCAL statement_timeout = 1500; LOCK TABLE');
    expect(snapshotSql('dataset_search', [], 0, String)).not.toContain('FROM dataset_search_words');
  });

  it('binds every value of the request as a parameter', () => {
    const query = model({ query: 'leukaemia', filter: { publisherIds: ["x'); DROP TABLE dataset_search; --"] }, facets: ['publisher'] });
    const { text, values } = searchSql(query, 'dataset_search', expandedWords(query.words, [{ similar: ['leukemia'] }]));
    expect(text).not.toContain('DROP TABLE');
    expect(text).not.toContain('leuk');
    expect(values).toContain('leukaemia');
    expect(values).toContainEqual(["x'); DROP TABLE dataset_search; --"]);
    // Every placeholder has its value, and every value is used.
    const used = new Set([...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
    expect([...used].sort((a, b) => a - b)).toEqual(values.map((_, i) => i + 1));
  });

  it('scores a word by the best field it matches, with the model weights, and its typos in title and subject', () => {
    const query = model({ query: 'leukaemia' });
    const { text, values } = searchSql(query, 'dataset_search', expandedWords(query.words, [{ similar: ['leukemia'] }]));
    expect(text).toMatch(/@@ to_tsquery\('simple', quote_literal\(gdcat_unaccent\(\$\d+\)\) \|\| ':A'\) THEN 1\s+WHEN/);
    expect(text).toMatch(/':B'\) THEN 0\.625\s+WHEN .*':C'\) THEN 0\.375\s+WHEN .*':D'\) THEN 0\.25\s+ELSE 0 END/);
    expect(values).toEqual(expect.arrayContaining([`'leukemia':ABC`, `'leukemia':A`, `'leukemia':BC`]));
    expect(text).toMatch(/THEN 0\.5\s+WHEN search_vector @@ \$\d+::tsquery THEN 0\.3125/);
  });

  it('reads the whole catalogue from the maintained counts, a narrowed search from the groups or the narrow table, and words live', () => {
    expect(searchSql(model({ facets: ['assay'] }), 'dataset_search', []).text).toContain('FROM dataset_search_counts');
    const narrowed = (searches: Partial<DatasetSearchRequest>[], table: string) => {
      for (const search of searches) {
        const { text } = searchSql(model({ ...search, facets: ['assay'] }), 'dataset_search', []);
        expect(text).not.toContain('dataset_search_counts');
        expect(text).toContain(`FROM ${table} WHERE`);
      }
    };
    narrowed(
      [
        { filter: { assays: ['WGS'], diseaseIds: ['MONDO:0004992'] } },
        { filter: { assays: ['WGS'], consentKeys: [] } },
        { filter: { individualsRanges: ['100-999'], assays: ['WGS'] } },
        { filter: { assays: ['WGS'], genomeBuilds: ['GRCh38'] }, individuals: { kind: 'DISCLOSED', threshold: 100 } },
      ],
      'dataset_search_groups',
    );
    // The groups cannot tell a minimum size within a range, nor a threshold above the small sizes.
    narrowed(
      [
        { filter: { minIndividuals: 5, assays: ['WGS'] } },
        { filter: { assays: ['WGS'] }, individuals: { kind: 'DISCLOSED', threshold: 500 } },
      ],
      'dataset_search_facets',
    );
    const { text } = searchSql(model({ query: 'leukaemia', facets: ['assay'] }), 'dataset_search', []);
    expect(text).toContain('base AS MATERIALIZED');
    expect(text).not.toContain('dataset_search_facets');
    expect(text).not.toContain('dataset_search_groups');
  });

  it('counts the facets of words on the text table alone, and walks the id index for the best level only when many titles hold the word', () => {
    const rows = (similar: string[], titleShare: number | null) => [
      { similar, lexemes_w: ['scout'], lexemes_s: ['scout'], lexemes_e: ['scout'], common_tags: titleShare === null ? [] : [{ tag: 'Awscout', share: titleShare }] },
    ];
    const query = model({ query: 'Scout', sort: 'RELEVANCE', facets: ['assay'], filter: { diseaseIds: ['MONDO:0004992'] } });
    const page = (similar: string[], titleShare: number | null) => searchSql(query, 'dataset_search', expandedWords(query.words, rows(similar, titleShare))).text;
    const known = page(['scout', 'scouts'], 0.08);
    expect(known).toMatch(/FROM \(SELECT .* FROM dataset_search_text WHERE .* AND terms @@ ANY\(\$\d+::tsquery\[\]\) OFFSET 0\) matched/);
    expect(known).not.toContain('dataset_search_facets');
    expect(known).not.toContain('base AS MATERIALIZED');
    expect(known).toContain('ORDER BY id ASC LIMIT');
    // In few titles, in none, or not in the vocabulary at all: the level is small or empty, and walking the
    // index would read every row.
    for (const [similar, titleShare] of [[['scout'], 0.001], [['scout'], null], [['scouts'], null]] as const) {
      expect(page([...similar], titleShare)).toContain(`ORDER BY (id || '') COLLATE "C" ASC LIMIT`);
    }
  });

  it("takes the datasets without the words off the catalogue's counts testing the most common tagged word first", () => {
    const query = model({ query: 'cohort epilepsy', facets: ['assay'] });
    const rows = [
      { similar: ['cohort'], lexemes_w: ['cohort'], lexemes_s: ['cohort'], lexemes_e: ['cohort'], common_tags: [{ tag: 'Awcohort', share: 0.99 }, { tag: 'Dwcohort', share: '0.4' }] },
      { similar: [], lexemes_w: ['epilepsy'], lexemes_s: ['epilepsy'], lexemes_e: ['epilepsi'], common_tags: [] },
    ];
    const text = expandedWords(query.words, rows);
    expect(text.map((word) => word.share)).toEqual([0.99, 0]);
    const { text: sql, values } = searchSql(query, 'dataset_search', text, true);
    const [, first, all] = /FROM dataset_search_text WHERE .* AND NOT \(terms @@ \$(\d+)::tsquery\) AND NOT \(terms @@ \$(\d+)::tsquery\)\)/.exec(sql)!;
    expect(values[Number(first) - 1]).toBe(`'Awcohort'`);
    expect(values[Number(all) - 1]).toContain(`'Aeepilepsi'`);
  });

  it('walks the id index at a level below empty ones only when the level holds a word many rows have', () => {
    const query = model({ query: 'cohrt' });
    const row = (share: number) => ({ similar: ['cohort'], lexemes_w: ['cohrt'], lexemes_s: ['cohrt'], lexemes_e: ['cohrt'], common_tags: [{ tag: 'Awcohort', share }] });
    const pageAfterEmpty = (share: number) => {
      const text = expandedWords(query.words, [row(share)]);
      const { levels } = searchSql(query, 'dataset_search', text);
      const typo = levels!.findIndex((level) => level.taggedWords.includes('Awcohort'));
      return textPageSql(query, 'dataset_search', text, levels!, { index: typo - 1, level: levels![typo - 1]! }, []).text;
    };
    expect(pageAfterEmpty(0.9)).toContain('ORDER BY id ASC LIMIT');
    expect(pageAfterEmpty(0.01)).toContain(`ORDER BY (id || '') COLLATE "C" ASC LIMIT`);
  });

  it('reads the own facet of a single filter from the maintained counts, and the rest from the rows passing it', () => {
    const { text } = searchSql(model({ filter: { assays: ['WGS'] }, facets: ['assay', 'publisher'] }), 'dataset_search', []);
    expect(text).toMatch(/FROM dataset_search_counts\s+WHERE facet = \$\d+/);
    expect(text).toContain('WHERE failed IN (0)');
  });

  it('matches a list facet filter on the narrow table through the keys of the lists sharing a value with it', () => {
    const { text } = searchSql(model({ filter: { diseaseIds: ['MONDO:0004992'] }, facets: ['disease', 'assay'] }), 'dataset_search', []);
    expect(text).toMatch(/disease_ancestor_ids_key IN \(SELECT key FROM dataset_search_lists WHERE vals && \$\d+::text\[\]\)/);
    expect(text).toContain('GROUP BY GROUPING SETS ((failed, disease_ancestor_ids_key, assays_key))');
  });

  it('continues after the cursor in each sort order, missing sizes last', () => {
    const after = (sort: DatasetSearchRequest['sort'], key: string | number | null) =>
      searchSql(model({ sort, query: 'x', after: Buffer.from(JSON.stringify([sort, key, ID])).toString('base64url') }), 't', expandedWords(model({ query: 'x' }).words, [])).text;
    expect(after('RELEVANCE', '1.6250')).toMatch(/WHERE \(score < \$(\d+)::numeric OR \(score = \$\1::numeric AND id > \$\d+\)\) ORDER BY score DESC, id ASC/);
    expect(after('TITLE', 'a')).toMatch(/\(title_sort > \$(\d+)::text COLLATE "C" OR \(title_sort = \$\1::text COLLATE "C" AND id > \$\d+\)\) ORDER BY title_sort ASC, id ASC/);
    expect(after('MODIFIED_DESC', '2026-01-01T00:00:00.000Z')).toMatch(/\(modified < \$(\d+)::timestamptz OR .*\) ORDER BY modified DESC, id ASC/);
    expect(after('INDIVIDUALS_DESC', 10)).toMatch(/OR sort_individuals IS NULL\) ORDER BY sort_individuals DESC NULLS LAST, id ASC/);
    expect(after('INDIVIDUALS_DESC', null)).toMatch(/WHERE \(sort_individuals IS NULL AND id > \$\d+\) ORDER/);
  });

  it('reads a page by disclosed size in the rounded size index, then the sizes it does not disclose by id', () => {
    const { text } = searchSql(model({ sort: 'INDIVIDUALS_DESC', individuals: { kind: 'DISCLOSED', threshold: 5 } }), 't', []);
    expect(text).toMatch(/WITH disclosed AS \(SELECT .*individuals_rounded AS sort_individuals.*IS NOT NULL/s);
    expect(text).toMatch(/UNION ALL \(SELECT .*NULL::bigint AS sort_individuals.*IS NULL.*LIMIT \$(\d+) - \(SELECT count\(\*\) FROM disclosed\)\)/s);
    const exact = searchSql(model({ sort: 'INDIVIDUALS_DESC' }), 't', []).text;
    expect(exact).not.toContain('UNION ALL');
  });

  it('reads the answer back with a cursor per hit that the next search accepts', () => {
    const query = model({ query: 'x', facets: ['assay'] });
    const result = readSearchRow(query, {
      summary: { total: '2', individuals: null, facets: [[{ value: 'WGS', count: '2', individuals: '30' }]] },
      hits: [{ id: ID, key: '1.0000' }],
    });
    expect(result).toMatchObject({ totalCount: 2, individuals: 0, facets: [{ field: 'assay', buckets: [{ value: 'WGS', count: 2, individuals: 30 }] }] });
    expect(decodeCursor(result.hits[0]!.cursor, 'RELEVANCE', CURSOR_KEYS)).toEqual({ sort: 'RELEVANCE', key: '1.0000', id: ID });
  });
});
