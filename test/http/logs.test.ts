import express from 'express';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded-postgres.js';
import { SearchUnavailableError } from '../../src/search/engine.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startGdcat, stopGdcat, type Gdcat } from '../support/gdcat-process.js';

/**
 * What an operator finds in the log (README, Operations, "Logs"): one line per request, a request id the
 * client is given and can quote, and nothing the client meant to keep to itself.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SEARCH = 'query FindDatasets($q: String) { datasets(query: $q) { totalCount } }';

describe('operator logs', () => {
  let catalogue: TestCatalogue;
  const lines: string[] = [];
  const restore: (() => void)[] = [];

  beforeAll(async () => {
    const broken = express.Router().get('/test/broken', () => {
      throw new Error('the test route broke');
    });
    catalogue = await startTestCatalogue({ seed: false, log: (line) => lines.push(line), routers: [broken] });
  });
  afterAll(() => catalogue?.stop());
  afterEach(() => restore.splice(0).forEach((undo) => undo()));

  /** Replaces a search engine method until the end of the test. */
  function breakSearch<K extends 'search' | 'ping'>(method: K, replacement: (typeof catalogue.search)[K]): void {
    const original = catalogue.search[method];
    catalogue.search[method] = replacement;
    restore.push(() => {
      catalogue.search[method] = original;
    });
  }

  async function post(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${catalogue.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  }

  /** The lines logged for a request id, once its access line (written when the response is done) is there. */
  async function loggedFor(requestId: string, expected = 1): Promise<string[]> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const found = lines.filter((line) => line.includes(`requestId=${requestId}`));
      if (found.length >= expected || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = 'edge-proxy.7f3a:2024_01-x';
    expect((await fetch(`${catalogue.url}/service-info`, { headers: { 'x-request-id': given } })).headers.get('x-request-id')).toBe(given);
    expect((await fetch(`${catalogue.url}/service-info`)).headers.get('x-request-id')).toMatch(UUID);
    for (const insane of ['two words', 'x'.repeat(129), 'a;b', 'id"quoted', '']) {
      const answered = (await fetch(`${catalogue.url}/service-info`, { headers: { 'x-request-id': insane } })).headers.get('x-request-id');
      expect(answered, insane).toMatch(UUID);
    }
    // A 404 and a client error carry it too.
    expect((await fetch(`${catalogue.url}/nowhere`, { headers: { 'x-request-id': 'lost-1' } })).headers.get('x-request-id')).toBe('lost-1');
    expect((await post({ query: '{' }, { 'x-request-id': 'syntax-1' })).headers.get('x-request-id')).toBe('syntax-1');
  });

  it('logs one line per request: method, path without query values, status, duration, bytes and request id', async () => {
    const response = await fetch(`${catalogue.url}/dcat/catalog?pageSize=secret-value-q1`, { headers: { 'x-request-id': 'access-dcat-1', accept: 'text/turtle' } });
    const body = Buffer.from(await response.arrayBuffer());
    const [line] = await loggedFor('access-dcat-1');
    expect(line).toMatch(/^request method=GET path=\/dcat\/catalog\?pageSize status=\d{3} durationMs=\d+(\.\d)? bytes=\d+ requestId=access-dcat-1$/);
    expect(line).toContain(`status=${response.status}`);
    expect(line).toContain(`bytes=${body.length}`);
    expect(lines.join('\n')).not.toContain('secret-value-q1');
  });

  it('names the GraphQL operation (bounded) and never its variables, the Authorization header or cookies', async () => {
    const token = await catalogue.token('admin');
    const headers = { 'x-request-id': 'access-gql-1', authorization: `Bearer ${token}`, cookie: 'session=cookie-secret-c7' };
    const response = await post({ query: SEARCH, operationName: 'FindDatasets', variables: { q: 'variable-secret-v7' } }, headers);
    expect(response.status).toBe(200);
    const [line] = await loggedFor('access-gql-1');
    expect(line).toMatch(/^request method=POST path=\/graphql status=200 durationMs=\S+ bytes=\d+ operation=FindDatasets requestId=access-gql-1$/);

    // A client that names no operation (curl, scripts): the one its document names.
    await post({ query: SEARCH, variables: { q: 'variable-secret-u7' } }, { 'x-request-id': 'access-gql-unnamed' });
    const [unnamed] = await loggedFor('access-gql-unnamed');
    expect(unnamed).toContain(' operation=FindDatasets ');
    expect(unnamed).not.toContain('variable-secret');

    await post({ query: '{ __typename }', operationName: 'N'.repeat(150) }, { 'x-request-id': 'access-gql-long' });
    const [long] = await loggedFor('access-gql-long');
    expect(long).toContain(` operation=${'N'.repeat(100)} `);
    expect(long).not.toContain('N'.repeat(101));

    // Text a client chose cannot forge a line of its own.
    await post({ query: '{ __typename }', operationName: 'Evil\nrequest method=GET path=/forged' }, { 'x-request-id': 'access-gql-evil' });
    const [evil] = await loggedFor('access-gql-evil');
    expect(evil).toContain('operation="Evil\\nrequest method=GET path=/forged"');

    // GET /graphql takes its variables in the query string.
    await fetch(`${catalogue.url}/graphql?query=${encodeURIComponent(SEARCH)}&variables=${encodeURIComponent('{"q":"variable-secret-g7"}')}`, {
      headers: { 'x-request-id': 'access-gql-get', 'apollo-require-preflight': 'true' },
    });
    const [get] = await loggedFor('access-gql-get');
    expect(get).toContain('path=/graphql?query&variables ');

    const log = lines.join('\n');
    for (const secret of [token, 'cookie-secret-c7', 'variable-secret-v7', 'variable-secret-g7']) expect(log).not.toContain(secret);
  });

  it('leaves healthy probes out and logs failing ones', async () => {
    for (const probe of ['/healthz', '/readyz', '/metrics']) {
      expect((await fetch(`${catalogue.url}${probe}`, { headers: { 'x-request-id': `probe-${probe.slice(1)}` } })).status).toBe(200);
    }
    await fetch(`${catalogue.url}/service-info`, { headers: { 'x-request-id': 'after-probes' } });
    expect(await loggedFor('after-probes')).toHaveLength(1);
    expect(lines.filter((line) => line.includes('requestId=probe-'))).toEqual([]);

    breakSearch('ping', async () => false);
    expect((await fetch(`${catalogue.url}/readyz`, { headers: { 'x-request-id': 'probe-failing' } })).status).toBe(503);
    const failing = await loggedFor('probe-failing');
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatch(/^request method=GET path=\/readyz status=503 /);
  });

  it('gives the client of a masked GraphQL internal error a request id that the logged error and its stack carry', async () => {
    breakSearch('search', async () => {
      throw new Error('the search engine broke in a way nobody foresaw');
    });
    const response = await post({ query: SEARCH, variables: { q: 'epilepsy' } });
    const requestId = response.headers.get('x-request-id')!;
    expect(requestId).toMatch(UUID);
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors).toEqual([{ message: 'internal server error', path: ['datasets'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }]);
    const logged = await loggedFor(requestId, 2);
    const error = logged.find((line) => line.startsWith('internal error:'));
    expect(error).toMatch(new RegExp(`^internal error: Error: the search engine broke in a way nobody foresaw requestId=${requestId}\\n\\s+at `));
  });

  it('gives the request id with SEARCH_UNAVAILABLE too', async () => {
    breakSearch('search', async () => {
      throw new SearchUnavailableError('connect ECONNREFUSED 127.0.0.1:9200');
    });
    const response = await post({ query: SEARCH, variables: { q: 'epilepsy' } }, { 'x-request-id': 'search-down-1' });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0].extensions).toEqual({ code: 'SEARCH_UNAVAILABLE', requestId: 'search-down-1' });
    expect(await loggedFor('search-down-1', 2)).toContain('SEARCH_UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:9200 requestId=search-down-1');
  });

  it('gives the client of a masked internal error outside GraphQL the request id in its JSON body', async () => {
    const response = await fetch(`${catalogue.url}/test/broken`, { headers: { 'x-request-id': 'broken-route-1' } });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ errors: [{ message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'broken-route-1' } }] });
    const logged = await loggedFor('broken-route-1', 2);
    expect(logged.find((line) => line.startsWith('GET /test/broken failed:'))).toMatch(/^GET \/test\/broken failed: Error: the test route broke requestId=broken-route-1\n\s+at /);
    expect(logged).toContainEqual(expect.stringMatching(/^request method=GET path=\/test\/broken status=500 /));
  });
});

