import { repoRoot } from '../core/repo-root.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The disease hierarchy shipped in data/ontology/diseases.json: a MONDO slim plus standalone roots for
 * identifiers MONDO has no exact match for. Identifiers are compact URIs (`MONDO:0005027`); every function
 * accepts IRIs and underscore forms too and normalises them first.
 */

interface DiseaseTermRecord {
  id: string;
  label: string;
  parents: string[];
}

interface DiseaseFile {
  terms: DiseaseTermRecord[];
  exactMatches: { id: string; mondo: string }[];
}

interface DiseaseIndex {
  labels: Map<string, string>;
  parents: Map<string, string[]>;
  children: Map<string, string[]>;
  exactMatches: Map<string, string>;
}

const OBO_PURL = /^https?:\/\/purl\.obolibrary\.org\/obo\/([A-Za-z][A-Za-z0-9]*)_(\S+)$/;
const ORPHANET_IRI = /^https?:\/\/www\.orpha\.net\/ORDO\/Orphanet_(\d+)$/;
// The WHO URI may carry a release year: http://id.who.int/icd/release/10/2019/C92.0
const ICD10_IRI = /^https?:\/\/id\.who\.int\/icd\/release\/10\/(?:\d{4}\/)?([A-Z]\d{2}(?:\.\d{1,2})?)$/;
const CURIE = /^([A-Za-z][A-Za-z0-9-]*)[:_](\S+)$/;

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

let index: DiseaseIndex | undefined;


function load(): DiseaseIndex {
  if (index) return index;
  const file = path.join(repoRoot(), 'data', 'ontology', 'diseases.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as DiseaseFile;
  const labels = new Map<string, string>();
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const term of data.terms) {
    labels.set(term.id, term.label);
    parents.set(term.id, term.parents);
    for (const parent of term.parents) children.set(parent, [...(children.get(parent) ?? []), term.id]);
  }
  for (const [id, ps] of parents) {
    for (const p of ps) if (!labels.has(p)) throw new Error(`${file}: ${id} names unknown parent ${p}`);
  }
  index = { labels, parents, children, exactMatches: new Map(data.exactMatches.map((m) => [m.id, m.mondo])) };
  return index;
}

function canonicalCurie(iriOrCurie: string): string {
  const text = iriOrCurie.trim();
  const orphanet = ORPHANET_IRI.exec(text);
  if (orphanet) return `Orphanet:${orphanet[1]}`;
  const icd = ICD10_IRI.exec(text);
  if (icd) return `ICD10:${icd[1]}`;
  const match = OBO_PURL.exec(text) ?? CURIE.exec(text);
  if (!match) return text;
  const prefix = PREFIXES[match[1].toUpperCase()] ?? match[1];
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

/** The disease and all its ancestors in the shipped hierarchy, the disease itself first. */
export function ancestorsOf(id: string): string[] {
  const { parents } = load();
  const start = normaliseDiseaseId(id);
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const parent of parents.get(queue.shift() as string) ?? []) {
      if (!seen.has(parent)) {
        seen.add(parent);
        queue.push(parent);
      }
    }
  }
  return [...seen];
}

/** The disease and all its descendants in the shipped hierarchy, the disease itself first. */
export function descendantsOf(id: string): string[] {
  const { children } = load();
  const start = normaliseDiseaseId(id);
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as string) ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        queue.push(child);
      }
    }
  }
  return [...seen];
}

/** True when `child` is `ancestor` or lies below it (after normalising both). */
export function isSameOrDescendant(child: string, ancestor: string): boolean {
  return ancestorsOf(child).includes(normaliseDiseaseId(ancestor));
}

/** The label shipped for the disease, or undefined when the hierarchy does not know it. */
export function labelOf(id: string): string | undefined {
  return load().labels.get(normaliseDiseaseId(id));
}
