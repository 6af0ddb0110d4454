import fc from 'fast-check';
import {
  getNamedType, isEnumType, isInputObjectType, isLeafType, isListType, isNonNullType, isObjectType, isScalarType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLSchema,
} from 'graphql';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDevToken } from '../../src/auth/tokens.js';
import { configFromEnv } from '../../src/config.js';
import { toGlobalId } from '../../src/core/global-id.js';
import { freePort } from '../../src/db/embedded-postgres.js';
import { gdcatSchema } from '../../src/graphql/schema.js';
import { startCatalogue, type RunningCatalogue } from '../../src/http/catalogue-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * Property-based fuzzing of the whole HTTP surface of a real server (started as `gdcat serve` starts it, with
 * the default settings, on a real PostgreSQL with the example catalogue): every query and mutation with
 * every argument (taken from the schema, so new fields are fuzzed without touching this file), raw request
 * bodies and headers, and the RDF paths. Whatever comes in, the answer is never a 5xx, never
 * INTERNAL_SERVER_ERROR, and never shows a stack trace or a file path of the server.
 */

const SEED = 20261130;
const RUNS = { operations: 3_400, requests: 900, rdfPaths: 700 };

const STACK_TRACE = /\n\s+at\s+\S+.*[:(]\d+:\d+\)?|\bat (?:async )?[\w$.<>]+ \((?:file:\/\/|\/)/;
const SERVER_PATH = /(?:^|[\s"'(=:])(?:file:\/\/)?\/(?:work|home|root|usr|tmp|var|opt|srv)\/[\w.-]+|node_modules|\.ts:\d+/;

interface Answer {
  status: number;
  body: string;
}

function expectHarmless(what: string, answer: Answer): void {
  const context = `${what} -> ${answer.status} ${answer.body.slice(0, 400)}`;
  expect(answer.status, context).toBeLessThan(500);
  expect(answer.body, context).not.toContain('INTERNAL_SERVER_ERROR');
  expect(STACK_TRACE.test(answer.body), context).toBe(false);
  expect(SERVER_PATH.test(answer.body), context).toBe(false);
}

const UUID = '0182dd9a-ce7f-4123-90a4-cdaecb65e9f7';

/** Text that has broken servers: empty, huge, NUL, control and surrogate characters, injections, numbers. */
const nastyText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '', ' ', '\u0000', 'a\u0000b', '%00', '\uD800', '\uFFFF', '\u202E', "' OR 1=1 --", '"; DROP TABLE dataset; --', '<script>alert(1)</script>',
      '${jndi:ldap://x}', '../../../../etc/passwd', 'NaN', '-1', '1e309', '0x10', '{}', '[]', 'null', '*', '?', '\\', '%', '_',
      'MONDO:0018874', 'urn:example:gms-catalogue:org:region-stockholm', 'urn:example:gms-catalogue:dab:etik', 'SE', 'XX', 'XXX', 'SEK',
      '2024-02-30', '2024-02-29', '2024-13', '9999-99-99', 'https://example.org/x', 'mailto:x@y.z', 'not an url',
      Buffer.from('["a","not-a-uuid"]').toString('base64url'), Buffer.from('["RELEVANCE",1,"zz"]').toString('base64url'),
      Buffer.from(`["TITLE","a\u0000",${JSON.stringify(UUID)}]`).toString('base64url'), Buffer.from('after:x').toString('base64url'),
      toGlobalId('__proto__', UUID), toGlobalId('constructor', UUID), toGlobalId('Dataset', 'x'), toGlobalId('Dataset', UUID), 'RGF0YXNldDo=',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 490, max: 3_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 60_000 }).chain((n) => fc.constantFrom('word'.repeat(n), 'ä'.repeat(n), `${'a '.repeat(n)}`)) },
);

