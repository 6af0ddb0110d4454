import type { Problems } from './problems.js';

/** Small field checks shared by services; each reports against the field path it is given. */

export function checkText(problems: Problems, field: string, value: string, maxLength: number): string {
  const trimmed = value.trim();
  if (trimmed.length > maxLength) problems.add(field, `is longer than ${maxLength} characters`);
  return trimmed;
}

export function checkUrl(problems: Problems, field: string, value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  try {
    const url = new URL(value);
    if (!['http:', 'https:', 'urn:', 'mailto:'].includes(url.protocol)) throw new Error('scheme');
  } catch {
    problems.add(field, `"${value}" is not an absolute http(s) URL or IRI`);
  }
  return value;
}

export function checkEmail(problems: Problems, field: string, value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) problems.add(field, `"${value}" is not an e-mail address`);
  return value;
}

export function checkCountryCode(problems: Problems, field: string, value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  if (!/^[A-Z]{2}$/.test(value)) problems.add(field, 'must be an ISO 3166-1 alpha-2 code such as SE');
  return value;
}

export function checkCurrency(problems: Problems, field: string, value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  if (!/^[A-Z]{3}$/.test(value)) problems.add(field, 'must be an ISO 4217 currency code such as SEK, EUR or USD');
  return value;
}

/** A real calendar date written YYYY-MM-DD (rejects 2026-02-30). */
export function isIsoCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.getUTCMonth() === Number(match[2]) - 1 && date.getUTCDate() === Number(match[3]);
}
