import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import { xsd } from '../namespaces.js';

const { literal } = DataFactory;

export const dateTime = (date: Date): RDF.Literal => literal(date.toISOString(), xsd('dateTime'));

export const english = (text: string): RDF.Literal => literal(text, 'en');

/** A count as xsd:nonNegativeInteger; null for anything that is not a whole number of at least zero. */
export function count(value: number | null | undefined): RDF.Literal | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? literal(String(value), xsd('nonNegativeInteger')) : null;
}
