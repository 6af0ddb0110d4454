import { CONTENT_LANGUAGES, chooseLanguage, isContentLanguage } from '../core/languages.js';
import type { Problems } from '../core/problems.js';
import { checkText } from '../core/validation.js';

/**
 * Records written in more than one language (datasets, organisations, data access bodies).
 *
 * A record has its own language (`language`): its plain columns (title, description, keywords, name) hold
 * the text in that language, so every reader that knows only those columns (sorting, keyset paging, older
 * clients, other write paths) keeps working. The other languages' texts are in `translations`, by language:
 * `{ "sv": { "title": "…", "keywords": ["…"] } }`. Readers ask for a language and get the value in it,
 * falling back to the record's own language, then to any (chooseLanguage).
 */
export type Translations = { [language: string]: { [field: string]: string | string[] } | undefined };

export interface TranslatedRecord {
  language: string;
  translations: Translations;
}

export interface LocalizedValue<V> {
  language: string;
  value: V;
}

/** The field names of a record holding text (string) or lists of text (string[]). */
type FieldsOf<R, V> = { [K in keyof R]: R[K] extends V ? K : never }[keyof R] & string;

/** Languages of the record, its own first, then the others in CONTENT_LANGUAGES order. */
function languagesOf(record: TranslatedRecord): string[] {
  const rank = (language: string) => {
    const index = (CONTENT_LANGUAGES as readonly string[]).indexOf(language);
    return index === -1 ? CONTENT_LANGUAGES.length : index;
  };
  const others = Object.keys(record.translations ?? {}).filter((language) => language !== record.language);
  return [record.language, ...others.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1))];
}

function valueIn(record: TranslatedRecord, field: string, language: string): unknown {
  return language === record.language ? (record as unknown as Record<string, unknown>)[field] : record.translations?.[language]?.[field];
}

/** A text field in every language that has a non-empty value, the record's own language first. */
export function textInEveryLanguage<R extends TranslatedRecord>(record: R, field: FieldsOf<R, string>): LocalizedValue<string>[] {
  return languagesOf(record).flatMap((language) => {
    const value = valueIn(record, field, language);
    return typeof value === 'string' && value !== '' ? [{ language, value }] : [];
  });
}

/** A list field (keywords) in every language that has at least one entry, the record's own language first. */
export function listInEveryLanguage<R extends TranslatedRecord>(record: R, field: FieldsOf<R, string[]>): LocalizedValue<string[]>[] {
  return languagesOf(record).flatMap((language) => {
    const value = valueIn(record, field, language);
    return Array.isArray(value) && value.length > 0 ? [{ language, value: value as string[] }] : [];
  });
}

/** The value to show for callers wanting these languages (most wanted first); see chooseLanguage. */
export function chosenValue<V>(values: LocalizedValue<V>[], wanted: readonly string[], own: string): LocalizedValue<V> | null {
  const language = chooseLanguage(values.map((v) => v.language), wanted, own);
  return values.find((v) => v.language === language) ?? null;
}

/** One translated field of a record kind, as the rules write it. */
export interface TranslatedField {
  /** The column and the single-value input: the value in the record's own language (title). */
  field: string;
  /** The input giving every language's value as { language, value } entries (titleTranslations). */
  input: string;
  /** 'list': several entries per language (keywords). */
  kind: 'text' | 'list';
  maxLength: number;
  /** The record needs a value in its own language (titles, names). */
  required?: boolean;
}

/** The name of an organisation or data access body, in each language. */
export const NAME_TEXTS: readonly TranslatedField[] = [{ field: 'name', input: 'nameTranslations', kind: 'text', maxLength: 300, required: true }];

export interface LocalizedTextEntry {
  language: string;
  value: string;
}

type Patch = { language?: string | null } & { [input: string]: unknown };

/**
 * Applies a create input or patch to a record's translated fields, collecting every problem:
 * - `language` sets the record's own language (on create it defaults to the language of the first entry of
 *   a required field's translations when only those are given, else DEFAULT_RECORD_LANGUAGE, the column
 *   default);
 * - `titleTranslations` and the like replace all languages of that field;
 * - `title` and the like (given too or alone) set the value in the record's own language, leaving the
 *   other languages as they are, so a client that knows only the single-value fields loses nothing.
 */
