import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataAccessBody } from '../../src/access/data-access-body.entity.js';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { HealthEconomicEvaluation } from '../../src/economics/health-economic-evaluation.entity.js';
import { harvest } from '../../src/harvest/harvest.js';
import { HarvestedRecord } from '../../src/harvest/harvest-run.entity.js';
import { HarvestSource, HarvestSourceKind } from '../../src/harvest/harvest-source.entity.js';
import { Organisation } from '../../src/organisations/organisation.entity.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const GMS = 'urn:example:gms-catalogue:org:gms';
// The test sources listen on 127.0.0.1: harvesting them takes the allowance an operator gives with HARVEST_ALLOW_PRIVATE_NETWORKS.
const OPTIONS = { timeoutMs: 2_000, maxDocuments: 100, allowPrivateNetworks: true };
const AGENCY = 'https://region-b.example/agency';
const BODY = 'https://region-b.example/access-committee';
const CONTRIBUTOR = 'https://standards.iso.org/iso/19115/resources/Codelists/gml/CI_RoleCode.xml#contributor';

/**
 * A DCAT-AP catalogue of one dataset naming region B's agency and access committee as a source states them: as its
 * publisher (region B's own source), or as a contributor beside a publisher of its own (another source).
 */
function catalogueOf(dataset: string, agency: { name: string; email: string }, body: { email: string; page: string }, publisher = AGENCY): string {
  const contributor = publisher === AGENCY ? '' : `; prov:qualifiedAttribution [ prov:agent <${AGENCY}> ; dcat:hadRole <${CONTRIBUTOR}> ]
    . <${publisher}> a foaf:Organization ; foaf:name "Publisher of ${dataset}"@en`;
  return `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    @prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
    @prefix healthdcatap: <http://healthdataportal.eu/ns/health#> . @prefix prov: <http://www.w3.org/ns/prov#> .
    <https://catalogue.example/${dataset}> a dcat:Dataset ; dct:identifier "${dataset}" ; dct:title "Dataset ${dataset}"@en ;
      dct:description "About ${dataset}."@en ; dct:publisher <${publisher}> ; healthdcatap:hdab <${BODY}> ${contributor} .
    <${AGENCY}> a foaf:Organization ; foaf:name "${agency.name}"@en ; foaf:mbox <mailto:${agency.email}> .
    <${BODY}> a foaf:Organization ; foaf:name "Region B access committee"@en ;
      dcat:contactPoint [ a vcard:Kind ; vcard:fn "Access committee" ; vcard:hasEmail <mailto:${body.email}> ; vcard:hasURL <${body.page}> ] .`;
}

const documents = new Map<string, string>();
let server: Server;
let base: string;
let catalogue: TestCatalogue;
let regionB: HarvestSource;
let regionA: HarvestSource;

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = documents.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-type': body ? 'text/turtle' : 'text/plain' }).end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  catalogue = await startTestCatalogue();
  const em = catalogue.orm.em.fork();
  const organisation = await em.findOneOrFail(Organisation, { identifier: GMS });
  const source = (identifier: string) => em.create(HarvestSource, { identifier, title: identifier, url: `${base}/${identifier}`, kind: HarvestSourceKind.DCAT_AP, organisation, schedule: 'PT1H' });
  regionB = source('region-b');
  regionA = source('region-a');
  await em.flush();
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await catalogue?.stop();
});

const harvestOf = (source: HarvestSource) => harvest(catalogue.orm.em.fork(), { source, url: source.url, kind: source.kind, organisation: GMS }, OPTIONS);

