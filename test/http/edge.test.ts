import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { mintDevToken } from '../../src/auth/tokens.js';
import { configFromEnv, httpSettingsFromEnv, WEB_CATALOGUE_OPERATIONS } from '../../src/config.js';
import { toGlobalId } from '../../src/core/global-id.js';
import { freePort } from '../../src/db/embedded-postgres.js';
import { startCatalogue, type RunningCatalogue } from '../../src/http/catalogue-server.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const UUID = '0182dd9a-ce7f-4123-90a4-cdaecb65e9f7';

async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers, body });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

const codesOf = (text: string): string[] => ((JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).map((e) => e.extensions?.code ?? '');

describe('the HTTP edge as `gdcat serve` starts it', () => {
  let db: TestDatabase;
  let stateDir: string | undefined;
  let running: RunningCatalogue;
  let url: string;
  let admin: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    stateDir = await mkdtemp(path.join(tmpdir(), 'gdcat-edge-'));
    const config = configFromEnv({
      DATABASE_URL: db.url,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      PUBLIC_BASE_URL: 'https://catalogue.example.org',
      CORS_ORIGINS: 'https://portal.example.org',
      METRICS_TOKEN: 'scrape-secret',
      REQUEST_TIMEOUT_MS: '1500',
      HEADERS_TIMEOUT_MS: '1000',
    });
    config.stateDir = stateDir;
    config.auth = { ...config.auth, devKeyFile: path.join(stateDir, 'dev-signing-key.json') };
    running = await startCatalogue(config, () => undefined);
    url = running.url;
    admin = await mintDevToken(config.auth, { role: 'admin', orgs: [] });
  }, 120_000);
  afterAll(async () => {
    await running?.stop();
    await db?.drop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('describes itself at the public base URL, not localhost', async () => {
    const info = (await (await fetch(`${url}/service-info`)).json()) as { organization: { url: string } };
    expect(info.organization.url).toBe('https://catalogue.example.org');
  });

  it('answers malformed JSON, a foreign charset and a body over the limit with JSON errors, never an HTML page', async () => {
    const malformed = await post(url, '{"query": ');
    expect([malformed.status, codesOf(malformed.text)]).toEqual([400, ['BAD_REQUEST']]);
    const charset = await post(url, '{}', { 'content-type': 'application/json; charset=latin-9' });
    expect([charset.status, codesOf(charset.text)]).toEqual([415, ['UNSUPPORTED_MEDIA_TYPE']]);
    const large = await post(url, JSON.stringify({ query: '{ __typename }', variables: { x: 'x'.repeat(1_100_000) } }));
    expect([large.status, codesOf(large.text)]).toEqual([413, ['PAYLOAD_TOO_LARGE']]);
    // Nested far deeper than any document: JSON.parse takes it, the walks over arguments would overflow their stack.
    const nested = (depth: number) => `{"query": "{ __typename }", "variables": {"x": ${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const deep = await post(url, nested(100_000));
    expect([deep.status, JSON.parse(deep.text).errors[0].message]).toEqual([400, 'the request body nests arrays and objects deeper than 64 levels']);
    expect((await post(url, nested(62))).status).toBe(200);
    const missing = await fetch(`${url}/no/such/page`);
    expect(missing.status).toBe(404);
    for (const answer of [malformed, charset, large]) {
      expect(answer.type).toMatch(/^application\/json/);
      expect(answer.text).not.toMatch(/<html|\bat \S+ \(|node_modules/i);
    }
  });

  it('refuses a query whose brackets nest deeper than 64 levels (an import written inline), never with a 500', async () => {
    const asAdmin = { 'content-type': 'application/json', authorization: `Bearer ${admin}` };
    const importing = (depth: number) => `mutation { importCatalogue(dryRun: true, input: { records: ${'['.repeat(depth)}1${']'.repeat(depth)} }) { userErrors { message } } }`;
    // 3,000 levels overflowed graphql-js's stack in the JSON scalar: an internal server error.
    for (const depth of [3_000, 100]) {
      const deep = await post(url, JSON.stringify({ query: importing(depth) }), asAdmin);
      expect([deep.status, JSON.parse(deep.text).errors[0]], String(depth)).toEqual([
        400, { message: 'the query nests brackets deeper than 64 levels', extensions: { code: 'QUERY_TOO_DEEP' } },
      ]);
    }
    const viaGet = await fetch(`${url}/graphql?query=${encodeURIComponent(`{ datasets(query: ${'['.repeat(100)}"x"${']'.repeat(100)}) { totalCount } }`)}`);
    expect([viaGet.status, codesOf(await viaGet.text())]).toEqual([400, ['QUERY_TOO_DEEP']]);
    expect((await post(url, JSON.stringify({ query: importing(60) }), asAdmin)).status).toBe(200);
    // Brackets in strings and comments are text, not nesting.
    const quoted = `{ datasets(query: "${'['.repeat(100)}") { totalCount } } # ${'{'.repeat(100)}\n`;
    expect((await post(url, JSON.stringify({ query: quoted }))).status).toBe(200);
  });

  it('refuses NUL and malformed percent-encoding in RDF paths with a 400', async () => {
    for (const target of ['/dcat/datasets/%00', '/dcat/datasets/a%00b', '/dcat/datasets/%E0%A4%A', '/dcat/catalog?cursor=%00', '/dcat/organisations/%']) {
      const response = await fetch(`${url}${target}`);
      expect(response.status, target).toBe(400);
      expect(codesOf(await response.text()), target).toEqual(['BAD_REQUEST']);
    }
  });

  it('sends security headers fit for the web catalogue', async () => {
    const page = await fetch(`${url}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain('upgrade-insecure-requests');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-powered-by')).toBeNull();
  });

  it('allows only the configured CORS origins', async () => {
    const allowed = await fetch(`${url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://portal.example.org');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await fetch(`${url}/service-info`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keeps introspection off by default and does not spell out the schema in suggestions', async () => {
    const introspection = await post(url, JSON.stringify({ query: '{ __schema { types { name } } }' }));
    expect(introspection.text).not.toContain('"types"');
    expect(codesOf(introspection.text)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const typo = await post(url, JSON.stringify({ query: '{ dataset { titl } }' }));
    expect(typo.text).not.toContain('Did you mean');
    // Variables are coerced outside validation, where Apollo leaves the suggestions in.
    const create = 'mutation($i: DatasetInput!) { createDataset(input: $i) { userErrors { field } } }';
    for (const [input, named] of [
      [{ title: 'x', diagnosticArea: 'RARE_DISEASE' }, 'RARE_DISEASE'],
      [{ title: 'x', distributions: [{ title: 'd', accessURL: 'https://x' }] }, 'accessURL'],
    ] as const) {
      const inputTypo = await post(url, JSON.stringify({ query: create, variables: { i: input } }));
      expect(codesOf(inputTypo.text)).toContain('BAD_USER_INPUT');
      expect(inputTypo.text).toContain(named);
      expect(inputTypo.text).not.toContain('Did you mean');
    }
  });

  it('serves /metrics only with the operator’s token, with one series for every unknown operation name', async () => {
    for (let i = 0; i < 50; i++) await post(url, JSON.stringify({ query: `query Chosen${i} { __typename }` }));
    await post(url, JSON.stringify({ query: 'query DuoTerms { duoTerms { code } }' }));
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const scraped = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer scrape-secret' } });
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    const operations = new Set([...text.matchAll(/gdcat_graphql_request_seconds_count\{operation="([^"]+)"\}/g)].map((m) => m[1]));
    expect(operations.has('DuoTerms')).toBe(true);
    expect([...operations].filter((name) => !['DuoTerms', 'anonymous', 'other'].includes(name))).toEqual([]);
    expect(text).toMatch(/gdcat_graphql_request_seconds_count\{operation="other"\} (5\d|[6-9]\d)/);
  });

  it('keeps answering reads by id and writes while searches pile up (bounded search concurrency)', async () => {
    // Every search is held up for real: a transaction locks the search table, as long scans would hold it.
    const locker = new pg.Client({ connectionString: running.databaseUrl });
    await locker.connect();
    await locker.query('BEGIN; LOCK TABLE dataset_search IN ACCESS EXCLUSIVE MODE');
    const search = () => post(url, JSON.stringify({ query: '{ datasets(query: "leukaemia") { totalCount facets { field buckets { count } } } }' }));
    let searches: Promise<{ status: number; text: string }[]>;
    try {
      searches = Promise.all(Array.from({ length: 40 }, search));
      const byId = await post(url, JSON.stringify({ query: '{ dataset(id: "urn:example:gms-catalogue:dataset:al-wgs-wts") { identifier version id } }' }));
      const dataset = JSON.parse(byId.text).data.dataset as { identifier: string; version: number; id: string };
      expect(dataset.identifier).toBe('urn:example:gms-catalogue:dataset:al-wgs-wts');
      const write = await post(
        url,
        JSON.stringify({
          query: 'mutation($id: ID!, $v: Int!) { updateDataset(id: $id, expectedVersion: $v, input: { keywords: ["during a search storm"] }) { dataset { version } userErrors { message } } }',
          variables: { id: dataset.id, v: dataset.version },
        }),
        { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      );
      expect(JSON.parse(write.text).data.updateDataset).toEqual({ dataset: { version: dataset.version + 1 }, userErrors: [] });
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    const answers = await searches;
    const codes = answers.flatMap((answer) => (answer.text.includes('"errors"') ? codesOf(answer.text) : ['OK']));
    expect(answers.every((answer) => answer.status < 500)).toBe(true);
    expect(codes.filter((code) => code === 'SEARCH_BUSY').length).toBeGreaterThan(0);
    expect(codes.every((code) => ['OK', 'SEARCH_BUSY', 'SEARCH_TIMEOUT'].includes(code)), codes.join()).toBe(true);
  }, 60_000);

  it('closes a connection whose body trickles in, after the request timeout', async () => {
    const address = new URL(url);
    const socket = connect(Number(address.port), address.hostname);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"query":');
    const trickle = setInterval(() => socket.write(' '), 200);
    let answer = '';
    // Once the server has answered, a space still in flight meets a closed connection: the reset that comes
    // back is the client's to ignore, not the server's failure (the answer read before it is what counts).
    socket.on('error', () => clearInterval(trickle));
    socket.on('data', (chunk) => {
      clearInterval(trickle);
      answer += chunk.toString();
    });
    try {
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    } finally {
      clearInterval(trickle);
    }
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 20_000);
});

describe('GraphQL input limits, ids and cost', () => {
  let catalogue: TestCatalogue;
  let admin: string;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    admin = await catalogue.token('admin');
  }, 120_000);
  afterAll(() => catalogue?.stop());

  const raw = (query: string, variables: Record<string, unknown> = {}, token?: string) =>
    post(catalogue.url, JSON.stringify({ query, variables }), { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });

  it('refuses a 1 MB one-word search as a client error naming the argument, before any engine sees it', async () => {
    catalogue.queries.length = 0;
    const answer = await raw('query($q: String) { datasets(query: $q) { totalCount } }', { q: 'leukaemia'.repeat(110_000).slice(0, 1_000_000) });
    expect(answer.status).toBe(400);
    const error = JSON.parse(answer.text).errors[0];
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toBe('query: is longer than 500 characters');
    expect(catalogue.queries.filter((sql) => /dataset_search/.test(sql))).toEqual([]);
  });

  it('refuses NUL characters, lone surrogates and over-long identifiers, titles and free text anywhere in the arguments', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['query($id: ID!) { dataset(id: $id) { id } }', { id: 'a\u0000b' }, 'id: contains a NUL character'],
      ['query($id: ID!) { dataset(id: $id) { id } }', { id: 'x'.repeat(3_000) }, 'id: is longer than 500 characters'],
      ['{ organisations(first: 1, after: "x\\u0000") { totalCount } }', {}, 'after: contains a NUL character'],
      [
        'mutation($t: String!) { createDataset(input: { title: $t, publisher: "urn:example:gms-catalogue:org:region-stockholm" }) { userErrors { field } } }',
        { t: 'bad \ud800 title' },
        'input.title: contains a lone UTF-16 surrogate (half of a character)',
      ],
      ['query($id: ID!) { dataset(id: $id) { id } }', { id: 'a\udc00' }, 'id: contains a lone UTF-16 surrogate (half of a character)'],
      [
        'mutation($input: DatasetInput!) { createDataset(input: $input) { userErrors { field } } }',
        { input: { title: 't'.repeat(1_001), description: 'd'.repeat(20_001), publisher: STOCKHOLM, cohort: { genomeBuild: { name: 'g'.repeat(40_000) } } } },
        'input.title: is longer than 1000 characters; input.description: is longer than 20000 characters; input.cohort.genomeBuild.name: is longer than 1000 characters',
      ],
    ];
    for (const [query, variables, message] of cases) {
      const answer = await raw(query, variables, admin);
      expect(answer.status, message).toBe(400);
      expect(JSON.parse(answer.text).errors[0], message).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
    }
  });

  it('answers a token it cannot verify with 401 and the Bearer challenge', async () => {
    const challenges = { 'Bearer not-a-jwt': 'Bearer realm="gdcat", error="invalid_token"', 'Basic dXNlcjpwYXNz': 'Bearer realm="gdcat"' };
    for (const [authorization, challenge] of Object.entries(challenges)) {
      const answer = await fetch(`${catalogue.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(answer.status, authorization).toBe(401);
      expect(answer.headers.get('www-authenticate'), authorization).toBe(challenge);
      expect(codesOf(await answer.text())).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('names each argument at fault in userErrors, as a payload does, not in the message alone', async () => {
    const answer = await raw('query($q: String, $id: ID!) { datasets(query: $q) { totalCount } dataset(id: $id) { id } }', { q: 'x'.repeat(501), id: 'a\u0000b' });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).errors).toEqual([
      {
        message: 'query: is longer than 500 characters; id: contains a NUL character',
        extensions: {
          code: 'BAD_USER_INPUT',
          userErrors: [
            { field: 'query', message: 'is longer than 500 characters', code: 'INVALID' },
            { field: 'id', message: 'contains a NUL character', code: 'INVALID' },
          ],
        },
      },
    ]);
  });

  it('answers garbage ids and cursors as a client error or as nothing, never an internal error', async () => {
    const proto = await catalogue.gql(`{ node(id: "${toGlobalId('__proto__', UUID)}") { id } constructor: node(id: "${toGlobalId('constructor', UUID)}") { id } }`);
    expect(proto).toMatchObject({ status: 200, data: { node: null, constructor: null } });
    expect(proto.errors).toBeUndefined();
    const keyset = Buffer.from('["a","not-a-uuid"]').toString('base64url');
    for (const query of [
      `{ organisations(first: 2, after: "${keyset}") { totalCount } }`,
      `{ studies(first: 2, after: "${Buffer.from('["a",{"x":1}]').toString('base64url')}") { totalCount } }`,
      `{ datasets(query: "x", after: "${Buffer.from('["RELEVANCE",1,"zz"]').toString('base64url')}") { totalCount } }`,
      `{ datasets(sort: TITLE, after: "${Buffer.from(`["TITLE",1,"${UUID}"]`).toString('base64url')}") { totalCount } }`,
    ]) {
      const answer = await catalogue.gql(query);
      expect(answer.errors?.map((e) => e.extensions?.code), query).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('bounds one request’s work however it is spread over aliases (a 4xx, never a 500)', async () => {
    const aliased = (n: number, field: (i: number) => string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field(i)}`).join(' ')} }`;
    const requests = [
      aliased(5_000, () => `node(id: "${toGlobalId('Dataset', UUID)}") { id }`),
      aliased(2_000, () => 'dataset(id: "urn:example:gms-catalogue:dataset:al-wgs-wts") { id title }'),
      aliased(1_000, () => 'datasets(query: "leukaemia") { totalCount facets { field buckets { value label count } } }'),
      aliased(45, () => 'datasets(query: "leukaemia") { totalCount facets { field buckets { value label count } } }'),
      // Each dataset may hold 500 distributions: ten pages of 100 could answer half a million.
      aliased(10, () => 'datasets(first: 100) { edges { node { distributions { title accessUrl } } } }'),
      `query { ...A } fragment A on Query { ...B ...B ...B ...B } fragment B on Query { ...C ...C ...C ...C } fragment C on Query { ...D ...D ...D ...D }
       fragment D on Query { ...E ...E ...E ...E } fragment E on Query { duoTerms { code label definition shorthand kind obsolete } }`,
    ];
    for (const query of requests) {
      const answer = await raw(query);
      expect(answer.status, query.slice(0, 80)).toBe(400);
      const codes = codesOf(answer.text);
      expect(codes.length, query.slice(0, 80)).toBeGreaterThan(0);
      expect(codes.every((code) => ['QUERY_TOO_LARGE', 'QUERY_TOO_COMPLEX', 'GRAPHQL_PARSE_FAILED'].includes(code)), `${query.slice(0, 80)} ${codes}`).toBe(true);
    }
    const parsedTooLarge = JSON.parse((await raw(requests[0]!)).text).errors[0].message as string;
    expect(parsedTooLarge).toMatch(/tokens|entry points/);
    // Below the field limit, but past what graphql-js compares of selections that must merge: a reason, not "Validation aborted.".
    const repeated = await raw(`{ datasets(first: 1) { ${'totalCount '.repeat(1_200)} } }`);
    expect(repeated.status).toBe(400);
    expect(JSON.parse(repeated.text).errors).toEqual([{ message: expect.stringContaining('selects the same fields too many times'), extensions: { code: 'QUERY_TOO_COMPLEX' } }]);
    expect((await raw(aliased(5, () => 'datasets(query: "leukaemia") { totalCount }'))).status).toBe(200);
  });

  it('checks the limits of a query sent again with other variables, whatever passed before', async () => {
    const search = 'query($first: Int, $q: String) { datasets(first: $first, query: $q) { edges { node { title publisher { name } distributions { title } } } } }';
    for (let round = 0; round < 2; round++) {
      expect((await raw(search, { first: 5, q: 'leukaemia' })).status).toBe(200);
      const tooCostly = await raw(search, { first: 10_000, q: 'leukaemia' });
      expect(tooCostly.status).toBe(400);
      expect(codesOf(tooCostly.text)).toEqual(['QUERY_TOO_COMPLEX']);
      const nul = await raw(search, { first: 5, q: 'leuk\u0000aemia' });
      expect(nul.status).toBe(400);
      expect(codesOf(nul.text)).toEqual(['BAD_USER_INPUT']);
    }
    // The cost of an operation also depends on what its @include and @skip conditions leave in.
    const gated = 'query($all: Boolean!) { datasets(first: 5) { totalCount } all: datasets(first: 10000) @include(if: $all) { edges { node { title publisher { name } distributions { title } } } } }';
    for (let round = 0; round < 2; round++) {
      expect((await raw(gated, { all: false })).status).toBe(200);
      const included = await raw(gated, { all: true });
      expect(included.status).toBe(400);
      expect(codesOf(included.text)).toEqual(['QUERY_TOO_COMPLEX']);
    }
  });

  it('refuses a dataset with more distributions than a record holds as a userError naming the list, and writes nothing', async () => {
    const identifier = 'urn:test:too-many-distributions';
    const input = { identifier, title: 'Per-sample files', publisher: STOCKHOLM, distributions: Array.from({ length: 501 }, (_, i) => ({ title: `sample-${i}.cram` })) };
    const answer = await catalogue.gql('mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id } userErrors { field message } } }', { input }, admin);
    expect(answer.data?.createDataset).toEqual({ dataset: null, userErrors: [{ field: 'input.distributions', message: 'at most 500 items; got 501' }] });
    expect((await catalogue.gql('query($id: ID!) { dataset(id: $id) { id } }', { id: identifier }, admin)).data?.dataset).toBeNull();
  });

  it('refuses impossible dates and codes that are not ISO countries or currencies, naming the field', async () => {
    const { data } = await catalogue.gql(
      '{ studies(first: 1) { edges { node { id version } } } healthEconomicEvaluations(first: 1) { edges { node { id version } } } }',
      {},
      admin,
    );
    const study = data!.studies.edges[0].node as { id: string; version: number };
    const evaluation = data!.healthEconomicEvaluations.edges[0].node as { id: string; version: number };
    const studyAnswer = await catalogue.gql(
      'mutation($id: ID!, $v: Int!) { updateStudy(id: $id, expectedVersion: $v, input: { startDate: "2024-02-30", ethicsApprovals: [{ authority: "EPM", reference: "1", date: "2024-13" }] }) { userErrors { field message } } }',
      { id: study.id, v: study.version },
      admin,
    );
    expect(studyAnswer.data?.updateStudy.userErrors).toEqual([
      { field: 'input.startDate', message: '"2024-02-30" is not an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD' },
      { field: 'input.ethicsApprovals[0].date', message: '"2024-13" is not an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD' },
    ]);
    const evaluationAnswer = await catalogue.gql(
      'mutation($id: ID!, $v: Int!) { updateHealthEconomicEvaluation(id: $id, expectedVersion: $v, input: { currency: "XXX", country: "XX" }) { userErrors { field message } } }',
      { id: evaluation.id, v: evaluation.version },
      admin,
    );
    expect(evaluationAnswer.data?.updateHealthEconomicEvaluation.userErrors).toEqual(
      expect.arrayContaining([
        { field: 'input.country', message: '"XX" is not an ISO 3166-1 alpha-2 country code such as SE' },
        { field: 'input.currency', message: '"XXX" is not an ISO 4217 currency code such as SEK, EUR or USD' },
      ]),
    );
  });

  it('counts each write (update, publish, withdraw) as exactly one new version', async () => {
    const { data } = await catalogue.gql('{ datasets(first: 1) { edges { node { id version } } } }', {}, admin);
    const dataset = data!.datasets.edges[0].node as { id: string; version: number };
    const updated = await catalogue.gql(
      'mutation($id: ID!, $v: Int!) { updateDataset(id: $id, expectedVersion: $v, input: { title: "Renamed", keywords: ["a"] }) { dataset { version } userErrors { message } } }',
      { id: dataset.id, v: dataset.version },
      admin,
    );
    expect(updated.data?.updateDataset).toEqual({ dataset: { version: dataset.version + 1 }, userErrors: [] });
    const created = await catalogue.gql(
      'mutation { createStudy(input: { identifier: "urn:test:versioned", title: "S", description: "d", studyType: RESEARCH, ownerOrganisation: "urn:example:gms-catalogue:org:region-stockholm" }) { study { id version } } }',
      {},
      admin,
    );
    const study = created.data!.createStudy.study as { id: string; version: number };
    const versions = [study.version];
    const steps = [
      'mutation($id: ID!) { updateStudy(id: $id, expectedVersion: 1, input: { title: "T" }) { study { version } } }',
      'mutation($id: ID!) { publishStudy(id: $id) { study { version } } }',
      'mutation($id: ID!) { withdrawStudy(id: $id, reason: "superseded") { study { version } } }',
    ];
    for (const step of steps) versions.push(Object.values((await catalogue.gql(step, { id: study.id }, admin)).data!)[0].study.version);
    expect(versions).toEqual([1, 2, 3, 4]);
  });
});

describe('the per-client rate limit', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue({ seed: false, http: httpSettingsFromEnv({ RATE_LIMIT_PER_MINUTE: '5' }) });
  }, 120_000);
  afterAll(() => catalogue?.stop());

  it('answers 429 with Retry-After once a client has made its requests for the minute', async () => {
    // The window is the calendar minute: start early enough in one that the six requests share it.
    const second = new Date().getUTCSeconds();
    if (second > 50) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await catalogue.gql('{ __typename }')).status);
    const limited = await fetch(`${catalogue.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(codesOf(await limited.text())).toEqual(['RATE_LIMITED']);
    expect((await fetch(`${catalogue.url}/healthz`)).status).toBe(200);
  }, 30_000);
});

describe('metrics series for the web catalogue', () => {
  it('names every operation the web catalogue sends, so each keeps its own series', async () => {
    const root = new URL('../../web/src/', import.meta.url);
    const files = (await readdir(root, { recursive: true })).filter((file) => /\.(ts|svelte)$/.test(file) && !file.includes('generated'));
    const names = new Set<string>();
    for (const file of files) {
      for (const match of (await readFile(new URL(file, root), 'utf8')).matchAll(/^\s*(?:query|mutation) ([A-Z]\w+)/gm)) names.add(match[1]!);
    }
    expect(names.size).toBeGreaterThan(10);
    expect([...names].filter((name) => !WEB_CATALOGUE_OPERATIONS.includes(name))).toEqual([]);
  });
});
