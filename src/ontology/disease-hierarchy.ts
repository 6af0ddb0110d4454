import { repoRoot } from '../core/repo-root.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * The disease vocabulary: MONDO as shipped in data/ontology/mondo.json.gz (built from the MONDO TSV extract by
 * scripts/build-mondo.mjs) plus the few non-MONDO terms of data/ontology/local-terms.json. Identifiers are
 * compact URIs (`MONDO:0005027`); every function accepts IRIs and underscore forms too and normalises them.
 *
 * A labelled MONDO class without parents in the extract (common diseases outside its rare-disease subset) is
 * a leaf directly under MONDO:0000001 "disease"; obsolete classes have no place in the hierarchy. An ICD-10 code
 * lies under the categories its notation names (C92.01 under C92.0 under C92): ICD-10 is a classification, each
 * code in exactly one category, so the notation alone places it. Its blocks and chapters (C81-C96) are not shipped.
 */

export const DISEASE_ROOT = 'MONDO:0000001';

/** How far the vocabulary understands a code. */
export type DiseaseCodeStatus = 'MONDO' | 'LOCAL' | 'OBSOLETE' | 'UNKNOWN_MONDO' | 'OTHER_VOCABULARY';

export interface DiseaseTermInfo {
  id: string;
  label: string;
  obsolete: boolean;
  /** Not a MONDO class: a term of another vocabulary shipped in local-terms.json. */
  local: boolean;
}

interface MondoFile {
  ids: number[];
  labels: string[];
  parents: number[][];
}

interface LocalTermsFile {
  terms: { id: string; label: string; vocabulary: string }[];
  exactMatches: { id: string; mondo: string }[];
}

interface Vocabulary {
  /** MONDO ids, labels and obsolete flags by term index. */
  ids: string[];
  labels: string[];
  obsolete: boolean[];
  /** The extract names the class's superclasses (or it is the root): its ancestors are known, not assumed. */
  placed: boolean[];
  parents: number[][];
  children: number[][];
  indexOf: Map<string, number>;
  local: Map<string, string>;
  exactMatches: Map<string, string>;
}

/** Built on the first autocomplete request, so start-up pays only for the hierarchy. */
interface LabelIndex {
  /** Distinct lower-cased, accent-folded words of the live labels, sorted. */
  words: string[];
  /** The live terms whose label has each word. */
  postings: Map<string, number[]>;
  /** The words of each label, in order. */
  termWords: string[][];
  /** Live terms, shortest label first: autocomplete prefers short labels. */
  byLength: number[];
}

const OBO_PURL = /^https?:\/\/purl\.obolibrary\.org\/obo\/([A-Za-z][A-Za-z0-9]*)_(\S+)$/;
const ORPHANET_IRI = /^https?:\/\/www\.orpha\.net\/ORDO\/Orphanet_(\d+)$/;
// The WHO URI may carry a release year: http://id.who.int/icd/release/10/2019/C92.0
const ICD10_IRI = /^https?:\/\/id\.who\.int\/icd\/release\/10\/(?:\d{4}\/)?([A-Z]\d{2}(?:\.\d{1,2})?)$/;
const CURIE = /^([A-Za-z][A-Za-z0-9-]*)[:_](\S+)$/;
// A three-character category with up to two subdivision digits, as the catalogue spells it.
const ICD10_CODE = /^ICD10:([A-Z]\d{2})(?:\.(\d{1,2}))?$/;

// Prefix spellings in circulation, mapped to the one this catalogue stores.
const PREFIXES: Record<string, string> = {
  MONDO: 'MONDO',
  ORPHA: 'Orphanet',
  ORPHANET: 'Orphanet',
  ICD10: 'ICD10',
  'ICD-10': 'ICD10',
  ICD10WHO: 'ICD10',
  NCBITAXON: 'NCBITaxon',
  HP: 'HP',
  DOID: 'DOID',
};

let vocabulary: Vocabulary | undefined;
let labelIndex: LabelIndex | undefined;
const ancestorCache = new Map<number, readonly number[]>();

function mondoId(n: number): string {
  return `MONDO:${String(n).padStart(7, '0')}`;
}

