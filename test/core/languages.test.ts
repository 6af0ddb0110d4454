import { describe, expect, it } from 'vitest';
import { acceptedLanguages, chooseLanguage, contentLanguageOf } from '../../src/core/languages.js';

describe('content languages', () => {
  it('reads the content languages an Accept-Language header asks for, most wanted first', () => {
    expect(acceptedLanguages('sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7')).toEqual(['sv', 'en']);
    expect(acceptedLanguages('de-DE, en;q=0.5, sv;q=0.8')).toEqual(['sv', 'en']);
    expect(acceptedLanguages('en;q=0.5, sv;q=0.5')).toEqual(['en', 'sv']);
    expect(acceptedLanguages('sv;q=0, en')).toEqual(['en']);
    expect(acceptedLanguages('*')).toEqual([]);
    expect(acceptedLanguages('fr, de')).toEqual([]);
    expect(acceptedLanguages(undefined)).toEqual([]);
    expect(acceptedLanguages('sv;q=banana, en')).toEqual(['en']);
  });

  it('takes a BCP 47 tag for its primary language', () => {
    expect(contentLanguageOf('SV-se')).toBe('sv');
    expect(contentLanguageOf('en-GB')).toBe('en');
    expect(contentLanguageOf('nb')).toBeNull();
  });

  it('chooses the first wanted language available, else the record\'s own, else Swedish before English', () => {
    expect(chooseLanguage(['en', 'sv'], ['sv'], 'en')).toBe('sv');
    expect(chooseLanguage(['en', 'sv'], ['de', 'en'], 'sv')).toBe('en');
    expect(chooseLanguage(['en', 'sv'], [], 'en')).toBe('en');
    expect(chooseLanguage(['en'], ['sv'], 'en')).toBe('en');
    expect(chooseLanguage(['en', 'sv'], [], 'fi')).toBe('sv');
    expect(chooseLanguage(['sv'], ['en'], 'en')).toBe('sv');
    expect(chooseLanguage([], ['sv'], 'en')).toBeNull();
  });
});
