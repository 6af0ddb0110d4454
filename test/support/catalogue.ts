import express from 'express';
import { mkdtemp } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuthConfig } from '../../src/auth/auth-config.js';
import type { HttpSettings } from '../../src/config.js';
import { createTokenVerifier, mintDevToken } from '../../src/auth/tokens.js';
import { createLogger, type Log, type Logger } from '../../src/core/log.js';
import { openOrm, type Orm } from '../../src/db/orm.js';
import { dcatRouter } from '../../src/dcat/http/dcat.router.js';
import { createApp, listen } from '../../src/http/app.js';
import { seedExampleCatalogue } from '../../seed/example-catalogue.js';
import { createSearchEngine } from '../../src/search/create-engine.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { OutboxIndexer } from '../../src/search/indexer.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { deleteTestIndices } from './elasticsearch.js';

export interface GraphQLResponse<T = Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** A real catalogue over HTTP on a loopback port, with its own database, for end-to-end tests. */
export interface TestCatalogue {
  url: string;
  orm: Orm;
  search: SearchEngine;
  indexer: OutboxIndexer;
  db: TestDatabase;
  /** SQL statements issued since the last reset (the ORM's and the PostgreSQL search engine's). */
  queries: string[];
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  token(role: 'data_manager' | 'admin', orgs?: string[]): Promise<string>;
  stop(): Promise<void>;
}

const FAILURES_ONLY: Logger = Object.assign(() => undefined, { format: 'text' as const, info: () => undefined, warn: () => undefined, error: createLogger('text', (line) => console.error(line)).error });

export async function startTestCatalogue(
  options: {
    seed?: boolean;
    elasticsearchUrl?: string;
    indexPrefix?: string;
    smallCountThreshold?: number;
    /** Mint RDF IRIs under the server's own loopback address (so its links can be followed), not http://gdcat.test. */
    ownBaseUrl?: boolean;
    http?: HttpSettings;
    /** Let admins register harvest sources on private networks (HARVEST_ALLOW_PRIVATE_NETWORKS), such as 127.0.0.1. */
    harvestPrivateNetworks?: boolean;
    /** Where the app logs (default: its failures on standard error; a test's requests are not worth a line each). */
    log?: Log;
    /** Routers mounted after the DCAT router (a test's own routes). */
    routers?: express.Router[];
  } = {},
): Promise<TestCatalogue> {
  const db = await createTestDatabase();
  const queries: string[] = [];
  const orm = await openOrm({ databaseUrl: db.url, onQuery: (sql) => queries.push(sql) });
  const search = createSearchEngine({
    databaseUrl: db.url,
    elasticsearchUrl: options.elasticsearchUrl,
    indexPrefix: options.indexPrefix,
    onQuery: (sql) => queries.push(sql),
  });
  await search.init();
  if (options.seed !== false) await seedExampleCatalogue(orm.em.fork());
  const indexer = new OutboxIndexer(orm, search, { pollIntervalMs: 200, maxBackoffMs: 500 });
  await indexer.drain();
  const smallCountThreshold = options.smallCountThreshold ?? 5;
  let dcat = dcatRouter({ orm, baseUrl: 'http://gdcat.test', smallCountThreshold });
  const auth: AuthConfig = { mode: 'dev', devKeyFile: path.join(await mkdtemp(path.join(tmpdir(), 'gdcat-auth-')), 'key.json') };
  const { app } = await createApp({
    orm,
    search,
    indexer,
    verifyToken: await createTokenVerifier(auth),
    smallCountThreshold,
    version: 'test',
    baseUrl: 'http://gdcat.test',
    harvestPrivateNetworks: options.harvestPrivateNetworks,
    // The DCAT router is swapped for one with the real base URL once the port is known (ownBaseUrl).
    routers: [express.Router().use((req, res, next) => dcat(req, res, next)), ...(options.routers ?? [])],
    log: options.log ?? FAILURES_ONLY,
    http: options.http,
  });
  const server: Server = await listen(app, 0, '127.0.0.1', options.http);
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  if (options.ownBaseUrl) dcat = dcatRouter({ orm, baseUrl: url, smallCountThreshold });
  return {
    url,
    orm,
    search,
    indexer,
    db,
    queries,
    async gql(query, variables, token) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    token: (role, orgs = []) => mintDevToken(auth, { role, orgs }),
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await indexer.stop();
      await search.close();
      await orm.close();
      await db.drop();
      if (options.elasticsearchUrl && options.indexPrefix) await deleteTestIndices(options.elasticsearchUrl, options.indexPrefix);
    },
  };
}