/** Lower case without accents, so 'Sjögren' autocompletes from 'sjogren'. */
export function foldLabel(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/**
 * One spelling for the British and American forms of medical words (leukaemia/leukemia, haem-/hem-,
 * oesophageal/esophageal, tumour/tumor): MONDO labels are American, many European researchers write British.
 * Applied to labels and queries alike, so a word still matches itself.
 */
function spellingKey(word: string): string {
  return word.replace(/ae|oe/g, 'e').replace(/our$/, 'or');
}

function labelWords(folded: string): string[] {
  // Most labels are ASCII, and the ASCII split is several times faster than the Unicode one.
  const words = /^[\x00-\x7f]*$/.test(folded) ? folded.split(/[^a-z0-9]+/) : folded.split(/[^\p{L}\p{N}]+/u);
  return words.filter((w) => w.length > 0).map(spellingKey);
}

function load(): Vocabulary {
  if (vocabulary) return vocabulary;
  const dir = path.join(repoRoot(), 'data', 'ontology');
  const mondo = JSON.parse(gunzipSync(readFileSync(path.join(dir, 'mondo.json.gz'))).toString('utf8')) as MondoFile;
  const localFile = JSON.parse(readFileSync(path.join(dir, 'local-terms.json'), 'utf8')) as LocalTermsFile;
  const ids = mondo.ids.map(mondoId);
  const obsolete = mondo.labels.map((label) => label.startsWith('obsolete '));
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const root = indexOf.get(DISEASE_ROOT);
  if (root === undefined) throw new Error('mondo.json.gz lacks the root MONDO:0000001');
  // Classes outside the rare-disease subset come without parents: they sit directly under the root.
  const placed = mondo.parents.map((ps, i) => ps.length > 0 || i === root);
  const parents = mondo.parents.map((ps, i) => (placed[i] || obsolete[i] ? ps : [root]));
  const children: number[][] = ids.map(() => []);
  parents.forEach((ps, child) => ps.forEach((p) => children[p]!.push(child)));
  vocabulary = {
    ids,
    labels: mondo.labels,
    obsolete,
    placed,
    parents,
    children,
    indexOf,
    local: new Map(localFile.terms.map((t) => [t.id, t.label])),
    exactMatches: new Map(localFile.exactMatches.map((m) => [m.id, m.mondo])),
  };
  return vocabulary;
}

function loadLabelIndex(): LabelIndex {
  if (labelIndex) return labelIndex;
  const { labels, obsolete } = load();
  const termWords = labels.map((label) => labelWords(foldLabel(label)));
  const postings = new Map<string, number[]>();
  termWords.forEach((words, term) => {
    if (obsolete[term]) return;
    for (const word of new Set(words)) {
      const terms = postings.get(word);
      if (terms) terms.push(term);
      else postings.set(word, [term]);
    }
  });
  const byLength = labels.map((_, i) => i).filter((i) => !obsolete[i]);
  byLength.sort((a, b) => labels[a]!.length - labels[b]!.length || a - b);
  labelIndex = { words: [...postings.keys()].sort(), postings, termWords, byLength };
  return labelIndex;
}

function canonicalCurie(iriOrCurie: string): string {
  const text = iriOrCurie.trim();
  const orphanet = ORPHANET_IRI.exec(text);
  if (orphanet) return `Orphanet:${orphanet[1]}`;
  const icd = ICD10_IRI.exec(text);
  if (icd) return `ICD10:${icd[1]}`;
  const match = OBO_PURL.exec(text) ?? CURIE.exec(text);
  if (!match) return text;
  const prefix = PREFIXES[match[1]!.toUpperCase()] ?? match[1];
  return `${prefix}:${match[2]}`;
}

/**
 * The catalogue's identifier for a disease: a compact URI with the canonical prefix, and for codes that
 * MONDO maps exactly (Orphanet) the MONDO id, so both spellings of one disease compare equal.
 */
export function normaliseDiseaseId(iriOrCurie: string): string {
  const curie = canonicalCurie(iriOrCurie);
  return load().exactMatches.get(curie) ?? curie;
}

/** Whether the vocabulary can place a code: a live MONDO class, a local term, or not at all (and why). */
export function diseaseCodeStatus(id: string): DiseaseCodeStatus {
  const { indexOf, obsolete, local } = load();
  const normalised = normaliseDiseaseId(id);
  const index = indexOf.get(normalised);
  if (index !== undefined) return obsolete[index] ? 'OBSOLETE' : 'MONDO';
  if (local.has(normalised)) return 'LOCAL';
  return normalised.startsWith('MONDO:') ? 'UNKNOWN_MONDO' : 'OTHER_VOCABULARY';
}

/**
 * Whether the shipped hierarchy knows every class above a live MONDO class. The extract holds the rare-disease
 * subset with all its ancestors; a class outside it (type 1 diabetes mellitus, asthma) comes without
 * superclasses, so the classes above it are unknown, not absent: "not below X" cannot be concluded for it.
 */
export function ancestryKnown(id: string): boolean {
  const { indexOf, placed } = load();
  const index = indexOf.get(normaliseDiseaseId(id));
  return index !== undefined && placed[index]!;
}

const DISEASE_ID_SYNTAX = /^(?:https?:\/\/\S+|[A-Za-z][A-Za-z0-9-]*[:_]\S+)$/;

/**
 * Why a text is not written as a disease id (an IRI or a compact id), or undefined when it is; a label is not an
 * id, and the label of a MONDO class is answered with that class's id, which is what the writer meant.
 */
export function diseaseIdSyntaxProblem(text: string): string | undefined {
  if (DISEASE_ID_SYNTAX.test(text.trim())) return undefined;
  // Several ids in one text, separated by commas, spaces or " / ".
  const several = text.split(/[\s,]+/).filter((part) => part && part !== '/');
  if (several.length > 1 && several.every((part) => DISEASE_ID_SYNTAX.test(part))) return `"${text}" holds ${several.length} ids; give each disease as an entry of its own`;
  const named = classLabelled(text);
  if (named) return `"${text}" is not an ontology IRI or compact id but the label of ${named.id} ("${named.label}"): give that id (the diseaseTerms query finds the id of a label)`;
  const icd10 = icd10Term(text);
  if (icd10) return `"${text}" is not an ontology IRI or compact id; as an ICD-10 code it is written ${icd10.id}`;
  return `"${text}" is not an ontology IRI or compact id (e.g. MONDO:0004992); the diseaseTerms query finds the id of a label`;
}

/** The live MONDO class labelled with the text (in any case and either spelling, British or American), if one is. */
function classLabelled(text: string): DiseaseTermInfo | undefined {
  const words = labelWords(foldLabel(text)).join(' ');
  if (!words) return undefined;
  const [best] = searchDiseaseTerms(text, 1);
  return best && !best.local && labelWords(foldLabel(best.label)).join(' ') === words ? best : undefined;
}

/**
 * Why a disease code may not be registered, or undefined when it may: a MONDO code must name a live class of
 * the shipped release (an unknown or obsolete one could never be matched); codes of other vocabularies are
 * kept as given.
 */
export function unregistrableDiseaseReason(id: string): string | undefined {
  const normalised = normaliseDiseaseId(id);
  switch (diseaseCodeStatus(normalised)) {
    case 'UNKNOWN_MONDO':
      return `${normalised} is not a class of the shipped MONDO release (see the diseaseTerms query)`;
    case 'OBSOLETE':
      return `${normalised} is obsolete in MONDO ("${labelOf(normalised)}"); use the class that replaces it`;
    default:
      return undefined;
  }
}

/** Term indexes of the class and all its ancestors, computed once per class (the hierarchy is a DAG). */
function ancestorIndexes(index: number): readonly number[] {
  const cached = ancestorCache.get(index);
  if (cached) return cached;
  const { parents } = load();
  const seen = new Set<number>([index]);
  for (const parent of parents[index] ?? []) for (const a of ancestorIndexes(parent)) seen.add(a);
  const result = [...seen];
  ancestorCache.set(index, result);
  return result;
}

/** An ICD-10 code and the categories its notation puts it in, narrowest first (C92.01, C92.0, C92); else undefined. */
function icd10Categories(normalised: string): string[] | undefined {
  const code = ICD10_CODE.exec(normalised);
  if (!code) return undefined;
  const [, category, subdivision] = code;
  const categories = [`ICD10:${category}`];
  for (let digits = 1; digits <= (subdivision?.length ?? 0); digits += 1) categories.unshift(`ICD10:${category}.${subdivision!.slice(0, digits)}`);
  return categories;
}

/**
 * The disease and all its ancestors, the disease itself first: MONDO superclasses, or an ICD-10 code's categories;
 * a code the hierarchy cannot place stands alone.
 */
export function ancestorsOf(id: string): string[] {
  const { indexOf, ids } = load();
  const start = normaliseDiseaseId(id);
  const index = indexOf.get(start);
  return index === undefined ? (icd10Categories(start) ?? [start]) : ancestorIndexes(index).map((i) => ids[i]!);
}

/**
 * Whether a disease is the restricted one or lies below it (true), certainly does not (false), or cannot be told
 * (undefined): both sides must be live MONDO classes, the disease's superclasses known, or both ICD-10 codes. The
 * catalogue maps neither vocabulary onto the other.
 */
export function diseaseWithin(disease: string, restriction: string): boolean | undefined {
  const child = normaliseDiseaseId(disease);
  const parent = normaliseDiseaseId(restriction);
  if (child === parent) return true;
  const childCategories = icd10Categories(child);
  const parentCategories = icd10Categories(parent);
  if (childCategories && parentCategories) return childCategories.includes(parent);
  if (diseaseCodeStatus(child) !== 'MONDO' || diseaseCodeStatus(parent) !== 'MONDO') return undefined;
  if (isSameOrDescendant(child, parent)) return true;
  return ancestryKnown(child) ? false : undefined;
}

/** The disease and all its MONDO descendants, the disease itself first. */
export function descendantsOf(id: string): string[] {
  const { indexOf, ids, children } = load();
  const start = normaliseDiseaseId(id);
  const index = indexOf.get(start);
  if (index === undefined) return [start];
  const seen = new Set<number>([index]);
  const queue = [index];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children[next]!) {
      if (!seen.has(child)) {
        seen.add(child);
        queue.push(child);
      }
    }
  }
  return [...seen].map((i) => ids[i]!);
}

