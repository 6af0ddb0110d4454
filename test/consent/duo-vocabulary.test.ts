import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { assessUse } from '../../src/consent/use-assessment.js';
import { isIsoCountryCode } from '../../src/core/iso-codes.js';
import {
  countryGroup,
  DUO,
  duoRelease,
  duoTerms,
  findDuoTerm,
  validateConsentCodes,
  type ConsentCodeError,
} from '../../src/consent/duo-vocabulary.js';

const owl = readFileSync(new URL('../../data/standards/duo/duo.owl', import.meta.url), 'utf8');

/**
 * A second, deliberately simple reading of the release (text patterns, no RDF library), so the
 * classification the module derives can be checked against the file rather than against itself.
 */
function classesInFile(): Map<string, { id: string; superClasses: string[]; shorthand?: string }> {
  const classes = new Map<string, { id: string; superClasses: string[]; shorthand?: string }>();
  for (const [, iri, body] of owl.matchAll(/<owl:Class rdf:about="([^"]+)">([\s\S]*?)<\/owl:Class>/g)) {
    const id = /<oboInOwl:id[^>]*>([^<]+)</.exec(body)?.[1];
    if (!id) continue;
    classes.set(iri, {
      id,
      superClasses: [...body.matchAll(/<rdfs:subClassOf rdf:resource="([^"]+)"\/>/g)].map((m) => m[1]),
      shorthand: /<oboInOwl:shorthand[^>]*>([^<]+)</.exec(body)?.[1],
    });
  }
  return classes;
}

function fileDescendantsOf(rootIri: string): Set<string> {
  const classes = classesInFile();
  const below = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [iri, c] of classes) {
      if (!below.has(iri) && c.superClasses.some((s) => s === rootIri || below.has(s))) {
        below.add(iri);
        grew = true;
      }
    }
  }
  return new Set([...below].map((iri) => (classes.get(iri) as { id: string }).id));
}

interface SeedConsent {
  duoPermission: { code: string; iri: string };
  duoModifiers: { code: string; iri: string; value?: string }[];
  diseaseRestrictions: { iri: string }[];
}

describe('DUO release file', () => {
  it('is the pinned 2021-02-23 release', () => {
    expect(duoRelease().versionIri).toBe('http://purl.obolibrary.org/obo/duo/releases/2021-02-23/duo.owl');
  });

  it('exposes every DUO class of the file', () => {
    const inFile = [...classesInFile().values()].map((c) => c.id).filter((id) => id.startsWith('DUO:'));
    expect(inFile).toHaveLength(39);
    expect(duoTerms().map((t) => t.code).sort()).toEqual(inFile.sort());
  });

  it('classifies exactly the subclasses of "data use permission" (DUO:0000001) as permissions', () => {
    const permissions = fileDescendantsOf('http://purl.obolibrary.org/obo/DUO_0000001');
    expect([...permissions].sort()).toEqual([DUO.NRES, DUO.HMB, DUO.DS, DUO.POA, DUO.GRU].sort());
    for (const term of duoTerms()) expect(term.kind === 'PERMISSION', term.code).toBe(permissions.has(term.code));
  });

  it('classifies exactly the subclasses of "data use modifier" (DUO:0000017) as modifiers', () => {
    const modifiers = fileDescendantsOf('http://purl.obolibrary.org/obo/DUO_0000017');
    expect(modifiers.size).toBe(18);
    for (const term of duoTerms()) expect(term.kind === 'MODIFIER', term.code).toBe(modifiers.has(term.code));
  });

  it('marks the obsolete classes and nothing else', () => {
    expect(duoTerms().filter((t) => t.obsolete).map((t) => t.code)).toEqual([
      'DUO:0000002',
      'DUO:0000003',
      'DUO:0000005',
      'DUO:0000014',
    ]);
    expect(findDuoTerm('GRU-CC')?.replacedBy).toEqual([DUO.GRU, DUO.CC]);
  });

  it('takes shorthands from the oboInOwl:shorthand annotations', () => {
    const fromFile = new Map([...classesInFile().values()].map((c) => [c.id, c.shorthand ?? null]));
    for (const term of duoTerms()) expect(term.shorthand, term.code).toBe(fromFile.get(term.code));
    expect(
      [DUO.NRES, DUO.GRU, DUO.HMB, DUO.DS, DUO.POA].map((code) => [code, findDuoTerm(code)?.shorthand, findDuoTerm(code)?.kind]),
    ).toEqual([
      [DUO.NRES, 'NRES', 'PERMISSION'],
      [DUO.GRU, 'GRU', 'PERMISSION'],
      [DUO.HMB, 'HMB', 'PERMISSION'],
      [DUO.DS, 'DS', 'PERMISSION'],
      [DUO.POA, 'POA', 'PERMISSION'],
    ]);
  });

  it('carries labels and definitions from the file', () => {
    const gru = findDuoTerm(DUO.GRU);
    expect(gru?.label).toBe('general research use');
    expect(gru?.definition).toBe('This data use permission indicates that use is allowed for general research use for any research purpose.');
    expect(gru?.iri).toBe('http://purl.obolibrary.org/obo/DUO_0000042');
  });
});