/** Global ids and cursors built to look almost right: prototype keys, unknown kinds, ids that are not UUIDs. */
const craftedId = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'Dataset', 'Study', 'Nope', '', 'Dataset:x').chain((kind) =>
    fc.constantFrom(UUID, 'not-a-uuid', '', `${UUID}\u0000`, "1' or '1'='1").map((id) => toGlobalId(kind, id)),
  ),
  fc.constantFrom('["a","not-a-uuid"]', '["a",{"x":1}]', '[null,null]', '["RELEVANCE",1,"zz"]', `["TITLE",1,"${UUID}"]`, '"x"', '{}', 'after:x').map((text) =>
    Buffer.from(text).toString('base64url'),
  ),
);

/** An argument value of the given type, mostly well-typed, sometimes not (the server must refuse those too). */
function valueOf(type: GraphQLInputType, schema: GraphQLSchema, depth: number, ids: string[]): fc.Arbitrary<unknown> {
  const wrong = fc.constantFrom<unknown>(null, 'x', 12, true, [], {}, -1, 1e308);
  if (isNonNullType(type)) return fc.oneof({ weight: 12, arbitrary: valueOf(type.ofType, schema, depth, ids) }, { weight: 1, arbitrary: wrong });
  const nullable = (arbitrary: fc.Arbitrary<unknown>) => fc.oneof({ weight: 6, arbitrary }, { weight: 1, arbitrary: fc.constant(null) });
  if (isListType(type)) {
    return nullable(depth > 3 ? fc.constant([]) : fc.array(valueOf(type.ofType, schema, depth + 1, ids), { maxLength: 3 }));
  }
  if (isEnumType(type)) return nullable(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...type.getValues().map((v) => v.name)) }, { weight: 1, arbitrary: nastyText }));
  if (isInputObjectType(type)) {
    if (depth > 4) return fc.constant(null);
    const fields = Object.values(type.getFields());
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const field of fields) record[field.name] = valueOf(field.type, schema, depth + 1, ids);
    const required = fields.filter((f) => isNonNullType(f.type)).map((f) => f.name);
    return nullable(fc.record(record, { requiredKeys: required }));
  }
  switch (isScalarType(type) ? type.name : '') {
    case 'Int':
      return nullable(fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31)), fc.integer()));
    case 'Float':
      return nullable(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -1, 1e308)));
    case 'Boolean':
      return nullable(fc.boolean());
    case 'ID':
      return nullable(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids) }, { weight: 3, arbitrary: craftedId }, { weight: 1, arbitrary: nastyText }));
    case 'JSON':
    case 'JSONObject':
      return nullable(fc.oneof(fc.json({ maxDepth: 3 }).map((text) => JSON.parse(text) as unknown), fc.constant({ records: [{ recordType: 'Dataset', identifier: 'a\u0000' }] })));
    default:
      return nullable(fc.oneof({ weight: 5, arbitrary: nastyText }, { weight: 1, arbitrary: craftedId }));
  }
}

/** Leaf fields and, one level down, the leaves of object fields: enough to run the nested resolvers. */
function selectionOf(field: GraphQLField<unknown, unknown>, depth = 0): string {
  const type = getNamedType(field.type);
  if (isLeafType(type)) return '';
  const parts = ['__typename'];
  if (isObjectType(type)) {
    for (const child of Object.values(type.getFields())) {
      if (child.args.some((a) => isNonNullType(a.type))) continue;
      const named = getNamedType(child.type);
      if (isLeafType(named)) parts.push(child.name);
      else if (depth < 2 && isObjectType(named)) parts.push(`${child.name} ${selectionOf(child, depth + 1)}`);
    }
  } else {
    parts.push(`... on Node { id }`);
  }
  return `{ ${parts.join(' ')} }`;
}

function operationOf(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const declared = field.args.map((a: GraphQLArgument, i) => `$a${i}: ${a.type.toString()}`);
  const passed = field.args.map((a: GraphQLArgument, i) => `${a.name}: $a${i}`);
  return `${kind} Fuzz${declared.length ? `(${declared.join(', ')})` : ''} { ${field.name}${passed.length ? `(${passed.join(', ')})` : ''} ${selectionOf(field)} }`;
}