/** True when `child` is `ancestor` or lies below it (after normalising both). */
export function isSameOrDescendant(child: string, ancestor: string): boolean {
  const target = normaliseDiseaseId(ancestor);
  return ancestorsOf(child).includes(target);
}

/** The label shipped for the disease, or undefined when the vocabulary does not know it. */
export function labelOf(id: string): string | undefined {
  const { indexOf, labels, local } = load();
  const normalised = normaliseDiseaseId(id);
  const index = indexOf.get(normalised);
  return index === undefined ? local.get(normalised) : labels[index];
}

export function diseaseTerm(id: string): DiseaseTermInfo | undefined {
  const { indexOf, labels, obsolete, local } = load();
  const normalised = normaliseDiseaseId(id);
  const index = indexOf.get(normalised);
  if (index !== undefined) return { id: normalised, label: labels[index]!, obsolete: obsolete[index]!, local: false };
  const label = local.get(normalised);
  return label === undefined ? undefined : { id: normalised, label, obsolete: false, local: true };
}

// An ICD-10 code as people type it: C92.0, c92, ICD-10 C92.0, ICD10:C92.
const TYPED_ICD10 = /^(?:icd-?10[\s:_]*)?([a-z]\d{2}(?:\.\d{1,2})?)$/i;

/** An ICD-10 code typed into autocomplete, as the term a filter takes. */
function icd10Term(query: string): DiseaseTermInfo | undefined {
  const code = TYPED_ICD10.exec(query.trim());
  if (!code) return undefined;
  const id = `ICD10:${code[1]!.toUpperCase()}`;
  return { id, label: displayLabel(id)!, obsolete: false, local: true };
}

