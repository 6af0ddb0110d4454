import express from 'express';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/core/repo-root.js';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { Distribution } from '../../src/datasets/distribution.entity.js';
import { webCatalogue } from '../../src/http/web-catalogue.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

/** The base URL the test server publishes under (test/support/catalogue.ts). */
const BASE = 'http://gdcat.test';
const PUBLISHED = 'urn:example:gms-catalogue:dataset:rd-trio-skane';
const DRAFT = 'urn:example:gms-catalogue:dataset:complex-cad-uppsala';
const WITHDRAWN = 'urn:example:gms-catalogue:dataset:myeloid-panel-skane';
const WITHDRAWAL_REASON = 'Superseded by the national myeloid panel dataset.';
const SKANE = 'urn:example:gms-catalogue:org:region-skane';
/** A published dataset whose title and description try to break out of every place they are written. */
const TRICKY = 'urn:example:gms-catalogue:dataset:rd-wgs-gmck';
const TRICKY_TITLE = `Trios <b>"bold"</b> & 'quoted' </script><script>alert(1)</script> $& $' <!-- end`;
const TRICKY_DESCRIPTION = `A "description" with </title><meta name="robots" content="noindex"> & </script> in it`;
const LICENSE = 'https://creativecommons.org/licenses/by/4.0/';
/** A published dataset whose identifier is an IRI with characters no HTTP header may carry as they are. */
const IRI_NAMED = 'urn:example:gms-catalogue:dataset:rd-cardio-vgr';
const IRI = 'https://example.org/datasets/Łódź-kardiomyopati';
const DOI = '10.17044/scilifelab.12345';

let catalogue: TestCatalogue;
let shellDir: string;

beforeAll(async () => {
  // The application's own page source as the shell: its head has the title and description a landing page replaces.
  shellDir = await mkdtemp(path.join(tmpdir(), 'gdcat-shell-'));
  await copyFile(path.join(repoRoot(), 'web', 'index.html'), path.join(shellDir, 'index.html'));
  let web: express.Router | null = null;
  catalogue = await startTestCatalogue({ routers: [express.Router().use((req, res, next) => (web ? web(req, res, next) : next()))] });
  web = webCatalogue({ distDir: shellDir, auth: { mode: 'dev', devKeyFile: path.join(shellDir, 'key.json') }, orm: catalogue.orm, baseUrl: BASE, smallCountThreshold: 5 }).router;
  const em = catalogue.orm.em.fork();
  await em.nativeUpdate(Dataset, { identifier: TRICKY }, { title: TRICKY_TITLE, description: TRICKY_DESCRIPTION, otherIdentifiers: [`doi:${DOI}`] });
  await em.nativeUpdate(Dataset, { identifier: IRI_NAMED }, { identifier: IRI });
  const published = await em.findOneOrFail(Dataset, { identifier: PUBLISHED });
  await em.nativeUpdate(Distribution, { dataset: published.id }, { license: LICENSE });
  const { data } = await catalogue.gql(
    'mutation($id: ID!, $reason: String!) { withdrawDataset(id: $id, reason: $reason) { userErrors { message } } }',
    { id: WITHDRAWN, reason: WITHDRAWAL_REASON },
    await catalogue.token('data_manager', [SKANE]),
  );
  expect(data?.withdrawDataset).toEqual({ userErrors: [] });
});

afterAll(async () => {
  await catalogue?.stop();
  if (shellDir) await rm(shellDir, { recursive: true, force: true });
});

const landingPath = (identifier: string) => `/datasets/${encodeURIComponent(identifier)}`;
/** Where one of our URLs is served by the test server. */
const located = (url: string) => (url.startsWith(BASE) ? catalogue.url + url.slice(BASE.length) : url);

async function landing(identifier: string, method = 'GET') {
  const response = await fetch(catalogue.url + landingPath(identifier), { method });
  return { status: response.status, links: parseLinks(response.headers.get('link')), html: await response.text(), headers: response.headers };
}

interface Link {
  href: string;
  rel: string;
  type?: string;
}

/** A Link header's links (RFC 8288), as a client reads them. */
function parseLinks(header: string | null): Link[] {
  if (!header) return [];
  return [...header.matchAll(/<([^>]*)>((?:\s*;\s*[a-z]+="[^"]*")*)/g)].map(([, href, params]) => {
    const param = (name: string) => new RegExp(`;\\s*${name}="([^"]*)"`).exec(params!)?.[1];
    return { href: href!, rel: param('rel')!, ...(param('type') && { type: param('type') }) };
  });
}

const head = (html: string) => html.slice(0, html.indexOf('</head>'));
const unescapeHtml = (text: string) =>
  text.replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[name]!);
