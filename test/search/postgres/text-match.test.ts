import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSearchDocument, DatasetSearchRequest, DatasetSearchResult } from '../../../src/search/engine.js';
import { PostgresSearchEngine } from '../../../src/search/postgres/postgres-engine.js';
import { CURSOR_KEYS, expandedWords, readSearchRow, searchSql, snapshotSql, type SearchRow } from '../../../src/search/postgres/postgres-translate.js';
import { atLeastLevel, levelDecides, nextLevel, scoreBandLevel, tagMatchSql, textLevels, type TagMatch } from '../../../src/search/postgres/text-match.js';
import { toQueryModel } from '../../../src/search/query-model.js';
import { createTestDatabase } from '../../support/database.js';

/**
 * The text table (src/search/postgres/text-match.ts) against the projection it is derived from: the same hits,
 * cursors (scores), totals and cohort sums, page after page, for words matched in every field, by stem, with
 * typos, several words and stop words; and kept in step when documents change or go.
 */

const OWNER = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const TITLES = ['Leukaemia cohort', 'Epilepsy registry', 'Childhood leukemia samples', 'Genome sequencing study', 'Rare disease panel'];
const KEYWORDS = [['leukaemia'], ['epilepsy', 'seizures'], [], ['genomics'], ['sequencing', 'leukaemia']];
const LABELS = [['Acute myeloid leukemia'], ['Epilepsy'], [], ['Lymphoma/leukemia'], []];
const DESCRIPTIONS = ['Blood samples sequenced twice.', 'Patients with leukaemia and epilepsy.', 'No match here.', 'Whole genomes of children.'];

function doc(n: number): DatasetSearchDocument {
  const title = TITLES[n % TITLES.length]!;
  const description = DESCRIPTIONS[n % DESCRIPTIONS.length]!;
  const keywords = KEYWORDS[(n * 3) % KEYWORDS.length]!;
  const publisherName = n % 7 === 0 ? 'Leukaemia Research Centre' : 'Uppsala Biobank';
  return {
    id: id(n),
    identifier: `urn:test:${n}`,
    status: n % 9 === 0 ? 'DRAFT' : 'PUBLISHED',
    ownerOrganisationId: n % 2 === 0 ? OWNER : OTHER,
    title,
    description,
    keywords,
    publisherId: OWNER,
    publisherName,
    texts: [
      { language: 'en', title, description, keywords, publisherName },
      ...(n % 5 === 0 ? [{ language: 'sv', title: 'Barnens blodprover', description: 'Prover från barn med leukemi.', keywords: [], publisherName }] : []),
    ],
    diagnosticArea: null,
    assays: [],
    diseaseIds: [],
    diseaseAncestorIds: [],
    diseaseLabels: LABELS[(n * 2) % LABELS.length]!,
    phenotypeLabels: [],
    duoPermission: null,
    consentKey: n % 4 === 0 ? 'consent-a' : null,
    accessMode: null,
    accessBodyIds: [],
    holdingRegionIds: [],
    genomeBuild: null,
    individuals: n % 3 === 0 ? null : n * 10,
    individualsRounded: n % 3 === 0 ? null : n * 10,
    issued: null,
    modified: '2026-01-01T00:00:00.000Z',
  };
}

const DOCS = Array.from({ length: 80 }, (_, n) => doc(n + 1));

const QUERIES = [
  // Words together only below the titles: the rows with every word at one weight are read after empty levels.
  'blood twice',
  'acute myeloid',
  'whole children',
  'leukaemia',
  'leukamia',
  'epilepsie',
  'leukaemia epilepsy',
  'sequencing genome',
  'barn',
  'leukemi blodprover',
  'the leukaemia',
  'samples uppsala leukaemia',
  'nothingmatchesthis',
];

