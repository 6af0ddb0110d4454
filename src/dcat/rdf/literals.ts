import type * as RDF from '@rdfjs/types';
import type { LocalizedValue } from '../../records/translations.js';
import { xsd } from '../namespaces.js';
import { literal } from './terms.js';

export const dateTime = (date: Date): RDF.Literal => literal(date.toISOString(), xsd('dateTime'));

export const english = (text: string): RDF.Literal => literal(text, 'en');

/** One rdf:langString per language a text is given in (DCAT-AP: at most one value per language). */
export const inEachLanguage = (values: LocalizedValue<string>[]): RDF.Literal[] =>
  values.map(({ language, value }) => literal(value, language));

/** A count as xsd:nonNegativeInteger; null for anything that is not a whole number of at least zero. */
export function count(value: number | null | undefined): RDF.Literal | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? literal(String(value), xsd('nonNegativeInteger')) : null;
}
