import { weightTiers, type TextField } from '../query-model.js';
import { TEXT_VECTORS as VECTORS, TEXT_WEIGHT_CLASS } from './postgres-schema.js';

/**
 * Text search through a narrow table of tagged words (`<table>_text`), so that a word found in a third of
 * the catalogue costs an index lookup and a visit of small rows instead of re-checking and scoring wide ones.
 *
 * Every row of the projection has a row here: its visibility and filter columns, its cohort sizes, and `terms`:
 * each word of search_vector and of each language's stemmed vector, once, tagged with the best weight class it
 * is written in and its vector ('Aw' + 'leukaemia': in a title, matched word for word; 'Be' + 'leukaemia': at
 * best in keywords, by English stem). A word's relevance tier (see TEXT_FIELDS) is then a plain word lookup in
 * the GIN index, which answers it exactly (no weights to re-check in the row):
 * - totals count the index's matches over rows of a few hundred bytes;
 * - the relevance page is found level by level (TextLevel): the rows where some word scores at least a level are
 *   scored exactly, and when the page they give scores above what any row below the level could reach, no
 *   other row can come before it; otherwise the next level down is tried, the last holding every match.
 * Scores and cursors are the same as the projection's (postgres-translate.ts): same weights, same sums.
 */


/** A query word's lexemes as each vector holds them (from the snapshot), and its similar vocabulary words. */
export interface WordLexemes {
  /** Per VECTORS entry: what to_tsvector makes of the word in that vector's configuration (0 or 1 lexeme). */
  lexemes: string[][];
  similar: string[];
  /** When known: the tagged words some text row holds (the others can match nothing, so its tiers leave them out). */
  heldTags?: ReadonlySet<string>;
}

/** The snapshot's select list giving each word's lexemes per vector (the word as `t.term`, like expandWordsSql). */
export const WORD_LEXEMES_SQL = VECTORS.map(
  ({ config, folded, tag }) => `ARRAY(SELECT lexeme FROM unnest(to_tsvector('${config}', ${folded ? 'gdcat_unaccent(t.term)' : 't.term'}))) AS lexemes_${tag}`,
).join(', ');

/** The lexeme arrays of a snapshot row, in VECTORS order (null if the row has none). */
export function lexemesOf(row: Record<string, unknown>): string[][] | null {
  const lexemes = VECTORS.map(({ tag }) => row[`lexemes_${tag}`]);
  return lexemes.every(Array.isArray) ? (lexemes as string[][]) : null;
}

/**
 * The narrow table answers when every word is one lexeme (or none: a stop word) in each vector, as almost every
 * word is, and some word is a lexeme somewhere; a word the parser splits (a phrase in the projection's query) is
 * left to the projection.
 */
export function textTableMatches(words: { lexemes: string[][] | null; similar: string[] }[]): words is WordLexemes[] {
  return words.every((word) => word.lexemes !== null && word.lexemes.every((lexemes) => lexemes.length <= 1)) && textMatchTags(words as WordLexemes[]).length > 0;
}

// ---------------------------------------------------------------------------------------------------------
// Queries

/** One scoring tier of a word: the tagged words that score `weight` (the best tier found wins). */
interface Tier {
  weight: number;
  tags: string[];
}

const classesOf = (fields: TextField[]): string[] => [...new Set(fields.map((field) => TEXT_WEIGHT_CLASS[field]))];
const EXACT_TIERS = weightTiers((field) => field.weight).map(({ weight, fields }) => ({ weight, classes: classesOf(fields) }));
const TYPO_TIERS = weightTiers((field) => field.typoWeight).map(({ weight, fields }) => ({ weight, classes: classesOf(fields) }));

/** A word's tiers, best first: exactly (word for word or by a language's stem), then with a typo in title or subject. */
function tiersOf(word: WordLexemes): Tier[] {
  return allTiersOf(word)
    .map(({ weight, tags }) => ({ weight, tags: word.heldTags ? tags.filter((tag) => word.heldTags!.has(tag)) : tags }))
    .filter((tier) => tier.tags.length > 0);
}