describe('PostgreSQL engine: the text table', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let engine: PostgresSearchEngine;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    engine = new PostgresSearchEngine({ pool });
    await engine.init();
    await engine.upsert(DOCS);
  });

  afterAll(async () => {
    await engine?.close();
    await database?.drop();
  });

  const request = (query: string, overrides: Partial<DatasetSearchRequest> = {}): DatasetSearchRequest => ({
    query,
    filter: {},
    visibility: { allStatusesForOwners: [] },
    sort: 'RELEVANCE',
    first: 7,
    facets: [],
    individuals: { kind: 'EXACT' },
    withTotals: true,
    ...overrides,
  });

  /** The search as the projection alone answers it: the words' lexemes left out, so the text table is not used. */
  async function fromProjection(search: DatasetSearchRequest): Promise<DatasetSearchResult> {
    const query = toQueryModel(search, CURSOR_KEYS);
    const client = await pool.connect();
    try {
      const results = (await client.query(snapshotSql('dataset_search', query.words, 0, (value) => client.escapeLiteral(value)))) as unknown as pg.QueryResult<{
        similar: string[];
      }>[];
      const words = expandedWords(query.words, query.words.length > 0 ? results.at(-1)!.rows.map(({ similar }) => ({ similar })) : []);
      const statement = searchSql(query, 'dataset_search', words);
      expect(statement.levels).toBeNull();
      const { rows } = await client.query<SearchRow>(statement.text, statement.values);
      return readSearchRow(query, rows[0]!);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  /** Every page of the search from both, compared page by page. */
  async function expectSameAsProjection(search: DatasetSearchRequest): Promise<number> {
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = { ...search, ...(after ? { after } : {}) };
      const [fast, reference] = [await engine.search(page), await fromProjection(page)];
      expect(fast, `${search.query} after ${after}`).toEqual(reference);
      pages += 1;
      if (fast.hits.length < search.first) return pages;
      after = fast.hits.at(-1)!.cursor;
    }
  }

  it('answers every page, total and cohort sum exactly as the projection does', async () => {
    for (const query of QUERIES) {
      await expectSameAsProjection(request(query));
      await expectSameAsProjection(request(query, { first: 1 }));
      await expectSameAsProjection(request(query, { visibility: { allStatusesForOwners: [OWNER] }, filter: { consentKeys: ['consent-a'] } }));
      await expectSameAsProjection(request(query, { visibility: { allStatusesForOwners: 'ALL' }, filter: { statuses: ['DRAFT'] }, individuals: { kind: 'DISCLOSED', threshold: 300 } }));
    }
    // The levels are walked down: a page that reaches past the title matches of 'leukaemia' takes several pages.
    expect(await expectSameAsProjection(request('leukaemia', { first: 3 }))).toBeGreaterThan(3);
  });

  it('looks up any of many tagged words one by one, and several words each at one of few tagged words as one query', () => {
    const bound: unknown[] = [];
    const add = (value: unknown) => `$${bound.push(value)}`;
    expect(tagMatchSql({ anyOf: ['Awleukaemia', "Dwo'neil", 'Awleukaemia'] }, add)).toBe('terms @@ ANY($1::tsquery[])');
    expect(tagMatchSql({ everyOf: [['Awwhole', 'Aewhole'], ['Awgenome']] }, add)).toBe('terms @@ $2::tsquery');
    expect(bound).toEqual([["'Awleukaemia'", "'Dwo''neil'"], "('Awwhole' | 'Aewhole') & ('Awgenome')"]);
  });

  it('reads the last level in place of one holding a word most rows have, and with one word the rows each level adds in id order', () => {
    const leukaemia = { lexemes: [['leukaemia'], ['leukaemi'], ['leukaemia']], similar: [] };
    const cohort = { lexemes: [['cohort'], ['cohort'], ['cohort']], similar: [] };
    const levels = textLevels([leukaemia, cohort], null, new Set());
    const read = textLevels([leukaemia, cohort], null, new Set(['Cwcohort']));
    // Several words: the rows with every word at its best tier (in the title) come first, sorted, not walked.
    expect(levels[0]).toMatchObject({ weight: 2, bound: 1.625, sameScore: true, mayWalkIds: true });
    expect(levels[0]!.match).toEqual({ everyOf: [expect.arrayContaining(['Awleukaemia']), expect.arrayContaining(['Awcohort'])] });
    const large = levels.findIndex((level) => !level.sameScore && level.taggedWords.includes('Cwcohort'));
    expect(large).toBeGreaterThan(0);
    expect(read).toEqual([...levels.slice(0, large), levels.at(-1)]);
    // After each level of any word at a weight, one of every word at the next weight, read only after an empty
    // one: its rows hold every word at that weight exactly (the rows of the level before left out).
    const [, titles, everyWord, keywords] = levels;
    expect(everyWord).toMatchObject({ weight: 2 * keywords!.weight, sameScore: true, afterEmptyOnly: true, addedTo: { anyOf: titles!.taggedWords }, mayWalkIds: false });
    expect(everyWord!.match).toEqual({ everyOf: [expect.arrayContaining(['Awleukaemia', 'Bwleukaemia']), expect.arrayContaining(['Awcohort', 'Bwcohort'])] });
    expect(everyWord!.bound).toBe(keywords!.weight + levels[5]!.weight);
    // A page that is not full is followed by the scores below it in bands (scoreBandLevel), where they can be named.
    expect(nextLevel(levels, { index: 1, level: titles! }, [{ key: '1' }], [leukaemia, cohort], 7)).toMatchObject({ index: 1, level: { bandStep: 1 } });
    // Four typo-tolerant words can score too many sums for bands: the levels in order.
    const typos = ['leukaemia', 'cohort', 'epilepsy', 'uppsala'].map((word) => ({ lexemes: [[word], [word], [word]], similar: [`${word}x`] }));
    const many = textLevels(typos, null, new Set());
    expect(many[2]!.afterEmptyOnly).toBe(true);
    expect(nextLevel(many, { index: 1, level: many[1]! }, [], typos, 7)).toEqual({ index: 2, level: many[2] });
    expect(nextLevel(many, { index: 1, level: many[1]! }, [{ key: '1' }], typos, 7)).toEqual({ index: 3, level: many[3] });
    // One word: its best level scores the same everywhere; so do the rows each next level adds, and no level is
    // read in place of another, however common its words.
    const one = textLevels([cohort], null, new Set());
    expect(one.map((level) => level.sameScore)).toEqual(one.map((_, index) => index === 0));
    expect(textLevels([cohort], null, new Set(['Cwcohort']))).toEqual(one);
    expect(nextLevel(one, { index: 0, level: one[0]! }, [{ key: '1' }], [cohort], 7).level).toMatchObject({ sameScore: true, addedTo: { anyOf: one[0]!.taggedWords }, weight: one[1]!.weight });
    expect(nextLevel(many, { index: 0, level: many[0]! }, [], typos, 7).level).toMatchObject({ sameScore: false, addedTo: null });
  });

  it('reads, before the last level, the rarest word; after a full page, the rarer words its last score leaves to beat', () => {
    // Typo-tolerant words: four of them have too many tiers to name every choice reaching most scores (atLeastLevel).
    const lexemes = (word: string, stem = word) => ({ lexemes: [[word], [stem], [stem]], similar: [`${word}x`] });
    const [cohort, leukaemia, epilepsy, uppsala] = [lexemes('cohort'), lexemes('leukaemia', 'leukaemi'), lexemes('epilepsy', 'epilepsi'), lexemes('uppsala', 'uppsal')];
    const words = [cohort, leukaemia, epilepsy, uppsala];
    const shares = [0.99, 0.3, 0.2, 0.1];
    const tagsOf = (...of: (typeof cohort)[]) => [...textLevels(of, null, new Set()).at(-1)!.taggedWords].sort();
    const levels = textLevels(words, null, new Set(['Cwcohort']), shares);
    const rarest = levels.at(-2)!;
    // Any tier of the rarest word the statistics know; a row without it scores at most the other three words' best.
    expect(rarest).toMatchObject({ bound: 3, sameScore: false, addedTo: null });
    expect([...rarest.taggedWords].sort()).toEqual(tagsOf(uppsala));
    // The rarer words: a row without any of them scores at most the more common words' best weights.
    const rarer = rarest.nextByLastScore!;
    expect(rarer.map((level) => level.bound)).toEqual([3, 2, 1]);
    expect(rarer.map((level) => [...level.taggedWords].sort())).toEqual([tagsOf(uppsala), tagsOf(epilepsy, uppsala), tagsOf(leukaemia, epilepsy, uppsala)]);
    const at = { index: levels.length - 2, level: rarest };
    const page = (last: string) => [{ key: '3' }, { key: '3' }, { key: last }];
    // A full page scoring 1.5, whose rows reaching it are too many combinations of four words' tiers to name
    // (atLeastLevel): rows without leukaemia, epilepsy or uppsala score at most 1 (cohort), so the rows with any
    // of them hold the page, read in the rarest word's place.
    expect(atLeastLevel(words, 1.5)).toBeNull();
    expect(nextLevel(levels, at, page('1.5'), words, 3)).toEqual({ index: at.index, level: rarer[2] });
    // A last score whose rows can be named: those rows. A page that is not full: the last level.
    expect(nextLevel(levels, at, page('1'), words, 3)).toMatchObject({ index: at.index, level: { fromLastScore: true, weight: 1 } });
    expect(nextLevel(levels, at, page('2.5'), words, 4)).toEqual({ index: levels.length - 1, level: levels.at(-1) });
    expect(nextLevel(levels, { index: at.index, level: rarer[2]! }, page('1.5'), words, 3).index).toBe(levels.length - 1);
    // Every scored level before the last chooses so too; the levels whose rows all score the same decide when full.
    const levelsBefore = levels.slice(0, -2);
    expect(levelsBefore.length).toBeGreaterThan(0);
    for (const level of levelsBefore) expect(level.nextByLastScore).toEqual(level.sameScore ? null : rarer);
    const noneCommon = textLevels(words, null, new Set(), shares);
    expect(noneCommon.filter((level) => !level.sameScore).slice(0, -1).every((level) => level.nextByLastScore === rarer || level.nextByLastScore?.length === 3)).toBe(true);
    expect(noneCommon.at(-1)!.nextByLastScore).toBeNull();
    expect(nextLevel(noneCommon, { index: 1, level: noneCommon[1]! }, page('1.5'), words, 3)).toMatchObject({ index: 1, level: { bound: 1 } });
    // Only a word the statistics know and that most rows do not hold is read first; two words are enough.
    const readsUppsalaAlone = (read: ReturnType<typeof textLevels>) => read.some((level) => [...level.taggedWords].sort().join() === tagsOf(uppsala).join());
    expect(readsUppsalaAlone(levels)).toBe(true);
    expect(readsUppsalaAlone(textLevels(words, null, new Set(['Cwcohort']), [0.99, 0, 0, 0]))).toBe(false);
    expect(readsUppsalaAlone(textLevels(words, null, new Set(['Cwcohort', 'Awuppsala']), [0.99, 0.3, 0.2, 0.6]))).toBe(false);
    expect(textLevels(words, null, new Set(['Cwcohort'])).some((level) => level.nextByLastScore)).toBe(false);
    const two = textLevels([cohort, leukaemia], null, new Set(['Cwcohort']), [0.99, 0.3]);
    expect(two.at(-2)).toMatchObject({ bound: 1, nextByLastScore: [expect.objectContaining({ bound: 1 })] });
  });

  it('after a full page of several words, reads the rows reaching its last score, named by the fewest tiers that sum to it', () => {
    // 'tumour' in every field (title 1, keywords 0.625, subjects 0.375, description 0.25), 'samples' only in descriptions.
    const tumour = { lexemes: [['tumour'], ['tumour'], ['tumour']], similar: [] };
    const samples = { lexemes: [['samples'], ['sampl'], ['sampl']], similar: [], heldTags: new Set(['Dwsamples', 'Desampl']) };
    const tiers = (word: typeof tumour, least: number) => textLevels([word], null, new Set()).filter((level) => level.weight >= least).at(-1)!.taggedWords;
    const level = atLeastLevel([tumour, samples], 0.5)!;
    // 0.5: 'tumour' at 0.625 or better alone, or at any tier with 'samples'; 'tumour' at 1 alone is not one of the fewest.
    expect(level).toMatchObject({ weight: 0.5, sameScore: false, addedTo: null, fromLastScore: true, nextByLastScore: null });
    expect(level.bound).toBeLessThan(0.5);
    expect(level.bound).toBeGreaterThan(0.4999);
    expect(level.match).toEqual({ anyCombination: [[tiers(tumour, 0.625)], [tiers(tumour, 0.25), ['Dwsamples', 'Desampl']]] });
    expect(atLeastLevel([tumour, samples], 1.25)!.match).toEqual({ anyCombination: [[tiers(tumour, 1), ['Dwsamples', 'Desampl']]] });
    expect(atLeastLevel([tumour, samples], 1.5)).toBeNull();
    // Read after a full page in place of the next level, once: its own full page decides.
    const levels = textLevels([tumour, samples], null, new Set());
    const page = [{ key: '1' }, { key: '0.5' }];
    expect(nextLevel(levels, { index: 1, level: levels[1]! }, page, [tumour, samples], 2)).toEqual({ index: 1, level });
    expect(nextLevel(levels, { index: 1, level: levels[1]! }, page, [tumour, samples], 3).level.fromLastScore).toBe(false);
    expect(nextLevel(levels, { index: 1, level }, page, [tumour, samples], 2).index).toBe(2);
    expect(nextLevel(levels, { index: 0, level: levels[0]! }, [{ key: '1' }], [tumour], 1).level.fromLastScore).toBe(false);
    // Each combination one query of the index, a single word's tagged words each one.
    const bound: unknown[] = [];
    expect(tagMatchSql({ anyCombination: [[['Awa', 'Bwa']], [['Dwa'], ['Dwb', 'Deb']]] }, (value) => `$${bound.push(value)}`)).toBe('terms @@ ANY($1::tsquery[])');
    expect(bound).toEqual([["'Awa'", "'Bwa'", "('Dwa') & ('Dwb' | 'Deb')"]]);
  });

  it('after a page that is not full, reads the scores below it in bands, a score many rows tie at alone and in id order', () => {
    const tumour = { lexemes: [['tumour'], ['tumour'], ['tumour']], similar: [] };
    const samples = { lexemes: [['samples'], ['sampl'], ['sampl']], similar: [], heldTags: new Set(['Dwsamples', 'Desampl']) };
    const words = [tumour, samples];
    const tiers = (least: number) => textLevels([tumour], null, new Set()).filter((level) => level.weight >= least).at(-1)!.taggedWords;
    const sampled = ['Dwsamples', 'Desampl'];
    // Scores a row can have: 1.25, 1, 0.875, 0.625, 0.5, 0.375, 0.25. The first band is one score, after the
    // rows reaching the one above it.
    const first = scoreBandLevel(words, 1, 1, () => 0)!;
    expect(first).toMatchObject({ weight: 1, sameScore: true, mayWalkIds: true, bandStep: 1 });
    expect(first.match).toEqual({ anyCombination: [[tiers(1)]] });
    expect(first.addedTo).toEqual({ anyCombination: [[tiers(1), sampled]] });
    expect(first.bound).toBeCloseTo(1, 5);
    expect(first.bound).toBeLessThan(1);
    // The next twice as many, scored and sorted, down to its lowest.
    const second = scoreBandLevel(words, first.bound, 2, () => 0)!;
    expect(second).toMatchObject({ weight: 0.875, sameScore: false, mayWalkIds: false, bandStep: 2, addedTo: first.match });
    expect(second.match).toEqual({ anyCombination: [[tiers(0.625)], [tiers(0.375), sampled]] });
    expect(second.bound).toBeCloseTo(0.625, 5);
    // A score most rows tie at (the statistics: 'tumour' in subjects with 'samples') ends the band before it and
    // is read alone, in id order.
    const shareOf = (match: TagMatch) => ('anyCombination' in match && match.anyCombination.some((lists) => lists.length > 1 && lists[0]!.includes('Cwtumour')) ? 0.5 : 0);
    const beforeTied = scoreBandLevel(words, first.bound, 2, shareOf)!;
    expect(beforeTied).toMatchObject({ weight: 0.875, sameScore: true, mayWalkIds: true });
    expect(scoreBandLevel(words, beforeTied.bound, 3, shareOf)).toMatchObject({ weight: 0.625, sameScore: true, mayWalkIds: true, addedTo: beforeTied.match });
    // The lowest score leaves nothing after it: its page is the page, full or not.
    const lowest = scoreBandLevel(words, 0.3, 1, () => 0)!;
    expect(lowest.weight).toBe(0.25);
    expect(levelDecides(lowest, 7, [{ key: '0.25' }], false)).toBe(true);
    expect(levelDecides(second, 7, [{ key: '0.625' }], false)).toBe(false);
    expect(scoreBandLevel(words, 0.2, 1, () => 0)).toBeNull();
    // Read in a level's place after a page that is not full, band after band, up to eight.
    const levels = textLevels(words, null, new Set());
    const at = nextLevel(levels, { index: 1, level: levels[1]! }, [{ key: '1.25' }], words, 7, shareOf);
    expect(at).toMatchObject({ index: 1, level: { bandStep: 1 } });
    expect(nextLevel(levels, at, [{ key: '1.25' }], words, 7, shareOf).level.bandStep).toBe(2);
    expect(scoreBandLevel(words, 1, 9, () => 0)).toBeNull();
  });

  it('walks the id index for the rows holding every word only when the statistics say many rows hold them all', () => {
    const query = toQueryModel(request('body disorder'), CURSOR_KEYS);
    const word = (term: string, share: number) => ({
      word: query.words.find((queryWord) => queryWord.word === term)!,
      similar: [],
      lexemes: [[term], [term], [term]],
      share,
      // Only in subjects, of many rows or few.
      commonTags: share > 0 ? [{ tag: `Cw${term}`, share }] : [],
      commonWords: [],
      heldTags: new Set([`Cw${term}`]),
    });
    const firstPage = (share: number) => searchSql(query, 'dataset_search', [word('body', share), word('disorder', share)]).text;
    // Each in the subjects of 75 % of the rows: the rows with both, estimated at 0.75 x 0.75 of the rows, are
    // walked; with 15 % each, 2 %: sorted.
    expect(firstPage(0.75)).toContain('ORDER BY id ASC');
    expect(firstPage(0.15)).not.toContain('ORDER BY id ASC');
  });

  it('answers the same once the statistics tell the common words (levels read by them)', async () => {
    // A level holding a word most rows have is read as the last; a level below empty ones is walked in id order.
    await pool.query('ANALYZE dataset_search_text');
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'dataset_search_text' AND attname = 'terms' AND most_common_elems IS NOT NULL`);
    expect(rows[0].n).toBe(1);
    for (const query of [...QUERIES, 'leukaemia samples blood sequenced uppsala', 'uppsla', 'leukaemia cohort', 'genome sequencing', 'uppsala epilepsy registry', 'biobank leukaemia cohort', 'uppsala biobank childhood samples leukemia', 'uppsala registry']) {
      await expectSameAsProjection(request(query));
      await expectSameAsProjection(request(query, { first: 3 }));
    }
  });

  it('asks the text table which tagged words some row holds, and names only those in the search', async () => {
    const sent: { text: string; values: unknown[] }[] = [];
    const watched = new pg.Pool({ connectionString: database.url, max: 1 });
    watched.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
        if (typeof args[0] === 'string' && Array.isArray(args[1])) sent.push({ text: args[0], values: args[1] });
        return query(...args);
      };
    });
    const watchedEngine = new PostgresSearchEngine({ pool: watched });
    try {
      const search = request('leukaemia epilepsy uppsala', { first: 3 });
      expect(await watchedEngine.search(search)).toEqual(await fromProjection(search));
      const lookup = sent.findIndex((statement) => statement.text.includes('AS held'));
      expect(lookup).toBe(0);
      const asked = new Set(sent[0]!.values[0] as string[]);
      const named = new Set(
        sent
          .slice(1)
          .flatMap((statement) => statement.values.flatMap((value) => (Array.isArray(value) ? value : [value])))
          .flatMap((value) => (typeof value === 'string' ? [...value.matchAll(/'([A-D][a-z][^']*)'/g)].map((match) => match[1]!) : [])),
      );
      expect(named.size).toBeGreaterThan(0);
      expect(named.size).toBeLessThan(asked.size);
      for (const tag of named) {
        expect(asked.has(tag), tag).toBe(true);
        const { rows } = await pool.query(`SELECT EXISTS (SELECT FROM dataset_search_text WHERE terms @@ $1::tsquery) AS held`, [`'${tag}'`]);
        expect(rows[0].held, tag).toBe(true);
      }
    } finally {
      await watchedEngine.close();
    }
  });

  it('finds typos in words that documents gain, and no longer finds what changed or went', async () => {
    const search = async (query: string) => (await engine.search(request(query, { first: 100 }))).hits.map((hit) => hit.id);
    const changed = { ...doc(200), title: 'Narcolepsy follow-up', texts: [] };
    await engine.upsert([{ ...doc(200), title: 'Myelodysplasia registry', texts: [] }]);
    expect(await search('myelodysplasie')).toEqual([id(200)]);
    await engine.upsert([changed]);
    expect(await search('myelodysplasie')).toEqual([]);
    expect(await search('narcolepsie')).toEqual([id(200)]);
    await engine.remove([id(200)]);
    expect(await search('narcolepsie')).toEqual([]);
    await expectSameAsProjection(request('narcolepsy'));
  });
});