export function applyTranslatedFields(
  record: TranslatedRecord,
  fields: readonly TranslatedField[],
  patch: Patch,
  problems: Problems,
): void {
  const columns = record as unknown as Record<string, unknown>;
  // A record being created has no value yet in a field every record needs.
  const isNew = fields.some((spec) => spec.required && !columns[spec.field] && !Object.values(record.translations ?? {}).some((t) => t?.[spec.field]));
  const language = recordLanguage(record, fields, patch, problems, isNew);
  const byField = new Map<TranslatedField, Map<string, string | string[]>>();
  for (const spec of fields) {
    const values = new Map<string, string | string[]>();
    for (const current of languagesOf(record)) {
      const value = valueIn(record, spec.field, current);
      if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)) values.set(current, value as string | string[]);
    }
    const entries = patch[spec.input];
    if (entries != null) replaceAll(values, spec, entries as LocalizedTextEntry[], problems);
    // A null list means "unchanged", as it always has for keywords.
    const single = patch[spec.field];
    if (single !== undefined && !(spec.kind === 'list' && single === null)) setOwn(values, spec, single, language, problems);
    if (spec.required && !values.has(language)) problems.add(...missing(spec, patch, language, isNew, language !== record.language));
    byField.set(spec, values);
  }
  const translations: Translations = {};
  for (const [spec, values] of byField) {
    columns[spec.field] = values.get(language) ?? (spec.kind === 'list' ? [] : '');
    for (const [other, value] of values) {
      if (other !== language) translations[other] = { ...translations[other], [spec.field]: value };
    }
  }
  record.language = language;
  record.translations = translations;
}

function recordLanguage(record: TranslatedRecord, fields: readonly TranslatedField[], patch: Patch, problems: Problems, isNew: boolean): string {
  if (patch.language != null) {
    if (isContentLanguage(patch.language)) return patch.language;
    problems.add('input.language', `must be one of ${CONTENT_LANGUAGES.join(', ')} (got "${patch.language}")`);
    return record.language;
  }
  const required = fields.find((spec) => spec.required);
  const entries = required && patch[required.field] == null ? (patch[required.input] as LocalizedTextEntry[] | null | undefined) : null;
  const first = entries?.[0]?.language;
  return isNew && isContentLanguage(first) ? first : record.language;
}

function replaceAll(values: Map<string, string | string[]>, spec: TranslatedField, entries: LocalizedTextEntry[], problems: Problems): void {
  values.clear();
  entries.forEach((entry, index) => {
    const at = `input.${spec.input}[${index}]`;
    if (!isContentLanguage(entry.language)) {
      problems.add(`${at}.language`, `must be one of ${CONTENT_LANGUAGES.join(', ')} (got "${entry.language}")`);
      return;
    }
    // Import files are JSON: a number or list here is the file's mistake, not a crash.
    if (typeof entry.value !== 'string') {
      problems.add(`${at}.value`, 'must be text');
      return;
    }
    const value = checkText(problems, `${at}.value`, entry.value, spec.maxLength);
    if (!value) {
      problems.add(`${at}.value`, 'cannot be empty; leave the language out instead', 'REQUIRED');
      return;
    }
    const existing = values.get(entry.language);
    if (spec.kind === 'list') values.set(entry.language, [...((existing as string[] | undefined) ?? []), value]);
    else if (existing !== undefined) problems.add(`${at}.language`, `gives a second ${spec.field} in ${entry.language}; give one per language`);
    else values.set(entry.language, value);
  });
}

function setOwn(values: Map<string, string | string[]>, spec: TranslatedField, single: unknown, language: string, problems: Problems): void {
  const at = `input.${spec.field}`;
  if (spec.kind === 'list') {
    const list = ((single ?? []) as string[]).map((item, index) => checkText(problems, `${at}[${index}]`, item, spec.maxLength)).filter(Boolean);
    if (list.length > 0) values.set(language, list);
    else values.delete(language);
    return;
  }
  // An empty required value is reported once, by the check for a value in the record's language.
  const text = checkText(problems, at, (single ?? '') as string, spec.maxLength);
  if (text) values.set(language, text);
  else values.delete(language);
}

function missing(spec: TranslatedField, patch: Patch, language: string, isNew: boolean, languageChanged: boolean): [string, string, 'REQUIRED'] {
  if (patch[spec.field] != null) return [`input.${spec.field}`, 'cannot be empty', 'REQUIRED'];
  // An empty list (an import file with no other language) leaves the single-value field to blame.
  if ((patch[spec.input] as unknown[] | null | undefined)?.length) {
    return [`input.${spec.input}`, `needs a ${spec.field} in the record's language (${language}); add one or set language`, 'REQUIRED'];
  }
  if (languageChanged && !isNew) {
    return ['input.language', `the record has no ${spec.field} in ${language}; give one in ${spec.input}`, 'REQUIRED'];
  }
  return [`input.${spec.field}`, isNew ? 'is required' : 'cannot be empty', 'REQUIRED'];
}