describe('LOG_FORMAT=json (gdcat serve)', () => {
  let db: TestDatabase;
  let stateDir: string;
  let gdcat: Gdcat | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    stateDir = await mkdtemp(path.join(tmpdir(), 'gdcat-logs-'));
  });
  afterAll(async () => {
    await stopGdcat(gdcat);
    await db?.drop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('writes every line as one JSON object with time, level and msg, and the access fields', async () => {
    const port = await freePort();
    const env = { LOG_FORMAT: 'json', DATABASE_URL: db.url, ELASTICSEARCH_URL: '', GDCAT_STATE_DIR: stateDir, PORT: String(port), SEED_WHEN_EMPTY: 'false', HARVEST_SCHEDULER: 'off', AUTH_MODE: 'dev' };
    gdcat = await startGdcat('serve', env, /listening on/);
    const url = `http://127.0.0.1:${port}`;
    await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'json-1' },
      body: JSON.stringify({ query: 'query Ping { __typename }', operationName: 'Ping' }),
    });
    const deadline = Date.now() + 5_000;
    while (!gdcat.output.join('').includes('json-1') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await stopGdcat(gdcat);
    const logged = gdcat.output.join('').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of logged) {
      expect(entry).toMatchObject({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: expect.stringMatching(/^(info|warn|error)$/), msg: expect.any(String) });
    }
    expect(logged).toContainEqual(expect.objectContaining({ level: 'info', msg: expect.stringMatching(/listening on/) }));
    expect(logged.find((entry) => entry.requestId === 'json-1')).toEqual({
      time: expect.any(String),
      level: 'info',
      msg: 'request',
      method: 'POST',
      path: '/graphql',
      status: 200,
      durationMs: expect.any(Number),
      bytes: expect.any(Number),
      operation: 'Ping',
      requestId: 'json-1',
    });
  });
});