describe('fuzzing the HTTP surface (default start mode)', () => {
  let db: TestDatabase;
  let stateDir: string | undefined;
  let catalogue: RunningCatalogue;
  let schema: GraphQLSchema;
  let tokens: string[];
  let ids: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    stateDir = await mkdtemp(path.join(tmpdir(), 'gdcat-fuzz-'));
    // The environment `gdcat serve` would see, plus RATE_LIMIT_PER_MINUTE=0: one client sends thousands of
    // requests here, and 429s would hide what the fuzzing is after (the rate limit has its own test).
    const config = configFromEnv({ DATABASE_URL: db.url, HOST: '127.0.0.1', PORT: String(await freePort()), RATE_LIMIT_PER_MINUTE: '0' });
    config.stateDir = stateDir;
    config.auth = { ...config.auth, devKeyFile: path.join(stateDir, 'dev-signing-key.json') };
    catalogue = await startCatalogue(config, () => undefined);
    schema = await gdcatSchema();
    tokens = [
      '',
      `Bearer ${await mintDevToken(config.auth, { role: 'admin', orgs: [] })}`,
      `Bearer ${await mintDevToken(config.auth, { role: 'data_manager', orgs: ['urn:example:gms-catalogue:org:region-stockholm'] })}`,
    ];
    const rows: { kind: string; id: string; identifier: string }[] = await catalogue.orm.em.getConnection().execute(
      `select 'Dataset' as kind, id, identifier from dataset union all select 'Organisation', id, identifier from organisation
       union all select 'Study', id, identifier from study union all select 'DataAccessBody', id, identifier from data_access_body`,
    );
    ids = rows.flatMap((row) => [row.identifier, toGlobalId(row.kind, row.id)]);
  }, 120_000);
  afterAll(async () => {
    await catalogue?.stop();
    await db?.drop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  const send = async (path: string, init: RequestInit = {}): Promise<Answer> => {
    const response = await fetch(`${catalogue.url}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
    return { status: response.status, body: await response.text() };
  };

  it('answers every query and mutation, whatever their arguments, without a server error', async () => {
    const fields = [
      ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ kind: 'query' as const, field })),
      ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ kind: 'mutation' as const, field })),
    ];
    expect(fields.length).toBeGreaterThan(30);
    const operation = fc.constantFrom(...fields).chain(({ kind, field }) =>
      fc.record({
        query: fc.constant(operationOf(kind, field)),
        variables: fc.tuple(...field.args.map((a) => valueOf(a.type, schema, 0, ids))),
        authorization: fc.constantFrom(...tokens),
      }),
    );
    await fc.assert(
      fc.asyncProperty(operation, async ({ query, variables, authorization }) => {
        const body = JSON.stringify({ query, variables: Object.fromEntries(variables.map((v, i) => [`a${i}`, v])) });
        const answer = await send('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body,
        });
        expectHarmless(`${query} ${body.slice(0, 300)}`, answer);
      }),
      { seed: SEED, numRuns: RUNS.operations, endOnFailure: true },
    );
  }, 600_000);

  it('answers malformed, oversized and oddly labelled requests and headers with a client error', async () => {
    const contentType = fc.constantFrom(
      'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin-9', 'application/json; charset=utf-16',
      'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql', '', 'application/json; charset',
    );
    const body = fc.oneof(
      { weight: 6, arbitrary: fc.string({ maxLength: 200 }) },
      { weight: 4, arbitrary: fc.json() },
      { weight: 6, arbitrary: fc.constantFrom('{', '{"query":', '{"query": "{ __typename }", "variables": "x"}', '{"query": 1}', '[]', 'null', '{"query":"{ datasets { totalCount } }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"x"}}}',
        '{"query":"query { a: __typename b: __typename }","operationName":"Nope"}', '\u0000', '{"query":"{ node(id: \\"\\u0000\\") { id } }"}') },
      { weight: 1, arbitrary: fc.integer({ min: 1_048_577, max: 1_300_000 }).map((n) => `{"query":"${'x'.repeat(n)}"}`) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 200 }).map((n) => JSON.stringify({ query: `{ ${Array.from({ length: n * 20 }, (_, i) => `a${i}: dataset(id: "x") { id }`).join(' ')} }` })) },
    );
    const header = fc.record({
      authorization: fc.oneof(fc.constant(undefined), fc.constantFrom(...tokens), fc.string({ maxLength: 60 }).map((t) => `Bearer ${t}`), fc.constantFrom('Basic YTpi', 'Bearer', 'bearer a.b.c', `Bearer ${'a'.repeat(8_000)}`)),
      accept: fc.oneof(fc.constant(undefined), fc.constantFrom('*/*', 'text/html', 'application/json', 'application/graphql-response+json', 'x/y;q=2', ';;;')),
      encoding: fc.oneof(fc.constant(undefined), fc.constantFrom('gzip', 'br', 'identity', 'x-nonsense')),
    });
    const request = fc.record({ method: fc.constantFrom('POST', 'POST', 'GET', 'PUT', 'OPTIONS'), contentType, body, header });
    await fc.assert(
      fc.asyncProperty(request, async ({ method, contentType: type, body: text, header: h }) => {
        const headers: Record<string, string> = {};
        if (type) headers['content-type'] = type;
        if (h.authorization) headers.authorization = h.authorization.replace(/[^\t\x20-\x7e]/g, '');
        if (h.accept) headers.accept = h.accept;
        if (h.encoding) headers['content-encoding'] = h.encoding;
        const get = method === 'GET';
        const answer = await send(get ? `/graphql?query=${encodeURIComponent(text.slice(0, 2_000))}` : '/graphql', {
          method,
          headers: get ? { ...headers, 'apollo-require-preflight': 'true' } : headers,
          body: get ? undefined : text,
        });
        expectHarmless(`${method} ${type} ${text.slice(0, 200)}`, answer);
      }),
      { seed: SEED, numRuns: RUNS.requests, endOnFailure: true },
    );
  }, 600_000);

  it('answers any RDF path and query string with RDF, a page or a client error', async () => {
    const segment = fc.oneof(
      fc.constantFrom(...ids.slice(0, 12)).map(encodeURIComponent),
      fc.string({ maxLength: 30 }).map(encodeURIComponent),
      fc.constantFrom('%00', '%', '%E0%A4%A', '%ZZ', '..', '%2e%2e', '%2F', 'a%00b', UUID, toGlobalId('__proto__', UUID), 'x'.repeat(3_000)),
    );
    const route = fc.constantFrom('/dcat/datasets/', '/dcat/distributions/', '/dcat/organisations/', '/dcat/access-bodies/', '/dcat/studies/', '/dcat/evaluations/', '/dcat/catalog', '/fdp', '/', '/datasets/', '/nothing/', '/assets/');
    const parameter = fc.tuple(
      fc.constantFrom('format', 'pageSize', 'cursor', 'modifiedSince', 'includeWithdrawn', 'page', 'x'),
      fc.oneof(fc.constantFrom('ttl', 'jsonld', 'rdf', 'nt', 'html', '0', '-1', '501', '10', 'true', '2024-02-30', '2026-01-31T12:00:00Z', '%00', '%', 'MjAyNg'), fc.string({ maxLength: 20 }).map(encodeURIComponent)),
    );
    const target = fc.record({
      route,
      segment,
      query: fc.array(parameter, { maxLength: 3 }),
      accept: fc.constantFrom('text/turtle', 'application/ld+json', 'text/html', '*/*', 'application/xml', 'image/png', 'text/html;q=0.9, text/turtle;q=0.1', ''),
    });
    await fc.assert(
      fc.asyncProperty(target, async ({ route: base, segment: id, query, accept }) => {
        const address = `${base}${base.endsWith('/') ? id : ''}${query.length ? `?${query.map(([k, v]) => `${k}=${v}`).join('&')}` : ''}`;
        const answer = await send(address, { headers: accept ? { accept } : {} });
        expectHarmless(`GET ${address} (${accept})`, answer);
      }),
      { seed: SEED, numRuns: RUNS.rdfPaths, endOnFailure: true },
    );
  }, 600_000);
});
