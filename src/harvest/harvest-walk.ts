import type * as RDF from '@rdfjs/types';
import { dcat, fdp, hydra, ldp } from '../dcat/namespaces.js';
import { r3d } from '../dcat/vocabularies.js';
import { ownCopy } from '../core/own-copy.js';
import { QuadIndex } from '../dcat/rdf/quad-index.js';
import { HarvestMode } from './harvest-run.entity.js';
import { HarvestSourceKind } from './harvest-source.entity.js';
import { type FetchOptions, fetchRdf, SourceProblem } from './harvest-fetch.js';

/** What walking a source gave (each document went to its reader as it came): how, how many, which failed. */
export interface SourceWalk {
  mode: HarvestMode;
  /** Documents fetched, including the listing pages. */
  fetched: number;
  /** Dataset documents that failed (FAIR Data Point); a listing page that fails fails the whole walk. */
  failures: SourceProblem[];
  /**
   * The earliest instant up to which the listing pages read said they were complete (a gdcat's), or null
   * when one did not say: the next run asks from there, and misses no change the source committed late.
   */
  completeUpTo: Date | null;
}

export interface WalkOptions extends FetchOptions {
  /** Ask only for what changed since then, when the source supports it. */
  modifiedSince: Date | null;
  /** Guard against sources whose links never end. */
  maxDocuments: number;
  /** Told the number of documents fetched so far, after each one. */
  onDocument?: (fetched: number) => void;
  /**
   * Given the statements of each document that describes datasets (listing pages, dataset documents), one at
   * a time: what it keeps of them is all the walk keeps, so a large source is not held statement by statement.
   */
  read: (quads: RDF.Quad[]) => Promise<void>;
}

/**
 * Walks a source: a DCAT-AP listing page by page along hydra:next, or a FAIR Data Point from the repository
 * through its catalogs to each dataset along ldp:contains. A source that advertises the modifiedSince
 * parameter (a gdcat does, in its Hydra search template) is asked only for what changed, withdrawn datasets
 * included; any other is read in full.
 */
export async function walkSource(kind: HarvestSourceKind, url: string, options: WalkOptions): Promise<SourceWalk> {
  return kind === HarvestSourceKind.FDP ? walkFairDataPoint(url, options) : walkListing(url, options);
}

async function walkListing(url: string, options: WalkOptions): Promise<SourceWalk> {
  const first = await fetchRdf(url, options);
  let fetched = 1;
  options.onDocument?.(fetched);
  let completeUpTo = first.completeUpTo;
  const advertised = advertisedVariables(first.quads);
  let mode = HarvestMode.FULL;
  let start: string | null = null;
  if (advertised.has('includeWithdrawn') || advertised.has('modifiedSince')) {
    const parameters = new URLSearchParams();
    // Withdrawn datasets come with their reason, so they are withdrawn here for the same reason.
    if (advertised.has('includeWithdrawn')) parameters.set('includeWithdrawn', 'true');
    if (advertised.has('modifiedSince') && options.modifiedSince) {
      parameters.set('modifiedSince', options.modifiedSince.toISOString());
      mode = HarvestMode.INCREMENTAL;
    }
    start = withParameters(url, parameters);
  }
  const visited = new Set<string>();
  let page = start ? null : first;
  let next: string | null = start ?? url;
  while (next && !visited.has(next)) {
    if (fetched > options.maxDocuments) throw new SourceProblem('TOO_MANY_DOCUMENTS', next, `more than ${options.maxDocuments} documents; stopped following links`);
    visited.add(next);
    if (!page) {
      page = await fetchRdf(next, options);
      options.onDocument?.(++fetched);
      completeUpTo = earliest(completeUpTo, page.completeUpTo);
    }
    await options.read(page.quads);
    // hydra:nextPage is the older Hydra term that CKAN's DCAT endpoints wrote before hydra:next.
    const link = (term: RDF.NamedNode) => page!.quads.find((quad) => quad.predicate.equals(term))?.object.value;
    // A link of its own (core/own-copy.ts): kept in `visited`, the parser's slice would keep its page alive.
    const following = link(hydra('next')) ?? link(hydra('nextPage'));
    next = following === undefined ? null : ownCopy(following);
    page = null;
  }
  return { mode, fetched, failures: [], completeUpTo };
}