describe('findDuoTerm', () => {
  it.each([
    'DUO:0000042',
    'DUO_0000042',
    'duo:0000042',
    'http://purl.obolibrary.org/obo/DUO_0000042',
    'GRU',
    'gru',
  ])('finds GRU from %s', (key) => {
    expect(findDuoTerm(key)?.code).toBe(DUO.GRU);
  });

  it('accepts both the customary and the release-declared IRI of NPOA', () => {
    expect(findDuoTerm('http://purl.obolibrary.org/obo/DUO_0000044')?.shorthand).toBe('NPOA');
    expect(findDuoTerm('http://purl.obolibrary.org/obo/DUO_00000044')?.shorthand).toBe('NPOA');
    expect(findDuoTerm('NPOA')?.iri).toBe('http://purl.obolibrary.org/obo/DUO_0000044');
  });

  it('returns undefined for codes outside the release', () => {
    expect(findDuoTerm('DUO:9999999')).toBeUndefined();
    expect(findDuoTerm('XYZ')).toBeUndefined();
  });
});

describe('validateConsentCodes', () => {
  const cases: {
    name: string;
    permission: string;
    modifiers?: { code: string; value?: string | null }[];
    diseases?: string[];
    expected: { field: string; code: ConsentCodeError['code']; message: RegExp }[];
  }[] = [
    { name: 'a valid HMB consent', permission: DUO.HMB, modifiers: [{ code: DUO.IRB }, { code: DUO.GS, value: 'SE' }], expected: [] },
    { name: 'a valid DS consent', permission: DUO.DS, diseases: ['MONDO:0004992'], expected: [] },
    { name: 'shorthands and IRIs are accepted', permission: 'http://purl.obolibrary.org/obo/DUO_0000042', modifiers: [{ code: 'ncu' }], expected: [] },
    { name: 'missing permission', permission: ' ', expected: [{ field: 'consent.duoPermission', code: 'REQUIRED', message: /exactly one/ }] },
    { name: 'unknown permission', permission: 'DUO:9999999', expected: [{ field: 'consent.duoPermission', code: 'UNKNOWN_DUO_CODE', message: /"DUO:9999999" is not a term/ }] },
    {
      name: 'obsolete permission names its replacement',
      permission: 'DUO:0000005',
      expected: [{ field: 'consent.duoPermission', code: 'OBSOLETE_DUO_CODE', message: /GRU-CC.*obsolete.*replacement: DUO:0000042 \(GRU.*DUO:0000043 \(CC/ }],
    },
    { name: 'modifier as permission', permission: DUO.NCU, expected: [{ field: 'consent.duoPermission', code: 'NOT_A_PERMISSION', message: /NCU.*belongs in consent\.duoModifiers/ }] },
    { name: 'non-DUO-use class as permission', permission: 'DUO:0000031', expected: [{ field: 'consent.duoPermission', code: 'NOT_A_PERMISSION', message: /method development/ }] },
    {
      name: 'permission as modifier',
      permission: DUO.GRU,
      modifiers: [{ code: DUO.IRB }, { code: DUO.HMB }],
      expected: [{ field: 'consent.duoModifiers[1].code', code: 'NOT_A_MODIFIER', message: /HMB.*belongs in consent\.duoPermission/ }],
    },
    { name: 'obsolete modifier', permission: DUO.GRU, modifiers: [{ code: 'DUO:0000014' }], expected: [{ field: 'consent.duoModifiers[0].code', code: 'OBSOLETE_DUO_CODE', message: /RU.*obsolete/ }] },
    { name: 'unknown modifier', permission: DUO.GRU, modifiers: [{ code: 'FOO' }], expected: [{ field: 'consent.duoModifiers[0].code', code: 'UNKNOWN_DUO_CODE', message: /"FOO"/ }] },
    {
      name: 'duplicate modifier',
      permission: DUO.GRU,
      modifiers: [{ code: DUO.PUB }, { code: 'PUB' }],
      expected: [{ field: 'consent.duoModifiers[1].code', code: 'DUPLICATE_MODIFIER', message: /consent\.duoModifiers\[0\]/ }],
    },
    { name: 'DS without disease', permission: DUO.DS, expected: [{ field: 'consent.diseaseRestrictions', code: 'DISEASE_RESTRICTION_REQUIRED', message: /at least one disease/ }] },
    {
      name: 'disease restriction on HMB',
      permission: DUO.HMB,
      diseases: ['MONDO:0004992'],
      expected: [{ field: 'consent.diseaseRestrictions', code: 'DISEASE_RESTRICTION_NOT_ALLOWED', message: /only to DUO:0000007/ }],
    },
    {
      name: 'malformed disease id',
      permission: DUO.DS,
      diseases: ['MONDO:0004992', 'cancer'],
      expected: [{ field: 'consent.diseaseRestrictions[1]', code: 'DISEASE_ID_INVALID', message: /"cancer"/ }],
    },
    { name: 'GS without value', permission: DUO.GRU, modifiers: [{ code: DUO.GS }], expected: [{ field: 'consent.duoModifiers[0].value', code: 'MODIFIER_VALUE_REQUIRED', message: /ISO 3166-1/ }] },
    { name: 'GS with an unknown country', permission: DUO.GRU, modifiers: [{ code: DUO.GS, value: 'SE/XX' }], expected: [{ field: 'consent.duoModifiers[0].value', code: 'MODIFIER_VALUE_INVALID', message: /"XX" is not an ISO 3166-1/ }] },
    { name: 'GS with region tokens', permission: DUO.GRU, modifiers: [{ code: DUO.GS, value: 'SE/EU-EEA' }], expected: [] },
    { name: 'TS without value', permission: DUO.GRU, modifiers: [{ code: DUO.TS, value: null }], expected: [{ field: 'consent.duoModifiers[0].value', code: 'MODIFIER_VALUE_REQUIRED', message: /number of months/ }] },
    { name: 'TS with a fraction', permission: DUO.GRU, modifiers: [{ code: DUO.TS, value: '2.5' }], expected: [{ field: 'consent.duoModifiers[0].value', code: 'MODIFIER_VALUE_INVALID', message: /not a whole number of months/ }] },
    { name: 'MOR with an impossible date', permission: DUO.GRU, modifiers: [{ code: DUO.MOR, value: '2027-02-30' }], expected: [{ field: 'consent.duoModifiers[0].value', code: 'MODIFIER_VALUE_INVALID', message: /ISO 8601 date/ }] },
    { name: 'MOR without value', permission: DUO.GRU, modifiers: [{ code: DUO.MOR }], expected: [{ field: 'consent.duoModifiers[0].value', code: 'MODIFIER_VALUE_REQUIRED', message: /YYYY-MM-DD/ }] },
    {
      name: 'several problems at once',
      permission: DUO.DS,
      modifiers: [{ code: DUO.GS, value: 'Sverige' }, { code: DUO.GRU }],
      expected: [
        { field: 'consent.duoModifiers[0].value', code: 'MODIFIER_VALUE_INVALID', message: /"Sverige"/ },
        { field: 'consent.duoModifiers[1].code', code: 'NOT_A_MODIFIER', message: /GRU/ },
        { field: 'consent.diseaseRestrictions', code: 'DISEASE_RESTRICTION_REQUIRED', message: /disease/ },
      ],
    },
  ];

  it.each(cases)('$name', ({ permission, modifiers, diseases, expected }) => {
    const errors = validateConsentCodes(permission, modifiers ?? [], diseases ?? []);
    expect(errors.map(({ field, code }) => ({ field, code }))).toEqual(expected.map(({ field, code }) => ({ field, code })));
    errors.forEach((error, i) => expect(error.message).toMatch(expected[i].message));
  });

  it('accepts every consent scope in the seed catalogue', () => {
    const seed = JSON.parse(
      readFileSync(new URL('../../seed/example-catalogue.json', import.meta.url), 'utf8'),
    ) as { records: { id: string; consentScope?: SeedConsent }[] };
    const scopes = seed.records.filter((r) => r.consentScope);
    expect(scopes.length).toBe(16);
    for (const { id, consentScope } of scopes) {
      const scope = consentScope as SeedConsent;
      for (const term of [scope.duoPermission, ...scope.duoModifiers]) {
        expect(findDuoTerm(term.iri)?.code, `${id}: ${term.iri}`).toBe(term.code);
      }
      const errors = validateConsentCodes(
        scope.duoPermission.code,
        scope.duoModifiers.map((m) => ({ code: m.code, value: m.value })),
        scope.diseaseRestrictions.map((d) => d.iri),
      );
      expect(errors, id).toEqual([]);
    }
  });
});

describe('GS country groups (data/geography/country-groups.json)', () => {
  const eu = countryGroup('EU')!;
  const eea = countryGroup('EEA')!;

  it('has the 27 member states and every territory with its own ISO 3166-1 code that is part of the EU', () => {
    for (const code of ['SE', 'FI', 'FR', 'ES', 'PT', 'DE', 'IE', 'AX', 'GF', 'GP', 'MQ', 'RE', 'YT', 'MF']) expect(eu.has(code), code).toBe(true);
    expect(eu.size).toBe(27 + 7);
    for (const code of eu) expect(isIsoCountryCode(code), code).toBe(true);
  });

  it('leaves out the overseas countries and territories, the Faroes, former members and neighbours', () => {
    for (const code of ['GL', 'NC', 'PF', 'PM', 'WF', 'TF', 'BL', 'AW', 'CW', 'SX', 'BQ', 'FO', 'GB', 'GI', 'MC', 'AD', 'SM', 'VA', 'CH', 'NO']) {
      expect(eu.has(code), code).toBe(false);
    }
  });

  it('makes the EEA the EU plus Iceland, Liechtenstein and Norway, without Svalbard or Bouvet Island', () => {
    for (const code of eu) expect(eea.has(code), code).toBe(true);
    for (const code of ['IS', 'LI', 'NO']) expect(eea.has(code), code).toBe(true);
    for (const code of ['SJ', 'BV', 'CH']) expect(eea.has(code), code).toBe(false);
    expect(countryGroup('EU-EEA')).toBe(eea);
  });

  it('lets a requester in an EU outermost region or Åland use data restricted to the EU', () => {
    const rules = { permission: DUO.HMB, modifiers: [{ code: DUO.GS, value: 'EU' }], diseaseRestrictions: [] };
    const purpose = {
      primaryPurpose: 'HEALTH_MEDICAL_BIOMEDICAL' as const,
      diseases: [],
      commercial: false,
      forProfitOrganisation: false,
      methodsDevelopment: false,
      ancestryResearch: false,
      nonGeneticResearch: false,
      clinicalCare: false,
    };
    expect(assessUse(rules, { ...purpose, country: 'RE' }).outcome).toBe('PERMITTED');
    expect(assessUse(rules, { ...purpose, country: 'AX' }).outcome).toBe('PERMITTED');
    expect(assessUse(rules, { ...purpose, country: 'GL' }).outcome).toBe('NOT_PERMITTED');
  });
});