const titleOf = (html: string) => [...head(html).matchAll(/<title>([^<]*)<\/title>/g)].map(([, text]) => unescapeHtml(text!));
const descriptionsOf = (html: string) => [...head(html).matchAll(/<meta name="description" content="([^"]*)">/g)].map(([, text]) => unescapeHtml(text!));
/** The JSON-LD scripts of the head: each ends at the first </script>, as an HTML parser ends it. */
const jsonLdOf = (html: string) =>
  [...head(html).matchAll(/<script type="application\/ld\+json"[^>]*>([\s\S]*?)<\/script>/g)].map(([, text]) => JSON.parse(text!) as Record<string, unknown>);
const linkElements = (html: string, rel: string) =>
  [...head(html).matchAll(new RegExp(`<link rel="${rel}"(?: type="([^"]*)")? href="([^"]*)"`, 'g'))].map(([, type, href]) => ({ type, href: unescapeHtml(href!) }));

describe('dataset landing pages for clients that run no JavaScript', () => {
  it('answers 404 for an identifier nobody published, with the application as the body', async () => {
    for (const identifier of ['urn:example:no-such-dataset', DRAFT]) {
      const page = await landing(identifier);
      expect(page.status, identifier).toBe(404);
      // The application still loads: a signed-in data manager's browser renders their own draft.
      expect(page.html).toContain('<div id="app">');
      expect(page.links).toEqual([]);
      expect(jsonLdOf(page.html)).toEqual([]);
      expect(titleOf(page.html)).toEqual(['gdcat — genomic data catalogue']);
      expect((await landing(identifier, 'HEAD')).status).toBe(404);
    }
  });

  it('states a published dataset in the head: title, description, canonical address, DCAT documents and schema.org markup', async () => {
    const page = await landing(PUBLISHED);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(titleOf(page.html)).toEqual(['Paediatric rare-disease WGS trios, Region Skåne — gdcat']);
    const [description] = descriptionsOf(page.html);
    expect(description).toMatch(/^Trio WGS \(child \+ parents\)/);
    expect(descriptionsOf(page.html)).toHaveLength(1);
    expect(linkElements(page.html, 'canonical')).toEqual([{ type: undefined, href: `${BASE}${landingPath(PUBLISHED)}` }]);
    const documents = linkElements(page.html, 'alternate');
    expect(documents.map((document) => document.type)).toEqual(['text/turtle', 'application/ld+json', 'application/rdf+xml', 'application/n-triples']);
    for (const document of documents) {
      const response = await fetch(located(document.href));
      expect(response.status, document.href).toBe(200);
      expect(response.headers.get('content-type')).toMatch(new RegExp(`^${document.type!.replace('+', '\\+')}`));
    }
    const [markup, ...more] = jsonLdOf(page.html);
    expect(more).toEqual([]);
    expect(markup).toMatchObject({
      '@context': 'https://schema.org/',
      '@type': 'Dataset',
      '@id': `${BASE}/dcat/datasets/${encodeURIComponent(PUBLISHED)}`,
      url: `${BASE}${landingPath(PUBLISHED)}`,
      name: 'Paediatric rare-disease WGS trios, Region Skåne',
      identifier: PUBLISHED,
      creativeWorkStatus: 'Published',
    });
    expect(markup!.description).toBe(description);
    // Marked, so the application drops the server's links and markup when it renders its own (web/src/main.ts).
    expect(head(page.html).match(/<(link|script)[^>]*data-server-head/g)).toHaveLength(6);
  });

  it('discloses counts of people in the markup as to anonymous GraphQL callers', async () => {
    const { data } = await catalogue.gql<{ dataset: { cohort: { numberOfUniqueIndividuals: number | null } } }>(
      `{ dataset(id: "${PUBLISHED}") { cohort { numberOfUniqueIndividuals } } }`,
    );
    const [markup] = jsonLdOf((await landing(PUBLISHED)).html);
    const disclosed = data!.dataset.cohort.numberOfUniqueIndividuals;
    expect(disclosed).not.toBeNull();
    expect(markup!.variableMeasured).toMatchObject({ value: disclosed });
  });

  it('signposts a published dataset (FAIR Signposting): cite-as, type, describedby per format, license', async () => {
    const { links } = await landing(PUBLISHED);
    const dcatIri = `${BASE}/dcat/datasets/${encodeURIComponent(PUBLISHED)}`;
    expect(links.filter((link) => link.rel === 'cite-as')).toEqual([{ href: dcatIri, rel: 'cite-as' }]);
    expect(links.filter((link) => link.rel === 'type').map((link) => link.href)).toEqual(['https://schema.org/Dataset', 'https://schema.org/AboutPage']);
    expect(links.filter((link) => link.rel === 'describedby')).toEqual([
      { href: `${dcatIri}?format=ttl`, rel: 'describedby', type: 'text/turtle' },
      { href: `${dcatIri}?format=jsonld`, rel: 'describedby', type: 'application/ld+json' },
      { href: `${dcatIri}?format=rdf`, rel: 'describedby', type: 'application/rdf+xml' },
      { href: `${dcatIri}?format=nt`, rel: 'describedby', type: 'application/n-triples' },
    ]);
    expect(links.filter((link) => link.rel === 'license')).toEqual([{ href: LICENSE, rel: 'license' }]);
    // Each DCAT document names the landing page it describes.
    for (const { href } of links.filter((link) => link.rel === 'describedby')) {
      const response = await fetch(located(href));
      expect(parseLinks(response.headers.get('link')), href).toEqual([{ href: `${BASE}${landingPath(PUBLISHED)}`, rel: 'describes' }]);
    }
  });

  it('cites a dataset by the DOI it states, and states no license when it gives none', async () => {
    const { links } = await landing(TRICKY);
    expect(links.filter((link) => link.rel === 'cite-as')).toEqual([{ href: `https://doi.org/${DOI}`, rel: 'cite-as' }]);
    expect(links.filter((link) => link.rel === 'license')).toEqual([]);
  });

  it('cites a dataset whose identifier is an IRI by that IRI, percent-encoded where a header needs it', async () => {
    const page = await landing(IRI);
    expect(page.status).toBe(200);
    expect(page.links.filter((link) => link.rel === 'cite-as')).toEqual([{ href: 'https://example.org/datasets/%C5%81%C3%B3d%C5%BA-kardiomyopati', rel: 'cite-as' }]);
    expect(jsonLdOf(page.html)[0]).toMatchObject({ '@id': IRI, identifier: IRI });
  });

  it('answers HEAD with the status and links of GET and no body', async () => {
    const get = await landing(PUBLISHED);
    const head = await landing(PUBLISHED, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.links).toEqual(get.links);
    expect(head.html).toBe('');
  });

  it('keeps a withdrawn dataset\'s page, which says it was withdrawn; its DCAT tombstone still points back to it', async () => {
    const page = await landing(WITHDRAWN);
    expect(page.status).toBe(200);
    const [markup] = jsonLdOf(page.html);
    expect(markup).toMatchObject({ identifier: WITHDRAWN, creativeWorkStatus: 'Withdrawn' });
    expect(descriptionsOf(page.html)[0]).toContain(WITHDRAWAL_REASON);
    expect(page.links.some((link) => link.rel === 'cite-as')).toBe(true);
    const tombstone = await fetch(`${catalogue.url}/dcat/datasets/${encodeURIComponent(WITHDRAWN)}`);
    expect(tombstone.status).toBe(410);
    expect(parseLinks(tombstone.headers.get('link'))).toEqual([{ href: `${BASE}${landingPath(WITHDRAWN)}`, rel: 'describes' }]);
  });

  it('escapes the dataset\'s texts wherever the head states them', async () => {
    const page = await landing(TRICKY);
    expect(page.status).toBe(200);
    expect(titleOf(page.html)).toEqual([`${TRICKY_TITLE} — gdcat`]);
    expect(descriptionsOf(page.html)).toEqual([TRICKY_DESCRIPTION]);
    const [markup, ...more] = jsonLdOf(page.html);
    expect(more).toEqual([]);
    expect(markup).toMatchObject({ name: TRICKY_TITLE, description: TRICKY_DESCRIPTION });
    expect(page.html).not.toContain('<script>alert(1)');
    expect(page.html).not.toContain('<meta name="robots"');
    // Nothing of the record is left outside the head's elements: the body is the application's.
    expect(page.html.slice(page.html.indexOf('</head>'))).not.toContain('Trios');
  });

  it('reads the dataset in at most two statements', async () => {
    catalogue.queries.length = 0;
    expect((await landing(PUBLISHED)).status).toBe(200);
    expect(catalogue.queries.length).toBeLessThanOrEqual(2);
  });
});
