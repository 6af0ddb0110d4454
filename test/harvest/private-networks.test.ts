import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.js';
import { harvest } from '../../src/harvest/harvest.js';
import { HarvestSourceKind } from '../../src/harvest/harvest-source.entity.js';
import { privateAddressKind, privateHostKind } from '../../src/harvest/private-networks.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const GMS = 'urn:example:gms-catalogue:org:gms';
const OUTSIDE = { timeoutMs: 2_000, maxDocuments: 10, allowPrivateNetworks: false };
const SETTING = 'set HARVEST_ALLOW_PRIVATE_NETWORKS=true to allow harvesting from private networks';

const CREATE = `mutation($input: HarvestSourceInput!) {
  createHarvestSource(input: $input) { harvestSource { identifier url } userErrors { field message code } }
}`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: HarvestSourcePatch!) {
  updateHarvestSource(id: $id, expectedVersion: $v, input: $input) { harvestSource { url } userErrors { field message code } }
}`;

describe('which addresses harvesting does not reach', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.100.100.200', 'private'],
    ['224.0.0.1', 'multicast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fd00:ec2::254', 'private'],
    ['fc00::1', 'private'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    // NAT64 and 6to4 carry an IPv4 address a gateway connects to.
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b:1::8.8.8.8', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['2002:c0a8:101:0:0:0:0:1', 'private'],
  ])('%s is %s', (address, kind) => {
    expect(privateAddressKind(address)).toBe(kind);
  });

  it.each(['8.8.8.8', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2001:db8::1', '2a00:1450:4001::1', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])('%s is public', (address) => {
    expect(privateAddressKind(address)).toBeNull();
  });

  it('reads a URL host as the connection will: any spelling of an address, and localhost', () => {
    expect(privateHostKind('http://127.0.0.1:9200/_cat/indices')).toBe('loopback');
    expect(privateHostKind('http://2130706433/')).toBe('loopback');
    expect(privateHostKind('http://0x7f.1/')).toBe('loopback');
    expect(privateHostKind('http://[::ffff:169.254.169.254]/latest/meta-data/')).toBe('link-local');
    expect(privateHostKind('http://[fe80::1]:8080/')).toBe('link-local');
    expect(privateHostKind('http://LocalHost:4000/')).toBe('loopback');
    expect(privateHostKind('http://es.localhost./')).toBe('loopback');
    expect(privateHostKind('https://region-stockholm.example/dcat/catalog')).toBeNull();
  });

  it('is off unless the operator allows private networks', () => {
    expect(configFromEnv({}).harvest!.allowPrivateNetworks).toBe(false);
    expect(configFromEnv({ HARVEST_ALLOW_PRIVATE_NETWORKS: 'true' }).harvest!.allowPrivateNetworks).toBe(true);
    expect(() => configFromEnv({ HARVEST_ALLOW_PRIVATE_NETWORKS: 'yes' })).toThrow('HARVEST_ALLOW_PRIVATE_NETWORKS must be true or false, not yes');
  });
});

describe('a source on the server\'s own network', () => {
  let catalogue: TestCatalogue;
  let internal: Server;
  let port: number;
  let requests = 0;

  beforeAll(async () => {
    // Stands in for an internal service (Elasticsearch, a metadata endpoint): it must never be asked anything.
    internal = createServer((_req, res) => {
      requests++;
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"internal":"secret"}');
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    const address = internal.address();
    port = typeof address === 'object' && address ? address.port : 0;
    catalogue = await startTestCatalogue();
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => internal?.close(() => resolve()));
    await catalogue?.stop();
  });

  it('cannot be registered, and says which setting allows it', async () => {
    const admin = await catalogue.token('admin');
    for (const url of [`http://127.0.0.1:${port}/catalog`, 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:7f00:1]:9200/', 'http://localhost:9200/']) {
      const { data } = await catalogue.gql(CREATE, { input: { identifier: 'inside', title: 'Inside', url, kind: 'DCAT_AP', organisation: GMS, schedule: 'PT1H' } }, admin);
      expect(data?.createHarvestSource.harvestSource).toBeNull();
      expect(data?.createHarvestSource.userErrors).toEqual([{ field: 'input.url', message: expect.stringMatching(new RegExp(`^names a (loopback|link-local) address; ${SETTING}$`)), code: 'INVALID' }]);
    }
    const created = await catalogue.gql(CREATE, { input: { identifier: 'outside', title: 'Outside', url: 'https://region-stockholm.example/dcat/catalog', kind: 'DCAT_AP', organisation: GMS, schedule: 'PT1H' } }, admin);
    expect(created.data?.createHarvestSource.userErrors).toEqual([]);
    const moved = await catalogue.gql(UPDATE, { id: 'outside', v: 1, input: { url: 'http://10.0.0.5/dcat/catalog' } }, admin);
    expect(moved.data?.updateHarvestSource.userErrors).toEqual([expect.objectContaining({ field: 'input.url', message: expect.stringMatching(/^names a private address/) })]);
    expect(requests).toBe(0);
  });

  it('is not harvested: the run fails without connecting, and tells nothing of what listens there', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const url = `http://${host}:${port}/_cat/indices`;
      const run = await harvest(catalogue.orm.em.fork(), { source: null, url, kind: HarvestSourceKind.DCAT_AP, organisation: GMS }, OUTSIDE);
      expect(run).toMatchObject({ outcome: 'FAILED', failed: 1 });
      expect(run.errors).toEqual([{ identifier: null, iri: url, field: null, code: 'PRIVATE_ADDRESS', message: `${url} resolves to a loopback address; ${SETTING}` }]);
    }
    expect(requests).toBe(0);
  });

  it('is harvested (and answers) once the operator allows private networks', async () => {
    const url = `http://127.0.0.1:${port}/_cat/indices`;
    const run = await harvest(catalogue.orm.em.fork(), { source: null, url, kind: HarvestSourceKind.DCAT_AP, organisation: GMS }, { ...OUTSIDE, allowPrivateNetworks: true });
    expect(run.errors).toEqual([expect.objectContaining({ code: 'HTTP_ERROR', message: `${url} answered 403 Forbidden` })]);
    expect(requests).toBe(1);
  });
});
