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

/**
 * A finite number as xsd:decimal, whose lexical form has no exponent (String(1e21) is "1e+21"); null for
 * anything else.
 */
export function decimal(value: number | null | undefined): RDF.Literal | null {
  return typeof value === 'number' && Number.isFinite(value) ? literal(decimalDigits(value), xsd('decimal')) : null;
}

/** The digits JavaScript writes for a number, with any exponent written out as zeros. */
function decimalDigits(value: number): string {
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(String(value));
  if (!match) return String(value);
  const [, sign, first, rest = '', exponentText] = match;
  const digits = first + rest;
  const exponent = Number(exponentText);
  // JavaScript uses an exponent from 1e21 up (past every digit it keeps) and below 1e-6.
  return exponent > 0 ? sign + digits.padEnd(exponent + 1, '0') : `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
}
