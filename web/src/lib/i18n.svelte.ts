import { en, sv, type Messages } from './messages';
import { enumLabels, type EnumName } from './enum-labels';

export type Language = 'en' | 'sv';
const KEY = 'gdcat.language';

/** The browser's preferred language unless the user chose one here. */
function initialLanguage(): Language {
  const chosen = localStorage.getItem(KEY);
  if (chosen === 'en' || chosen === 'sv') return chosen;
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'sv' || primary === 'en') return primary;
  }
  return 'en';
}

class I18n {
  language = $state<Language>(initialLanguage());

  get messages(): Messages {
    return this.language === 'sv' ? sv : en;
  }

  choose(language: Language): void {
    this.language = language;
    localStorage.setItem(KEY, language);
  }
}

export const i18n = new I18n();

$effect.root(() => {
  $effect(() => {
    document.documentElement.lang = i18n.language;
  });
});

/** A message with {placeholders} filled in. */
export function t(key: keyof Messages, values: Record<string, string | number> = {}): string {
  return i18n.messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The readable name of an API enum value (falls back to the value itself for values added later). */
export function label(kind: EnumName, value: string | null | undefined): string {
  if (!value) return '';
  const table: Record<string, string | undefined> = enumLabels[i18n.language][kind];
  return table[value] ?? value;
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(i18n.language === 'sv' ? 'sv-SE' : 'en-GB').format(value);
}

export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(i18n.language === 'sv' ? 'sv-SE' : 'en-GB', { dateStyle: 'medium' }).format(new Date(iso));
}