describe('records a harvest brings besides datasets belong to the source that brought them', () => {
  it('another source stating the same IRIs does not rewrite them', async () => {
    documents.set('/region-b', catalogueOf('b-1', { name: 'Region B', email: 'data@region-b.example' }, { email: 'access@region-b.example', page: 'https://region-b.example/apply' }));
    expect(await harvestOf(regionB)).toMatchObject({ outcome: 'SUCCEEDED', failed: 0 });

    // Another source describes region B's agency and committee under their own IRIs, with its own e-mail and pages.
    documents.set('/region-a', catalogueOf('a-1', { name: 'Region B', email: 'requests@attacker.example' }, { email: 'access@attacker.example', page: 'https://attacker.example/apply' }, 'https://region-a.example/agency'));
    const run = await harvestOf(regionA);
    expect(run.outcome).not.toBe('FAILED');

    const em = catalogue.orm.em.fork();
    expect(await em.findOneOrFail(Organisation, { identifier: AGENCY })).toMatchObject({ contactEmail: 'data@region-b.example' });
    expect(await em.findOneOrFail(DataAccessBody, { identifier: BODY })).toMatchObject({ contactEmail: 'access@region-b.example', applicationUrl: 'https://region-b.example/apply' });
    // Its own dataset is written, naming them as they are.
    const dataset = await em.findOneOrFail(Dataset, { identifier: 'a-1' }, { populate: ['contributors', 'hdab'] });
    expect([dataset.contributors.getItems().map((c) => c.identifier), dataset.hdab?.identifier]).toEqual([[AGENCY], BODY]);
  });

  it('the source that brought them still changes them', async () => {
    documents.set('/region-b', catalogueOf('b-1', { name: 'Region B', email: 'research@region-b.example' }, { email: 'access@region-b.example', page: 'https://region-b.example/apply-here' }));
    expect(await harvestOf(regionB)).toMatchObject({ outcome: 'SUCCEEDED', failed: 0, updated: 2 });
    const em = catalogue.orm.em.fork();
    expect(await em.findOneOrFail(Organisation, { identifier: AGENCY })).toMatchObject({ contactEmail: 'research@region-b.example' });
    expect(await em.findOneOrFail(DataAccessBody, { identifier: BODY })).toMatchObject({ applicationUrl: 'https://region-b.example/apply-here' });
  });

  it('records harvested before sources were remembered belong to the one source whose datasets name them (Migration20261210100000)', async () => {
    const claims = () => catalogue.orm.em.fork().find(HarvestedRecord, { identifier: { $in: [AGENCY, BODY] } }, { populate: ['source'], orderBy: { kind: 'asc', identifier: 'asc' } });
    const before = (await claims()).map((claim) => [claim.kind, claim.identifier, claim.source?.identifier]);
    expect(before).toEqual([['DataAccessBody', BODY, 'region-b'], ['Organisation', AGENCY, 'region-b']]);
    // Region A's dataset names them too: as a harvest before the migration left them, neither source would be theirs.
    await catalogue.orm.migrator.down({ to: 'Migration20261209100000_dataset_harvested_at_when_written' });
    await catalogue.orm.migrator.up();
    expect(await claims()).toEqual([]);
    // Named by region B's datasets alone, they are region B's.
    await catalogue.orm.em.getConnection().execute(`delete from dataset where identifier = 'a-1'`);
    await catalogue.orm.migrator.down({ to: 'Migration20261209100000_dataset_harvested_at_when_written' });
    await catalogue.orm.migrator.up();
    expect((await claims()).map((claim) => [claim.kind, claim.identifier, claim.source?.identifier])).toEqual(before);
  });

  it("another source cannot attach its evaluation to a dataset it does not bring", async () => {
    const local = 'urn:example:gms-catalogue:dataset:rd-wgs-gmck';
    documents.set('/region-a', `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
      @prefix ext: <https://w3id.org/gdcat/ext#> .
      <https://catalogue.example/a-2> a dcat:Dataset ; dct:identifier "${local}" ; dct:title "Someone else's dataset"@en ;
        dct:description "Registered at the national node."@en ; dct:isReferencedBy <https://catalogue.example/evaluations/planted> .
      <https://catalogue.example/evaluations/planted> a ext:HealthEconomicEvaluation ; dct:identifier "planted-evaluation" ;
        dct:title "WGS does not pay" ; ext:evaluationType "CUA" ; ext:currency "SEK" ; ext:priceYearNote "None." ; ext:perspective "HOSPITAL" .`);
    const run = await harvestOf(regionA);
    expect(run.errors).toEqual([expect.objectContaining({ identifier: local, code: 'DUPLICATE' })]);
    const evaluations = await catalogue.gql(`query($id: ID!) { dataset(id: $id) { healthEconomicEvaluations { identifier } } }`, { id: local });
    expect(evaluations.data?.dataset.healthEconomicEvaluations.map((e: { identifier: string }) => e.identifier)).not.toContain('planted-evaluation');
    // Evaluating nothing the source brings, it is not taken at all.
    expect(await catalogue.orm.em.fork().count(HealthEconomicEvaluation, { identifier: 'planted-evaluation' })).toBe(0);
  });

  it('a source publishes as the organisation it speaks for and as harvested ones, not as another organisation registered here', async () => {
    const skane = 'urn:example:gms-catalogue:org:region-skane';
    const minted = (identifier: string) => `<https://catalogue.example/dcat/organisations/${encodeURIComponent(identifier)}>`;
    const dataset = (id: string, publisher: string) => `<https://catalogue.example/${id}> a dcat:Dataset ; dct:identifier "${id}" ;
        dct:title "Dataset ${id}"@en ; dct:description "About ${id}."@en ; dct:publisher ${publisher} .`;
    documents.set('/region-a', `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
      ${dataset('as-skane', minted(skane))}
      ${dataset('as-itself', minted(GMS))}
      ${dataset('as-region-b-agency', `<${AGENCY}>`)}`);
    const run = await harvestOf(regionA);
    expect(run.errors.map((error) => [error.identifier, error.field, error.code])).toEqual([['as-skane', 'publisher', 'FORBIDDEN']]);
    const written = await catalogue.orm.em.fork().find(Dataset, { identifier: { $in: ['as-skane', 'as-itself', 'as-region-b-agency'] } }, { orderBy: { identifier: 'asc' } });
    expect(written.map((d) => d.identifier)).toEqual(['as-itself', 'as-region-b-agency']);
  });

  it('a source cannot make an organisation registered here the operator of an access body it brings', async () => {
    const skane = 'urn:example:gms-catalogue:org:region-skane';
    const body = 'https://catalogue.example/dcat/access-bodies/fake-hdab';
    const skaneIri = `https://catalogue.example/dcat/organisations/${encodeURIComponent(skane)}`;
    documents.set('/region-a', `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
      @prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
      @prefix healthdcatap: <http://healthdataportal.eu/ns/health#> . @prefix prov: <http://www.w3.org/ns/prov#> .
      <https://catalogue.example/with-hdab> a dcat:Dataset ; dct:identifier "with-hdab" ; dct:title "Dataset with an HDAB"@en ;
        dct:description "About it."@en ; dct:publisher <https://catalogue.example/dcat/organisations/${encodeURIComponent(GMS)}> ; healthdcatap:hdab <${body}> ;
        prov:qualifiedAttribution [ prov:agent <${skaneIri}> ; dcat:hadRole <${CONTRIBUTOR}> ] .
      <${body}> a foaf:Organization ; foaf:name "Health data access body"@en ;
        dcat:contactPoint <${body}#contact> .
      <${body}#contact> a vcard:Kind ; vcard:fn "Applications" ; vcard:hasEmail <mailto:apply@attacker.example> .
      <${skaneIri}> a foaf:Organization ; foaf:name "Region Skåne"@en ;
        dcat:contactPoint <${body}#contact> .`);
    const run = await harvestOf(regionA);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', failed: 0 });
    expect(run.warnings).toContainEqual(expect.objectContaining({ identifier: 'fake-hdab', iri: body, field: 'operatedBy', code: 'LEFT_OUT' }));
    const written = await catalogue.orm.em.fork().findOneOrFail(DataAccessBody, { identifier: 'fake-hdab' }, { populate: ['operatedBy'] });
    expect(written.operatedBy?.identifier ?? null).toBeNull();
    const gms = await catalogue.orm.em.fork().findOneOrFail(Organisation, { identifier: GMS });
    expect(written.ownerOrganisationId).toBe(gms.id);
  });
});
