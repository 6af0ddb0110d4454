/**
 * The languages catalogue content (titles, descriptions, keywords, names) may be written in, and the one rule
 * for choosing which of them to show. Swedish and English: a Swedish national catalogue writes Swedish, EHDS
 * harvesters and international researchers read English. Both search engines index exactly these two
 * (PostgreSQL's swedish and english text search configurations, Elasticsearch's per-language fields), so the
 * list is fixed here rather than configured.
 */
export const CONTENT_LANGUAGES = ['sv', 'en'] as const;
export type ContentLanguage = (typeof CONTENT_LANGUAGES)[number];

/** The language of a record that does not name one: what every record was written in before languages existed. */
export const DEFAULT_RECORD_LANGUAGE: ContentLanguage = 'en';

export function isContentLanguage(value: unknown): value is ContentLanguage {
  return typeof value === 'string' && (CONTENT_LANGUAGES as readonly string[]).includes(value);
}

/** The content language a BCP 47 tag asks for ('sv-SE' and 'SV' ask for sv); null when it is none of them. */
export function contentLanguageOf(tag: string): ContentLanguage | null {
  const primary = tag.trim().toLowerCase().split('-')[0];
  return isContentLanguage(primary) ? primary : null;
}

/**
 * The content languages an Accept-Language header asks for, most wanted first (by q, then by position);
 * ranges for other languages, `*` and q=0 are left out.
 */
export function acceptedLanguages(header: string | null | undefined): ContentLanguage[] {
  if (!header) return [];
  const ranges = header.split(',').flatMap((part, position) => {
    const [tag = '', ...params] = part.split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    const language = contentLanguageOf(tag);
    return language && Number.isFinite(q) && q > 0 ? [{ language, q, position }] : [];
  });
  ranges.sort((a, b) => b.q - a.q || a.position - b.position);
  return [...new Set(ranges.map((range) => range.language))];
}

/**
 * Which of the available languages to show: the first wanted one that is available, else the record's own
 * language, else the first available in CONTENT_LANGUAGES order. Null when nothing is available.
 */
export function chooseLanguage(available: readonly string[], wanted: readonly string[], own: string): string | null {
  for (const language of [...wanted, own]) if (available.includes(language)) return language;
  const ordered = [...available].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  return ordered[0] ?? null;
}

function rank(language: string): number {
  const index = (CONTENT_LANGUAGES as readonly string[]).indexOf(language);
  return index === -1 ? CONTENT_LANGUAGES.length : index;
}