/** A word's tiers whatever the rows hold. */
function allTiersOf(word: WordLexemes): Tier[] {
  const exact = EXACT_TIERS.map(({ weight, classes }) => ({
    weight,
    tags: classes.flatMap((weightClass) => VECTORS.flatMap(({ tag }, index) => word.lexemes[index]!.map((lexeme) => weightClass + tag + lexeme))),
  }));
  const typo = TYPO_TIERS.map(({ weight, classes }) => ({
    weight,
    tags: classes.flatMap((weightClass) => word.similar.map((similar) => weightClass + VECTORS[0]!.tag + similar)),
  }));
  return [...exact, ...typo].filter((tier) => tier.tags.length > 0).sort((a, b) => b.weight - a.weight);
}

/**
 * Every tagged word of the words, whatever the rows hold: those a search asks the text table about (heldTagsSql)
 * before the tiers keep only the held ones.
 */
export function possibleTags(words: WordLexemes[]): string[] {
  return [...new Set(words.flatMap(allTiersOf).flatMap((tier) => tier.tags))];
}

/** A tagged word without its weight class: the vector's tag and the lexeme ('Aw' + 'cohort' -> 'wcohort'), as common words are named. */
export function untaggedWord(tag: string): string {
  return tag.slice(1);
}

/** A tsquery literal matching any of the tagged words. */
export function anyOf(tags: readonly string[]): string {
  return [...new Set(tags)].map((tag) => `'${tag.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(' | ');
}

/**
 * Which rows of the text table a condition on their tagged words holds: any of `anyOf`, at least one of each
 * list of `everyOf`, or that for some combination of `anyCombination`.
 */
export type TagMatch =
  | { anyOf: readonly string[] }
  | { everyOf: readonly (readonly string[])[] }
  | { anyCombination: readonly (readonly (readonly string[])[])[] };

/**
 * A tag match as a condition on `terms`. Any of many tagged words is an array of one-word queries: a bitmap
 * index scan looks each up on its own and ORs them into one bitmap. As one tsquery, the text index merged all
 * their posting lists at once and tested the whole query on every row found: the 60 tagged words of
 * "whole-genome leukaemia" (40k of 100k rows) took 43 ms that way, 9 ms one by one (BENCHMARKS.md). Every one
 * of few lists stays one tsquery: the index intersects them as it reads (2 ms for the 296 rows of 40k).
 */
export function tagMatchSql(match: TagMatch, add: (value: unknown) => string): string {
  if ('anyOf' in match) return `terms @@ ANY(${add([...new Set(match.anyOf)].map((tag) => anyOf([tag])))}::tsquery[])`;
  if ('everyOf' in match) return `terms @@ ${add(everyOfQuery(match.everyOf))}::tsquery`;
  // Each combination a query of its own, and one of a single list each of its words: the index ORs their bitmaps.
  const queries = match.anyCombination.flatMap((lists) => (lists.length === 1 ? lists[0]!.map((tag) => anyOf([tag])) : [everyOfQuery(lists)]));
  return `terms @@ ANY(${add([...new Set(queries)])}::tsquery[])`;
}

const everyOfQuery = (lists: readonly (readonly string[])[]) => lists.map((tags) => `(${anyOf(tags)})`).join(' & ');

/**
 * The levels a relevance page is looked for in, best first: `match` finds the rows where some word scores at
 * least `weight`; any other row scores at most `bound` (every word at most the next level down).
 */
export interface TextLevel {
  weight: number;
  match: TagMatch;
  /** The tagged words `match` names. */
  taggedWords: readonly string[];
  bound: number;
  /**
   * Every row the level reads scores its weight (every word at its best tier; one word at its best level, or in
   * the rows a level adds: see nextLevel): its page is in id order, as the index gives it, and its rows are not
   * scored.
   */
  sameScore: boolean;
  /** Whether its page may be read by walking the id index (postgres-translate.ts walksIds decides). */
  mayWalkIds: boolean;
  /**
   * Read for the rows it adds to the hits before it (nextLevel, scoreBandLevel): the rows this match holds are
   * left out, the rest follow the hits scoring above the level's weight; null when read whole.
   */
  addedTo: TagMatch | null;
  /** Read only after the level before it held no row (everyWordAtLevel); skipped otherwise. */
  afterEmptyOnly: boolean;
  /**
   * When its page is full, the level read next: the first of these whose bound is below the page's last score
   * (rarerWordLevels); none, or null: the next level in order.
   */
  nextByLastScore: readonly TextLevel[] | null;
  /** The rows reaching a full page's last score (atLeastLevel): its page decides, and no such level follows it. */
  fromLastScore: boolean;
  /** A band of scores read after a page that was not full (scoreBandLevel): the how-manieth; 0 for other levels. */
  bandStep: number;
}

/** What a level is unless it says otherwise: read whole, scored, sorted, in its place. */
const LEVEL = { sameScore: false, mayWalkIds: false, addedTo: null, afterEmptyOnly: false, nextByLastScore: null, fromLastScore: false, bandStep: 0 } as const;

/**
 * The levels of a relevance page after a row scoring `after` (null: the first page). A level whose weight is
 * above that score holds only rows scoring above it, all before the cursor: the page starts at the first level
 * it can come from (the last one at least). With several words, a level holding a tagged word of `mostRows` (held
 * by most rows) is about as large as the last, so the last is read in its place: scoring it decides the page,
 * where the level seldom does and the levels after it scored most rows again (nine words at 100k: every row
 * scored twice, 1.1 s); before it, the rarest word's level (rarestWordLevel). A scored level whose full page
 * does not decide is followed by a level of the rarer words when one can decide (rarerWordLevels, by each word's
 * `shares` of the rows). One word reads each level for the rows it adds, however many (nextLevel).
 */
export function textLevels(words: WordLexemes[], after: number | null, mostRows: ReadonlySet<string>, shares: readonly number[] = []): TextLevel[] {
  const tiers = words.map(tiersOf);
  const weights = [...new Set(tiers.flat().map((tier) => tier.weight))].sort((a, b) => b - a);
  const levels: TextLevel[] = weights.flatMap((weight, index) => {
    const taggedWords = [...new Set(tiers.flat().filter((tier) => tier.weight >= weight).flatMap((tier) => tier.tags))];
    const bound = words.length * (weights[index + 1] ?? 0);
    const level = { ...LEVEL, weight, match: { anyOf: taggedWords }, taggedWords, bound, sameScore: words.length === 1 && index === 0, mayWalkIds: true };
    const everyWord = index + 1 < weights.length ? everyWordAtLevel(tiers, weights, index + 1, taggedWords) : null;
    return everyWord ? [level, everyWord] : [level];
  });
  const everyWordBest = everyWordBestLevel(tiers);
  if (everyWordBest) levels.unshift(everyWordBest);
  const first = after === null ? 0 : levels.findIndex((level) => level.weight <= after);
  const read = levels.slice(first === -1 ? levels.length - 1 : first);
  const large = words.length === 1 ? -1 : read.findIndex((level) => !level.sameScore && level.taggedWords.some((tag) => mostRows.has(tag)));
  const scored = scoredWords(tiers, shares);
  const rarer = rarerWordLevels(scored);
  const choosing = (level: TextLevel): TextLevel => (level.sameScore || rarer.length === 0 ? level : { ...level, nextByLastScore: rarer });
  if (large === -1) return [...read.slice(0, -1).map(choosing), read.at(-1)!];
  return [...read.slice(0, large).map(choosing), ...rarestWordLevel(scored, mostRows, rarer), read.at(-1)!];
}

/**
 * Several words: the levels of the rarer words, chosen by the last score of a full page that did not decide (see
 * nextLevel). A row scores at most each of its words' best weight, so a row holding none of some words scores at
 * most the sum of the others' best weights. The more common words (by `shares`, each word's share of the rows
 * from the statistics) whose best weights sum below that last score, the fewer rarer words a row must hold to
 * reach it, and every row that does holds one of them: their level holds every row scoring as much as the page's
 * last, a page of them at least, so its page is the page. Largest bound (fewest rarer words) first; none when
 * the statistics know none of the words.
 */
function rarerWordLevels(words: readonly ScoredWord[]): TextLevel[] {
  const byShare = [...words].sort((a, b) => b.share - a.share);
  if (byShare.length < 2 || byShare[0]!.share === 0) return [];
  return byShare
    .slice(0, -1)
    .map((_, common) => rareLevel(byShare.slice(common + 1), sumOfBest(byShare.slice(0, common + 1))))
    .reverse();
}

/**
 * Several words, some of them held by most rows, read before the last level: any tier of the rarest word that
 * the statistics know and that most rows do not hold, whose full page then chooses one of `rarer`. A row without
 * it scores at most the other words' best weights. Nine words at 100k ("paediatric whole-genome cohort sequenced
 * in Uppsala about epilepsy", four of them in every row): the 11k rows of "whole", then the 40k rows of its four
 * rarer words scored, where all 100k were (BENCHMARKS.md).
 */
function rarestWordLevel(words: readonly ScoredWord[], mostRows: ReadonlySet<string>, rarer: readonly TextLevel[]): TextLevel[] {
  const known = words.filter(({ tiers, share }) => share > 0 && !tiers.some((tier) => tier.tags.some((tag) => mostRows.has(tag))));
  if (words.length < 2 || known.length === 0) return [];
  const rarest = known.reduce((rare, word) => (word.share < rare.share ? word : rare));
  return [{ ...rareLevel([rarest], sumOfBest(words.filter((word) => word !== rarest))), nextByLastScore: rarer }];
}

/** A word that scores: its tiers, its share of the rows (0 when the statistics do not say), its best weight. */
interface ScoredWord {
  tiers: Tier[];
  share: number;
  best: number;
}

const scoredWords = (tiers: Tier[][], shares: readonly number[]): ScoredWord[] =>
  tiers.flatMap((word, index) => (word.length > 0 ? [{ tiers: word, share: shares[index] ?? 0, best: word[0]!.weight }] : []));

const sumOfBest = (words: readonly ScoredWord[]) => words.reduce((total, word) => total + word.best, 0);

/** The rows holding any tier of `words`; any other row scores at most `bound`. */
function rareLevel(words: readonly ScoredWord[], bound: number): TextLevel {
  const taggedWords = [...new Set(words.flatMap((word) => word.tiers.flatMap((tier) => tier.tags)))];
  return { ...LEVEL, weight: Math.min(...words.map((word) => word.tiers.at(-1)!.weight)), match: { anyOf: taggedWords }, taggedWords, bound };
}

/**
 * With several words, the rows holding each word at its best tier (every word in the title, as when a title is
 * searched for): all score the most a row can, and any other row at least one word's step to its next tier less,
 * so when they fill a page it is theirs, in id order. "whole-genome leukaemia" at 100k: 296 such rows, read in
 * 2 ms, where the best level's 14.8k rows (any word in a title) were scored and sorted in 27-37 ms. Its rows are
 * found by walking the id index only when the statistics say many rows hold every word (postgres-translate.ts
 * walksIds): words seldom all in one title left the walk reading most rows, and "body disorder" (both in the
 * subjects of 75k rows at 100k) had all 75k sorted.
 */
function everyWordBestLevel(tiers: Tier[][]): TextLevel | null {
  const scored = tiers.filter((word) => word.length > 0);
  if (scored.length < 2) return null;
  const best = scored.map((word) => word[0]!);
  const weight = best.reduce((sum, tier) => sum + tier.weight, 0);
  const step = Math.min(...scored.map(([first, second]) => first!.weight - (second?.weight ?? 0)));
  return {
    ...LEVEL,
    weight,
    match: { everyOf: best.map((tier) => tier.tags) },
    taggedWords: [...new Set(best.flatMap((tier) => tier.tags))],
    bound: weight - step,
    sameScore: true,
    mayWalkIds: true,
  };
}

/**
 * With several words, after the level of the weight before `weights[index]` held no row: the rows holding every
 * word at a tier of at least this weight, less the rows of that level (`above`, its tagged words), hold every word
 * at this weight exactly, so all score the most any row left can; any other row has a word at the next weight or
 * below. When they fill a page it is theirs, in id order. Words together only in subjects ("nervous system" at
 * 100k, no title holding either): the level of subjects holds a word most rows have and was read as the last,
 * its 75k rows scored and sorted (200 ms), where the 25k rows with both words are read sorted by id.
 */
function everyWordAtLevel(tiers: Tier[][], weights: number[], index: number, above: readonly string[]): TextLevel | null {
  const scored = tiers.filter((word) => word.length > 0);
  const weight = weights[index]!;
  const tags = scored.map((word) => [...new Set(word.filter((tier) => tier.weight >= weight).flatMap((tier) => tier.tags))]);
  if (scored.length < 2 || tags.some((word) => word.length === 0)) return null;
  return {
    ...LEVEL,
    weight: scored.length * weight,
    match: { everyOf: tags },
    taggedWords: [...new Set(tags.flat())],
    bound: (scored.length - 1) * weight + (weights[index + 1] ?? 0),
    sameScore: true,
    addedTo: { anyOf: above },
    afterEmptyOnly: true,
  };
}

/**
 * The level read after `levels[index]`, whose hits were not the page. With one word a row scores its best tier's
 * weight, so the rows a level adds to the one before it all score its weight, below every row of that one; and
 * since that level's page was not full (levelDecides: its rows all score above its bound), its hits were all its
 * rows (under the search's filters and cursor). So the next level reads only the rows it adds, in id order, and
 * they follow those hits. Scored and sorted whole, a typo of a word most datasets have ("cohrt", no row word for
 * word) took 80 ms of 160 at 100k to return the first ids, and "region" (in 86 % of subjects, nine titles) 250 ms.
 * With several words, in the level's place (same index): after a full page the rows reaching its last score
 * (atLeastLevel), after a page that was not full a band of the scores below (scoreBandLevel); where those cannot
 * be named, a level read only after an empty one (everyWordAtLevel) is skipped after one that held rows, and after a
 * full page a level may name the level read next by its last score (rarerWordLevels). `at` is the level read last
 * and its index, `first` the page size, `shareOf` the share of rows a match holds as the statistics suggest;
 * returns the level to read and its index.
 */
export function nextLevel(
  levels: TextLevel[],
  at: LevelAt,
  hits: readonly { key: unknown }[],
  words: WordLexemes[],
  first: number,
  shareOf: (match: TagMatch) => number = () => 0,
): LevelAt {
  const full = hits.length === first && first > 0;
  const atLeast = full && words.length > 1 && !at.level.fromLastScore ? atLeastLevel(words, Number(hits.at(-1)!.key)) : null;
  if (atLeast) return { index: at.index, level: atLeast };
  const band = !full && words.length > 1 && first > 0 ? scoreBandLevel(words, at.level.bound, at.level.bandStep + 1, shareOf) : null;
  if (band) return { index: at.index, level: band };
  const chosen = full ? at.level.nextByLastScore?.find((level) => level.bound < Number(hits.at(-1)!.key)) : undefined;
  if (chosen) return { index: at.index, level: chosen };
  const next = at.index + (hits.length > 0 && levels[at.index + 1]!.afterEmptyOnly ? 2 : 1);
  const level = levels[next]!;
  return { index: next, level: words.length === 1 ? { ...level, sameScore: true, addedTo: { anyOf: at.level.taggedWords } } : level };
}

/**
 * Several words, after a full page whose last score `score` did not decide: the rows scoring at least that score,
 * which hold the page (the page's rows are among them, and every other row scores below all of them).
 * "tumour samples" at 100k: the 21st row of the 7.5k with a typo of "tumour" in their title scored 0.5, and the
 * rows reaching it are those 7.5k and one more, where 53k rows with "tumour" at any tier were scored after them
 * (BENCHMARKS.md). Null when the choices naming them are too many (see reachingScore): the levels in order then.
 */
export function atLeastLevel(scoredWords: readonly WordLexemes[], score: number): TextLevel | null {
  const reaching = reachingScore(scoredTiers(scoredWords), score);
  if (!reaching) return null;
  return { ...LEVEL, weight: score, match: reaching, taggedWords: taggedWordsOf(reaching), bound: score - SCORE_TOLERANCE, fromLastScore: true };
}

/**
 * Several words, after a page that was not full: the rows scoring in a band of the scores a row can have at or
 * below `atMost`, appended to the hits scoring above it. The page before holds every row scoring above `atMost`
 * (a level's page that is not full is all its rows, and every row outside it scores at most its bound; a band's
 * page that is not full is every row down to its lowest score), so the band's rows follow them. When they do not
 * fill the page, the scores below are read the same way. A band's rows are scored and sorted; a score that many
 * rows tie at (by the statistics, `shareOf`, WALKED_LEVEL_SHARE) is a band of its own, whose rows are read in id
 * order as they tie, and bands after one that did not fill the page take twice as many scores (`step` counts
 * them, up to MAX_BAND_STEPS). "sequencing region" at 100k: nine titles hold "region", and then 77k rows score
 * 0.625 ("region" in subjects, "sequencing" in descriptions), whose first twelve by id were read in a walk of the
 * id index, where every matching row was scored and sorted (BENCHMARKS.md). Null when no score is left or the
 * choices naming the rows are too many (see reachingScore).
 */
export function scoreBandLevel(scoredWords: readonly WordLexemes[], atMost: number, step: number, shareOf: (match: TagMatch) => number): TextLevel | null {
  const words = scoredTiers(scoredWords);
  const scores = reachableScores(words);
  if (!scores || step > MAX_BAND_STEPS) return null;
  // A band's bound is its lowest score less the tolerance: half of it keeps that score out.
  const below = scores.filter((score) => score <= atMost + SCORE_TOLERANCE / 2);
  const above = scores.filter((score) => score > atMost + SCORE_TOLERANCE / 2).at(-1);
  if (below.length === 0) return null;
  const beyond = above === undefined ? null : reachingScore(words, above);
  if (above !== undefined && !beyond) return null;
  const reaching: { anyCombination: string[][][] }[] = [];
  for (const score of below.slice(0, Math.min(2 ** (step - 1), MAX_BAND_SCORES))) {
    const match = reachingScore(words, score);
    if (!match) break;
    // The share of rows scoring exactly this score: those reaching it less those reaching the one above.
    const reachingAbove = reaching.at(-1) ?? beyond;
    const tied = shareOf(match) - (reachingAbove ? shareOf(reachingAbove) : 0) >= WALKED_LEVEL_SHARE;
    if (tied && reaching.length > 0) break;
    reaching.push(match);
    if (tied) break;
  }
  const count = reaching.length;
  const match = reaching.at(-1);
  if (!match) return null;
  const band = below.slice(0, count);
  return {
    ...LEVEL,
    weight: band[0]!,
    match,
    taggedWords: taggedWordsOf(match),
    // The lowest score a row can have leaves nothing to read after (a bound below 0).
    bound: band.at(-1) === scores.at(-1) ? -1 : band.at(-1)! - SCORE_TOLERANCE,
    sameScore: band.length === 1,
    mayWalkIds: band.length === 1,
    addedTo: beyond,
    bandStep: step,
  };
}

/** At most this many bands of scores are read (scoreBandLevel) before the levels in order. */
const MAX_BAND_STEPS = 8;
/** At most this many scores make a band. */
const MAX_BAND_SCORES = 64;
/** The share of rows from which a level's rows are read by walking the id index (20 hits: 400 rows). */
export const WALKED_LEVEL_SHARE = 0.05;
/** At most this many combinations of word tiers name the rows reaching a score (reachingScore). */
export const MAX_SCORE_COMBINATIONS = 64;
/** How many partial combinations reachingScore looks at before giving up (many words, a low score). */
const COMBINATION_BUDGET = 4096;
/**
 * Words whose tiers sum to more scores than this are not read in bands (reachableScores): their bands' choices of
 * tiers soon grow too many to name ("hereditary breast and ovarian cancer" at 100k: 67 scores, five bands read in
 * 21 ms before that, then the levels in order), where up to 35 scores ("cancer genomics stockholm") the bands end it.
 */
const MAX_REACHABLE_SCORES = 48;
/** Weights are sums of binary fractions (exact); scores are rounded to 4 places in SQL, so differ by 0.0001 at least. */
export const SCORE_TOLERANCE = 1e-6;

/** The tiers of the words that have any (a word no row holds scores nothing). */
const scoredTiers = (words: readonly WordLexemes[]) => words.map(tiersOf).filter((word) => word.length > 0);

const taggedWordsOf = (match: { anyCombination: readonly (readonly (readonly string[])[])[] }) => [...new Set(match.anyCombination.flat(2))];

/** The scores a row can have (a tier's weight or none per word, summed), highest first, above 0; null if too many. */
function reachableScores(words: readonly Tier[][]): number[] | null {
  let sums = new Set([0]);
  for (const word of words) {
    const next = new Set<number>();
    for (const sum of sums) for (const weight of [0, ...word.map((tier) => tier.weight)]) next.add(Math.round((sum + weight) * 1e4) / 1e4);
    if (next.size > MAX_REACHABLE_SCORES) return null;
    sums = next;
  }
  return [...sums].filter((sum) => sum > 0).sort((a, b) => b - a);
}

/**
 * The rows of the text table scoring at least `score`. A row's word scores its best tier's weight, so a row
 * reaches the score exactly when, for some choice of a least weight per word summing to it, each chosen word is
 * held at a tier of at least its weight: the match names the smallest such choices. Null when they are more than
 * MAX_SCORE_COMBINATIONS.
 */
function reachingScore(words: readonly Tier[][], score: number): { anyCombination: string[][][] } | null {
  const weights = words.map((word) => [...new Set(word.map((tier) => tier.weight))]);
  const best = weights.map((word) => word[0]!);
  const reachable = best.map((_, index) => best.slice(index).reduce((sum, weight) => sum + weight, 0));
  const needed = score - SCORE_TOLERANCE;
  const combinations: number[][] = [];
  let budget = COMBINATION_BUDGET;
  const choose = (index: number, chosen: number[], sum: number): boolean => {
    if ((budget -= 1) < 0) return false;
    if (index === words.length) {
      // The smallest choices only: lowering any chosen weight to the word's next one (or none) falls short.
      const lower = (word: number) => weights[word]![weights[word]!.indexOf(chosen[word]!) + 1] ?? 0;
      if (chosen.every((weight, word) => weight === 0 || sum - weight + lower(word) < needed)) combinations.push([...chosen]);
      return combinations.length <= MAX_SCORE_COMBINATIONS;
    }
    for (const weight of [...weights[index]!, 0]) {
      if (sum + weight + (reachable[index + 1] ?? 0) < needed) break;
      if (!choose(index + 1, [...chosen, weight], sum + weight)) return false;
    }
    return true;
  };
  if (words.length === 0 || reachable[0]! < needed || !choose(0, [], 0) || combinations.length === 0) return null;
  const tagsFrom = (word: number, weight: number) => [...new Set(words[word]!.filter((tier) => tier.weight >= weight).flatMap((tier) => tier.tags))];
  return { anyCombination: combinations.map((chosen) => chosen.flatMap((weight, word) => (weight === 0 ? [] : [tagsFrom(word, weight)]))) };
}

/** A level being read, and the index of the level it is or stands in for. */
export interface LevelAt {
  index: number;
  level: TextLevel;
}

/** The tagged words of the words' match: any tier of any word. */
export function textMatchTags(words: WordLexemes[]): string[] {
  return [...new Set(words.flatMap(tiersOf).flatMap((tier) => tier.tags))];
}

/**
 * The score of a row of the text table, as the projection's: per word the weight of its best tier, summed and
 * rounded like there. `add` binds a value as a parameter.
 */
export function textScoreSql(words: WordLexemes[], add: (value: unknown) => string): string {
  const perWord = words.map((word) => {
    const tiers = tiersOf(word);
    if (tiers.length === 0) return '0';
    return `CASE ${tiers.map(({ weight, tags }) => `WHEN terms @@ ${add(anyOf(tags))}::tsquery THEN ${weight}`).join(' ')} ELSE 0 END`;
  });
  return `round(${perWord.join(' + ')}, 4)`;
}

/**
 * Whether a level's page is the page: full, and its last score above what any row outside the level reaches; or
 * no row outside it scores (a bound below 0).
 */
export function levelDecides(level: TextLevel, first: number, hits: { key: unknown }[], last: boolean): boolean {
  if (last || level.bound < 0) return true;
  return hits.length === first && Number(hits.at(-1)!.key) > level.bound;
}

