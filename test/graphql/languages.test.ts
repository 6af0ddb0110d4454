import { DataFactory, Store } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcat, dct, foaf } from '../../src/dcat/namespaces.js';
import { parse } from '../../src/dcat/rdf/parse.js';
import { elasticsearchForTests, uniqueIndexPrefix } from '../support/elasticsearch.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const { namedNode } = DataFactory;
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const GMCK = 'urn:example:gms-catalogue:dataset:rd-wgs-gmck';
const GMCK_SV = 'Klinisk helgenomsekvensering vid misstänkt sällsynt sjukdom, GMC Karolinska (2015–2020)';
const GMCK_EN = 'Rare-disease clinical WGS cohort, GMC Karolinska (2015–2020)';

/** A GraphQL request with an Accept-Language header. */
async function ask(catalogue: TestCatalogue, query: string, acceptLanguage?: string, token?: string) {
  const response = await fetch(`${catalogue.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
  return { ...body, vary: response.headers.get('vary') };
}

const CREATE = `mutation($input: DatasetInput!) {
  createDataset(input: $input) {
    dataset { id version language title titleSv: title(language: "sv") titleTranslations { language value } keywordTranslations { language value } }
    userErrors { field message code }
  }
}`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) {
  updateDataset(id: $id, expectedVersion: $v, input: $input) {
    dataset { version language title titleTranslations { language value } descriptionTranslations { language value } }
    userErrors { field message code }
  }
}`;

describe('Swedish and English content', () => {
  let catalogue: TestCatalogue;
  let admin: string;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    admin = await catalogue.token('admin');
  });
  afterAll(() => catalogue?.stop());

  describe('GraphQL returns the language asked for', () => {
    const query = `{ dataset(id: "${GMCK}") {
      language title description titleSv: title(language: "sv") titleEn: title(language: "en-GB") titleDe: title(language: "de")
      titleTranslations { language value }
      publisher { name nameSv: name(language: "sv-SE") }
      contributors { name nameTranslations { language value } }
    } }`;

    it('by the language argument, Accept-Language, then the record\'s own language', async () => {
      const plain = await ask(catalogue, query);
      expect(plain.errors).toBeUndefined();
      const dataset = plain.data!.dataset;
      expect(dataset.language).toBe('en');
      expect(dataset.title).toBe(GMCK_EN);
      expect(dataset.titleSv).toBe(GMCK_SV);
      expect(dataset.titleEn).toBe(GMCK_EN);
      // No German: the record's own language.
      expect(dataset.titleDe).toBe(GMCK_EN);
      expect(dataset.titleTranslations).toEqual([
        { language: 'en', value: GMCK_EN },
        { language: 'sv', value: GMCK_SV },
      ]);
      expect(dataset.contributors[0].nameTranslations).toEqual([
        { language: 'en', value: 'Genomic Medicine Centre (Karolinska University Hospital)' },
        { language: 'sv', value: 'Centrum för genomisk medicin (Karolinska Universitetssjukhuset)' },
      ]);

      const swedish = await ask(catalogue, query, 'de-DE, sv-SE;q=0.8, en;q=0.5');
      expect(swedish.vary).toMatch(/Accept-Language/i);
      expect(swedish.data!.dataset.title).toBe(GMCK_SV);
      expect(swedish.data!.dataset.description).toMatch(/^Klinisk helgenomsekvensering av patienter/);
      expect(swedish.data!.dataset.contributors[0].name).toBe('Centrum för genomisk medicin (Karolinska Universitetssjukhuset)');
      // The argument wins over the header.
      expect(swedish.data!.dataset.titleEn).toBe(GMCK_EN);
      // A name with no Swedish translation (a region's own name) falls back to the record's language.
      expect(swedish.data!.dataset.publisher.name).toBe('Region Stockholm');
      expect(swedish.data!.dataset.publisher.nameSv).toBe('Region Stockholm');

      const english = await ask(catalogue, query, 'sv;q=0.1, en');
      expect(english.data!.dataset.title).toBe(GMCK_EN);
    });

    it('labels organisation and access body facet buckets in the language asked for', async () => {
      const facets = `{ datasets(first: 0) { facets { field buckets { label } } } }`;
      const labels = async (language?: string) => {
        const { data } = await ask(catalogue, facets, language);
        return data!.datasets.facets.find((f: { field: string }) => f.field === 'accessBody').buckets.map((b: { label: string }) => b.label);
      };
      expect(await labels('sv')).toContain('Etikprövningsmyndigheten (etikprövning)');
      expect(await labels('en')).toContain('Etikprövningsmyndigheten (ethics approval step)');
    });

    it('falls back to any language the value has when the record\'s own language has none', async () => {
      const { data } = await ask(
        catalogue,
        `mutation { createOrganisation(input: { type: AUTHORITY, nameTranslations: [{ language: "sv", value: "Myndigheten för vård- och omsorgsanalys" }] }) {
          organisation { language name nameEn: name(language: "en") } userErrors { field message }
        } }`,
        undefined,
        admin,
      );
      expect(data!.createOrganisation.userErrors).toEqual([]);
      // Created with Swedish only: Swedish is its own language, and English readers get it too.
      expect(data!.createOrganisation.organisation).toEqual({
        language: 'sv',
        name: 'Myndigheten för vård- och omsorgsanalys',
        nameEn: 'Myndigheten för vård- och omsorgsanalys',
      });
    });
  });

  describe('writing texts in both languages', () => {
    let id: string;
    let version: number;

    it('creates a dataset with a title and keywords in Swedish and English', async () => {
      const { data, errors } = await catalogue.gql(
        CREATE,
        {
          input: {
            identifier: 'urn:test:languages:1',
            publisher: STOCKHOLM,
            titleTranslations: [
              { language: 'en', value: 'Paediatric epilepsy trios' },
              { language: 'sv', value: 'Trios vid epilepsi hos barn' },
            ],
            keywordTranslations: [
              { language: 'sv', value: 'epilepsi' },
              { language: 'sv', value: 'barn' },
              { language: 'en', value: 'epilepsy' },
            ],
          },
        },
        admin,
      );
      expect(errors).toBeUndefined();
      expect(data?.createDataset.userErrors).toEqual([]);
      const dataset = data?.createDataset.dataset;
      expect(dataset.language).toBe('en');
      expect(dataset.title).toBe('Paediatric epilepsy trios');
      expect(dataset.titleSv).toBe('Trios vid epilepsi hos barn');
      expect(dataset.keywordTranslations).toEqual([
        { language: 'en', value: 'epilepsy' },
        { language: 'sv', value: 'epilepsi' },
        { language: 'sv', value: 'barn' },
      ]);
      ({ id, version } = dataset);
    });

    it('keeps the other language when an older client sets the single-value title', async () => {
      const { data } = await catalogue.gql(UPDATE, { id, v: version, input: { title: 'Paediatric epilepsy WGS trios' } }, admin);
      expect(data?.updateDataset.userErrors).toEqual([]);
      expect(data?.updateDataset.dataset.titleTranslations).toEqual([
        { language: 'en', value: 'Paediatric epilepsy WGS trios' },
        { language: 'sv', value: 'Trios vid epilepsi hos barn' },
      ]);
      version = data?.updateDataset.dataset.version;
    });

    it('switches the record\'s own language, keeping every text', async () => {
      const { data } = await catalogue.gql(
        UPDATE,
        { id, v: version, input: { language: 'sv', descriptionTranslations: [{ language: 'sv', value: 'Helgenomsekvensering av trios.' }] } },
        admin,
      );
      expect(data?.updateDataset.userErrors).toEqual([]);
      expect(data?.updateDataset.dataset).toMatchObject({
        language: 'sv',
        title: 'Trios vid epilepsi hos barn',
        titleTranslations: [
          { language: 'sv', value: 'Trios vid epilepsi hos barn' },
          { language: 'en', value: 'Paediatric epilepsy WGS trios' },
        ],
        descriptionTranslations: [{ language: 'sv', value: 'Helgenomsekvensering av trios.' }],
      });
      version = data?.updateDataset.dataset.version;
      // Asking for no language in particular (Node's fetch sends `*`) gives the record's own language.
      const title = `{ dataset(id: "${id}") { title } }`;
      expect((await ask(catalogue, title, '*', admin)).data!.dataset.title).toBe('Trios vid epilepsi hos barn');
      expect((await ask(catalogue, title, 'en-US', admin)).data!.dataset.title).toBe('Paediatric epilepsy WGS trios');
    });

    it('refuses unknown languages, two titles in one language and a missing title in the record\'s language, naming the field', async () => {
      const { data } = await catalogue.gql(
        UPDATE,
        {
          id,
          v: version,
          input: {
            titleTranslations: [
              { language: 'en', value: 'One' },
              { language: 'en', value: 'Two' },
              { language: 'de', value: 'Drei' },
            ],
            keywordTranslations: [{ language: 'sv', value: '   ' }],
          },
        },
        admin,
      );
      expect(data?.updateDataset.dataset).toBeNull();
      expect(data?.updateDataset.userErrors).toEqual([
        { field: 'input.titleTranslations[1].language', message: 'gives a second title in en; give one per language', code: 'INVALID' },
        { field: 'input.titleTranslations[2].language', message: 'must be one of sv, en (got "de")', code: 'INVALID' },
        { field: 'input.titleTranslations', message: "needs a title in the record's language (sv); add one or set language", code: 'REQUIRED' },
        { field: 'input.keywordTranslations[0].value', message: 'cannot be empty; leave the language out instead', code: 'REQUIRED' },
      ]);
      const languageError = await catalogue.gql(UPDATE, { id, v: version, input: { language: 'fi' } }, admin);
      expect(languageError.data?.updateDataset.userErrors).toEqual([{ field: 'input.language', message: 'must be one of sv, en (got "fi")', code: 'INVALID' }]);
      const noTitle = await catalogue.gql(UPDATE, { id, v: version, input: { titleTranslations: [{ language: 'sv', value: 'Bara svenska' }], language: 'en' } }, admin);
      expect(noTitle.data?.updateDataset.userErrors).toEqual([
        { field: 'input.titleTranslations', message: "needs a title in the record's language (en); add one or set language", code: 'REQUIRED' },
      ]);
    });

    it('names an access body in both languages', async () => {
      const { data } = await catalogue.gql(
        `mutation { createDataAccessBody(input: { kind: DAC, operatedBy: "${STOCKHOLM}", name: "Stockholm genomics DAC",
          nameTranslations: [{ language: "sv", value: "Stockholms DAC för genomiska data" }] }) {
          dataAccessBody { name nameSv: name(language: "sv") nameTranslations { language value } } userErrors { field message }
        } }`,
        {},
        admin,
      );
      expect(data?.createDataAccessBody.userErrors).toEqual([]);
      expect(data?.createDataAccessBody.dataAccessBody).toEqual({
        name: 'Stockholm genomics DAC',
        nameSv: 'Stockholms DAC för genomiska data',
        nameTranslations: [
          { language: 'en', value: 'Stockholm genomics DAC' },
          { language: 'sv', value: 'Stockholms DAC för genomiska data' },
        ],
      });
    });
  });

  describe('import', () => {
    const IMPORT = `mutation($input: JSON!) { importCatalogue(input: $input, dryRun: false) {
      report { created failed problems { sheet row field message } } userErrors { field message }
    } }`;

    it('takes a record\'s language and its texts in the other language', async () => {
      const { data } = await catalogue.gql(
        IMPORT,
        {
          input: {
            organisations: [
              { id: 'urn:test:languages:org', name: 'Regionalt cancercentrum Väst', type: 'AUTHORITY', language: 'sv', translations: { en: { name: 'Regional Cancer Centre West' } } },
            ],
          },
        },
        admin,
      );
      expect(data?.importCatalogue.report).toMatchObject({ created: 1, failed: 0, problems: [] });
      const { data: read } = await catalogue.gql(`{ organisations(first: 100) { edges { node { identifier nameTranslations { language value } } } } }`, {}, admin);
      const imported = read?.organisations.edges.find((e: { node: { identifier: string } }) => e.node.identifier === 'urn:test:languages:org');
      expect(imported.node.nameTranslations).toEqual([
        { language: 'sv', value: 'Regionalt cancercentrum Väst' },
        { language: 'en', value: 'Regional Cancer Centre West' },
      ]);
    });

    it('reports a language it does not know, and writes nothing', async () => {
      const { data } = await catalogue.gql(
        IMPORT,
        {
          input: {
            organisations: [
              { id: 'urn:test:languages:org-2', name: 'Nordic node', type: 'AUTHORITY', translations: { no: { name: 'Nordisk node' } } },
              { id: 'urn:test:languages:org-3', name: 'Numbered node', type: 'AUTHORITY', translations: { sv: { name: 42 } } },
            ],
          },
        },
        admin,
      );
      expect(data?.importCatalogue.report).toMatchObject({ created: 0, failed: 2 });
      expect(data?.importCatalogue.report.problems).toEqual([
        { sheet: 'organisations', row: 1, field: 'nameTranslations[0].language', message: 'must be one of sv, en (got "no")' },
        // Read as its column says, as a cell is: named by its path in the file.
        { sheet: 'organisations', row: 2, field: 'translations.sv.name', message: 'must be text (got 42)' },
      ]);
    });
  });

  describe('RDF', () => {
    it('keeps both titles in every serialisation', async () => {
      for (const format of ['text/turtle', 'application/ld+json', 'application/rdf+xml', 'application/n-triples'] as const) {
        const response = await fetch(`${catalogue.url}/dcat/datasets/${encodeURIComponent(GMCK)}`, { headers: { accept: format } });
        const quads = await parse(await response.text(), format);
        const titles = quads
          .filter((q) => q.predicate.equals(dct('title')) && q.object.value.includes('GMC Karolinska'))
          .map((q) => `${q.object.value}@${(q.object as { language?: string }).language}`);
        expect(titles.sort(), format).toEqual([`${GMCK_SV}@sv`, `${GMCK_EN}@en`].sort());
      }
    });

    it('states every language of titles, descriptions, keywords and names as language-tagged literals, one per language', async () => {
      const response = await fetch(`${catalogue.url}/dcat/datasets/${encodeURIComponent(GMCK)}`, { headers: { accept: 'text/turtle' } });
      expect(response.status).toBe(200);
      const store = new Store(await parse(await response.text(), 'text/turtle'));
      const dataset = store.getSubjects(dct('identifier'), null, null).find((s) => store.has(DataFactory.quad(s, dct('identifier'), DataFactory.literal(GMCK))))!;
      const literals = (subject: typeof dataset, predicate: ReturnType<typeof dct>) =>
        store.getObjects(subject, predicate, null).map((o) => ({ value: o.value, language: (o as { language?: string }).language ?? '' }));
      const titles = literals(dataset, dct('title'));
      expect(titles).toEqual(expect.arrayContaining([{ value: GMCK_EN, language: 'en' }, { value: GMCK_SV, language: 'sv' }]));
      expect(titles).toHaveLength(2);
      expect(literals(dataset, dct('description')).map((d) => d.language).sort()).toEqual(['en', 'sv']);
      // Every dataset's and agent's literal of these properties carries a language tag (rdf:langString), none
      // twice in one language.
      const datasets = store.getSubjects(namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type'), dcat('Dataset'), null);
      expect(datasets.length).toBeGreaterThan(0);
      for (const predicate of [dct('title'), dct('description'), dcat('keyword'), foaf('name')]) {
        const subjects = predicate.equals(foaf('name')) ? null : datasets;
        for (const quad of store.getQuads(null, predicate, null, null).filter((q) => !subjects || subjects.some((s) => s.equals(q.subject)))) {
          const object = quad.object as { language?: string; datatype?: { value: string } };
          expect(object.language, `${predicate.value} of ${quad.subject.value}`).toMatch(/^(sv|en)$/);
          expect(object.datatype?.value).toBe('http://www.w3.org/1999/02/22-rdf-syntax-ns#langString');
        }
        for (const subject of subjects ?? store.getSubjects(predicate, null, null)) {
          if (predicate.equals(dcat('keyword'))) continue;
          const languages = literals(subject, predicate).map((l) => l.language);
          expect(new Set(languages).size, `${predicate.value} of ${subject.value}`).toBe(languages.length);
        }
      }
      // A distribution is written with its dataset, in the dataset's language.
      const distributions = store.getObjects(dataset, dcat('distribution'), null);
      expect(distributions.length).toBeGreaterThan(0);
      for (const distribution of distributions) {
        expect(literals(distribution as typeof dataset, dct('title')).map((t) => t.language)).toEqual(['en']);
      }
      const contributor = namedNode(store.getObjects(null, namedNode('http://www.w3.org/ns/prov#agent'), null).map((o) => o.value).find((iri) => iri.includes('gmc-stockholm'))!);
      expect(literals(contributor, foaf('name'))).toEqual(
        expect.arrayContaining([{ value: 'Centrum för genomisk medicin (Karolinska Universitetssjukhuset)', language: 'sv' }]),
      );
    });
  });

  describe('search finds datasets by Swedish and by English words (PostgreSQL)', () => {
    it('in titles and descriptions of both languages, and by Swedish stems', async () => {
      const ids = async (q: string) => {
        const { data } = await ask(catalogue, `{ datasets(query: "${q}", first: 50) { edges { node { identifier } } } }`);
        return data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier);
      };
      expect(await ids('sällsynt sjukdom')).toContain(GMCK);
      expect(await ids('rare disease')).toContain(GMCK);
      // "ungdom" is in no text; "ungdomar" is, in a Swedish description, where nothing is typo tolerant: found by
      // its Swedish stem.
      expect(await ids('ungdom')).toEqual(['urn:example:gms-catalogue:dataset:rd-cardio-vgr']);
    });
  });
});

const esUrl = elasticsearchForTests();

describe.skipIf(!esUrl)('search finds datasets by Swedish and by English words (Elasticsearch)', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue({ elasticsearchUrl: esUrl, indexPrefix: uniqueIndexPrefix('languages') });
    await catalogue.search.refresh();
  });
  afterAll(() => catalogue?.stop());

  it('in titles and descriptions of both languages', async () => {
    const ids = async (q: string) => {
      const { data } = await catalogue.gql(`{ datasets(query: "${q}", first: 50) { edges { node { identifier } } } }`);
      return data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier);
    };
    expect(await ids('sällsynt sjukdom')).toContain(GMCK);
    expect(await ids('sallsynt')).toContain(GMCK);
    expect(await ids('rare disease')).toContain(GMCK);
    expect(await ids('kardiomyopati')).toContain('urn:example:gms-catalogue:dataset:rd-cardio-vgr');
  });
});