/** The earlier of two instants a listing was complete up to; null (not said) when either is. */
const earliest = (a: Date | null, b: Date | null): Date | null => (a && b ? (a < b ? a : b) : null);

async function walkFairDataPoint(url: string, options: WalkOptions): Promise<SourceWalk> {
  const repository = await fetchRdf(url, options);
  let fetched = 1;
  options.onDocument?.(fetched);
  const index = new QuadIndex(repository.quads);
  // FAIR Data Points before specification 1.1 (still running in many places) link their catalogs with r3d:dataCatalog.
  const relation = [fdp('metadataCatalog'), r3d('dataCatalog')].find((candidate) => repository.quads.some((quad) => quad.predicate.equals(candidate)));
  const root = relation ? repository.quads.find((quad) => quad.predicate.equals(relation))!.subject : null;
  const catalogs = root && relation ? members(index, root, relation) : [url];
  const datasets = new Set<string>();
  for (const catalog of catalogs) {
    let document = catalog === url ? repository : await fetchRdf(catalog, options);
    if (catalog !== url) options.onDocument?.(++fetched);
    // A FAIR Data Point lists only what it serves (withdrawn datasets answer 410). One that advertises
    // includeWithdrawn (a gdcat does) is asked for its withdrawn datasets too: their tombstones carry the
    // reason, which would otherwise be "removed at source".
    if (advertisedVariables(document.quads).has('includeWithdrawn')) {
      document = await fetchRdf(withParameters(catalog, new URLSearchParams({ includeWithdrawn: 'true' })), options);
      options.onDocument?.(++fetched);
    }
    const node = document.quads.find((quad) => quad.subject.value === catalog)?.subject ?? document.quads.find((quad) => quad.object.equals(dcat('Catalog')))?.subject;
    if (node) for (const dataset of members(new QuadIndex(document.quads), node, dcat('dataset'))) datasets.add(dataset);
  }
  const failures: SourceProblem[] = [];
  for (const dataset of datasets) {
    if (fetched >= options.maxDocuments) throw new SourceProblem('TOO_MANY_DOCUMENTS', dataset, `more than ${options.maxDocuments} documents; stopped following links`);
    fetched++;
    try {
      await options.read((await fetchRdf(dataset, options)).quads);
    } catch (error) {
      if (!(error instanceof SourceProblem)) throw error;
      failures.push(error);
    }
    options.onDocument?.(fetched);
  }
  return { mode: HarvestMode.FULL, fetched, failures, completeUpTo: null };
}

/** The resources `owner` links to with `relation`, directly or through the LDP containers it owns. */
function members(index: QuadIndex, owner: RDF.Term, relation: RDF.NamedNode): string[] {
  const found = new Set(index.iris(owner, relation));
  for (const quad of index.quads) {
    if (!quad.predicate.equals(ldp('membershipResource')) || !quad.object.equals(owner)) continue;
    if (index.iri(quad.subject, ldp('hasMemberRelation')) !== relation.value) continue;
    for (const member of index.iris(quad.subject, ldp('contains'))) found.add(member);
  }
  return [...found].map(ownCopy);
}

/** The query variables a listing advertises in a Hydra search template (hydra:search / hydra:mapping). */
function advertisedVariables(quads: readonly RDF.Quad[]): Set<string> {
  return new Set(quads.filter((quad) => quad.predicate.equals(hydra('variable'))).map((quad) => quad.object.value));
}

function withParameters(url: string, parameters: URLSearchParams): string {
  const target = new URL(url);
  for (const [name, value] of parameters) target.searchParams.set(name, value);
  return target.href;
}
