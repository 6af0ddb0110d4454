import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

describe('operational endpoints', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue({ seed: false });
  });
  afterAll(() => catalogue?.stop());

  it('answers /healthz and /readyz with the state of PostgreSQL, the search engine and indexing', async () => {
    const health = await fetch(`${catalogue.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: { up: true } });
    const ready = await fetch(`${catalogue.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      database: { up: true },
      search: { engine: 'postgres', up: true },
      indexing: { pendingOutboxEvents: 0, failedDocuments: 0, failures: [] },
    });
  });

  it('exposes Prometheus metrics including GraphQL request timings', async () => {
    await catalogue.gql('query DuoTerms { duoTerms { code } }');
    const text = await (await fetch(`${catalogue.url}/metrics`)).text();
    expect(text).toMatch(/gdcat_graphql_request_seconds_count\{operation="DuoTerms"\} \d+/);
    expect(text).toMatch(/gdcat_process_resident_memory_bytes/);
  });

  it('describes itself as a GA4GH service', async () => {
    const info = (await (await fetch(`${catalogue.url}/service-info`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ name: 'gdcat', type: { group: 'org.ga4gh' }, version: 'test' });
  });

  it('lists the pinned DUO release with permissions and modifiers', async () => {
    const { data } = await catalogue.gql('{ duoTerms { code shorthand kind obsolete } }');
    const terms = data!.duoTerms as { code: string; shorthand: string; kind: string; obsolete: boolean }[];
    expect(terms.filter((t) => t.kind === 'PERMISSION' && !t.obsolete).map((t) => t.shorthand).sort()).toEqual(['DS', 'GRU', 'HMB', 'NRES', 'POA']);
    expect(terms.find((t) => t.code === 'DUO:0000046')).toMatchObject({ shorthand: 'NCU', kind: 'MODIFIER' });
  });
});
