import { addTo } from '../core/lists.js';
import type { DatasetRecord } from './catalogue-source.js';
import type { CatalogueIris } from './iris.js';
import type { TextGraph, TextNode } from './rdf/graph.js';

/*
 * The graph of several datasets' descriptions (an export's batch) taken apart by dataset, so that each dataset's
 * text can be kept apart (stored-descriptions.ts) and the nodes they share kept once.
 */

/**
 * Which dataset of `records` a node of their description belongs to, by subject: the dataset, its distributions,
 * and the nodes named after either (its consent scope, access route steps, catalogue record...). Every other node
 * (organisations, access bodies, studies, publications, evaluations, contact points, vocabulary terms) is
 * described from its own record alone, the same whichever dataset names it.
 */
export function ownerOf(iris: CatalogueIris, records: DatasetRecord[]): (subject: string) => string | undefined {
  const owners = new Map<string, string>();
  for (const { dataset } of records) {
    owners.set(iris.dataset(dataset.identifier), dataset.id);
    for (const distribution of dataset.distributions) owners.set(iris.distribution(distribution.id), dataset.id);
  }
  return (subject) => owners.get(baseOf(subject));
}

/** An IRI without its fragment: what a node named after another (`<dataset>#record`) is named after. */
const baseOf = (iri: string): string => {
  const hash = iri.indexOf('#');
  return hash === -1 ? iri : iri.slice(0, hash);
};

/** The graph of several datasets' descriptions, taken apart by dataset. */
export class DescriptionParts {
  /** Each dataset's own nodes, by dataset id. */
  readonly own = new Map<string, TextNode[]>();
  /** Nodes said of no dataset in particular. */
  private readonly shared = new Set<TextNode>();
  /** The nodes named after each shared node (an organisation's record), by its subject. */
  private readonly partsOf = new Map<string, TextNode[]>();
  catalogNode: TextNode | null = null;
  /** The catalogue's statements, by the dataset whose node they point at. */
  readonly catalogStatements = new Map<string, Set<number>>();
  private readonly ownerOfNode = new Map<TextNode, string>();
  private readonly bySubjectText = new Map<string, TextNode>();
  private readonly objects = new Map<number, TextNode | null>();
  private readonly closures = new Map<TextNode, Set<TextNode>>();
  private readonly unreached: Set<TextNode>;

  constructor(
    private readonly graph: TextGraph,
    owner: (subject: string) => string | undefined,
    catalog: string,
  ) {
    graph.forEachNode((node) => {
      this.bySubjectText.set(graph.subjectText(node), node);
      const dataset = owner(node.key);
      if (dataset) {
        this.ownerOfNode.set(node, dataset);
        addTo(this.own, dataset, node);
      } else if (node.key === catalog) {
        this.catalogNode = node;
      } else {
        this.shared.add(node);
        const base = baseOf(node.key);
        if (base !== node.key) addTo(this.partsOf, base, node);
      }
    });
    this.unreached = new Set(this.shared);
    for (let k = this.catalogNode?.first ?? -1; k !== -1; k = graph.nextStatement(k)) {
      const dataset = this.ownerOf(this.objectNode(k));
      // What the catalogue says here must be about one of the datasets, or the export would lose it.
      if (!dataset) throw new Error(`An export cannot take apart the description of ${catalog}: it states something about no dataset`);
      this.catalogStatements.set(dataset, (this.catalogStatements.get(dataset) ?? new Set()).add(k));
    }
  }

  /**
   * The shared nodes a dataset's nodes lead to, directly or through other shared nodes (an organisation's contact
   * point), with the nodes named after each (an organisation's record).
   */
  reachedFrom(dataset: string): Set<TextNode> {
    const reached = new Set<TextNode>();
    for (const node of this.own.get(dataset) ?? []) {
      for (const next of this.sharedObjects(node)) for (const one of this.closure(next)) reached.add(one);
    }
    return reached;
  }

  /** A shared node with the shared nodes it leads to and those named after each; the same for every dataset. */
  private closure(start: TextNode): Set<TextNode> {
    let reached = this.closures.get(start);
    if (reached) return reached;
    reached = new Set();
    const reach = (node: TextNode): void => {
      if (reached.has(node)) return;
      reached.add(node);
      this.unreached.delete(node);
      for (const next of this.sharedObjects(node)) reach(next);
      for (const part of this.partsOf.get(node.key) ?? []) reach(part);
    };
    reach(start);
    this.closures.set(start, reached);
    return reached;
  }

  private *sharedObjects(node: TextNode): Generator<TextNode> {
    for (let k = node.first; k !== -1; k = this.graph.nextStatement(k)) {
      const next = this.objectNode(k);
      if (next && this.shared.has(next)) yield next;
    }
  }

  /**
   * Once every dataset's shared nodes are taken: each shared node must have been reached, and must say nothing
   * of a dataset (it is kept once for all of them), or the export would lose statements.
   */
  checkWhole(): void {
    const [lost] = this.unreached;
    if (lost) throw new Error(`An export cannot take apart the description of ${lost.key}: no dataset leads to it`);
    for (const node of this.shared) {
      for (let k = node.first; k !== -1; k = this.graph.nextStatement(k)) {
        if (this.ownerOf(this.objectNode(k))) throw new Error(`An export cannot take apart the description of ${node.key}: it states something about a dataset`);
      }
    }
  }

  private ownerOf(node: TextNode | null): string | undefined {
    return node ? this.ownerOfNode.get(node) : undefined;
  }

  /** The node statement `k`'s object is the subject of, if any. */
  private objectNode(k: number): TextNode | null {
    let node = this.objects.get(k);
    if (node === undefined) {
      const object = this.graph.objectText(k);
      node = (object === null ? undefined : this.bySubjectText.get(object)) ?? null;
      this.objects.set(k, node);
    }
    return node;
  }
}

