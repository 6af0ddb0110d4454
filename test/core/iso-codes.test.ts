import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isIsoCountryCode, isIsoCurrencyCode } from '../../src/core/iso-codes.js';
import { isIsoCalendarDate, isIsoPartialDate } from '../../src/core/validation.js';

describe('ISO codes from data/iso-codes (Debian iso-codes)', () => {
  it('knows assigned countries, including territories with their own code, and nothing else', () => {
    for (const code of ['SE', 'NO', 'FI', 'DE', 'US', 'RE', 'AX', 'GL', 'FO']) expect(isIsoCountryCode(code), code).toBe(true);
    for (const code of ['XX', 'XK', 'EU', 'ZZ', 'UK', 'se', 'SWE', '', 'S']) expect(isIsoCountryCode(code), code).toBe(false);
  });

  it('knows currencies, and refuses the ISO 4217 codes that are not money (XXX, XTS, metals, fund units)', () => {
    for (const code of ['SEK', 'EUR', 'USD', 'NOK', 'XOF', 'XAF', 'XCD', 'CHF']) expect(isIsoCurrencyCode(code), code).toBe(true);
    for (const code of ['XXX', 'XTS', 'XAU', 'XAG', 'XDR', 'XBA', 'ABC', 'sek', 'SE', '']) expect(isIsoCurrencyCode(code), code).toBe(false);
  });

  it('reads every code from the shipped lists (nothing typed in by hand)', () => {
    const countries = (JSON.parse(readFileSync(new URL('../../data/iso-codes/iso_3166-1.json', import.meta.url), 'utf8')) as { '3166-1': { alpha_2: string }[] })['3166-1'];
    expect(countries.length).toBeGreaterThan(240);
    expect(countries.every((country) => isIsoCountryCode(country.alpha_2))).toBe(true);
  });
});

describe('dates', () => {
  it('accepts real calendar dates only', () => {
    expect(isIsoCalendarDate('2024-02-29')).toBe(true);
    for (const text of ['2024-02-30', '2023-02-29', '2024-13-01', '2024-00-10', '2024-1-1', '24-01-01']) expect(isIsoCalendarDate(text), text).toBe(false);
  });

  it('accepts a year, a year and month, or a real date where a partial date is allowed', () => {
    for (const text of ['2020', '2020-12', '2024-02-29']) expect(isIsoPartialDate(text), text).toBe(true);
    for (const text of ['2020-13', '2020-00', '2024-02-30', '2020-1', 'soon']) expect(isIsoPartialDate(text), text).toBe(false);
  });
});
