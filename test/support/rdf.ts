import type * as RDF from '@rdfjs/types';
import { Store } from 'n3';

/** The distinct statements of a parsed document (a shared node is written once per export batch). */
export const distinct = (quads: RDF.Quad[]): RDF.Quad[] => new Store(quads).getQuads(null, null, null, null);
