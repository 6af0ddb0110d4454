import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './repo-root.js';

/**
 * ISO 3166-1 country and ISO 4217 currency codes, from the maintained lists shipped in data/iso-codes/
 * (Debian iso-codes; see SOURCE.md there), read once on first use.
 */

/** ISO 4217 codes that do not name money a cost can be stated in (metals, bond units, funds, test, none). */
const NOT_MONEY = new Set(['XAG', 'XAU', 'XPD', 'XPT', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XSU', 'XUA', 'XTS', 'XXX']);

let countries: ReadonlySet<string> | undefined;
let currencies: ReadonlySet<string> | undefined;

function codesOf(file: string, list: string, key: string): string[] {
  const parsed = JSON.parse(readFileSync(path.join(repoRoot(), 'data', 'iso-codes', file), 'utf8')) as Record<string, Record<string, string>[]>;
  return parsed[list]!.map((entry) => entry[key]!);
}

/** True for an assigned ISO 3166-1 alpha-2 country code, upper case (SE, RE, AX; not XK, EU or ZZ). */
export function isIsoCountryCode(code: string): boolean {
  countries ??= new Set(codesOf('iso_3166-1.json', '3166-1', 'alpha_2'));
  return countries.has(code);
}

/** True for an ISO 4217 code of a currency (SEK, EUR, XOF; not XXX, XTS or XAU). */
export function isIsoCurrencyCode(code: string): boolean {
  currencies ??= new Set(codesOf('iso_4217.json', '4217', 'alpha_3').filter((c) => !NOT_MONEY.has(c)));
  return currencies.has(code);
}