/** What to show for a disease code: its shipped label, else for an ICD-10 code its notation ("ICD-10 C92"). */
export function displayLabel(id: string): string | undefined {
  const label = labelOf(id);
  if (label !== undefined) return label;
  const normalised = normaliseDiseaseId(id);
  return icd10Categories(normalised) ? `ICD-10 ${normalised.slice('ICD10:'.length)}` : undefined;
}

/** First position in the sorted word list whose word is >= prefix. */
function lowerBound(words: string[], prefix: string): number {
  let low = 0;
  let high = words.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (words[mid]! < prefix) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Live MONDO classes whose label has a word starting with each word of the query ("breast canc" finds
 * "breast cancer"), or whose id is the query; an ICD-10 code ("C92", "ICD-10 C92.0") answers itself. Ranked: whole label equal to the query, label starting with
 * it, then the rest; shorter labels first within each.
 */
export function searchDiseaseTerms(query: string, first: number): DiseaseTermInfo[] {
  const { ids, labels } = load();
  const v = loadLabelIndex();
  const direct = diseaseTerm(query) ?? icd10Term(query);
  const found: DiseaseTermInfo[] = direct && !direct.obsolete ? [direct] : [];
  const queryWords = labelWords(foldLabel(query));
  if (queryWords.length > 0 && first > found.length) {
    // Candidates are the terms with a word starting with the first query word; the others are checked per label.
    const candidate = new Uint8Array(ids.length);
    const [head] = queryWords;
    for (let i = lowerBound(v.words, head!); i < v.words.length && v.words[i]!.startsWith(head!); i += 1) {
      for (const term of v.postings.get(v.words[i]!)!) candidate[term] = 1;
    }
    const phrase = queryWords.join(' ');
    const ranked: number[][] = [[], [], []];
    for (const term of v.byLength) {
      if (!candidate[term]) continue;
      const words = v.termWords[term]!;
      if (!queryWords.every((q) => words.some((w) => w.startsWith(q)))) continue;
      const label = words.join(' ');
      ranked[label === phrase ? 0 : label.startsWith(phrase) ? 1 : 2]!.push(term);
      // Later terms have longer labels, so once the two best ranks fill the page nothing can displace them.
      if (ranked[0]!.length + ranked[1]!.length >= first) break;
    }
    for (const term of ranked.flat()) {
      if (ids[term] !== direct?.id) found.push({ id: ids[term]!, label: labels[term]!, obsolete: false, local: false });
    }
  }
  return found.slice(0, Math.max(0, first));
}
