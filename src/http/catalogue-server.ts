import type { Server } from 'node:http';
import path from 'node:path';
import { createTokenVerifier } from '../auth/tokens.js';
import type { AppConfig } from '../config.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { dcatRouter } from '../dcat/http/dcat.router.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded-postgres.js';
import { openOrm, type Orm } from '../db/orm.js';
import { seedExampleCatalogue } from '../../seed/example-catalogue.js';
import { createSearchEngine } from '../search/create-engine.js';
import type { SearchEngine } from '../search/engine.js';
import { OutboxIndexer } from '../search/indexer.js';
import { createApp, listen } from './app.js';
import { packageVersion } from './package-version.js';
import { webCatalogue } from './web-catalogue.js';

export interface RunningCatalogue {
  orm: Orm;
  search: SearchEngine;
  indexer: OutboxIndexer;
  server: Server;
  url: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

export type Log = (line: string) => void;

/** Opens the database (embedded when DATABASE_URL is unset) with migrations applied. */
export async function openDatabase(config: AppConfig, log: Log): Promise<{ orm: Orm; databaseUrl: string; embedded?: EmbeddedDatabase }> {
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const dataDir = path.join(config.stateDir, 'postgres');
    log(`starting embedded PostgreSQL in ${dataDir}`);
    embedded = await startEmbeddedPostgres({ dataDir });
    databaseUrl = embedded.url;
  }
  const orm = await openOrm({ databaseUrl });
  return { orm, databaseUrl, embedded };
}

/** Starts the whole catalogue: database, migrations, seed when empty, search engine, indexer and HTTP. */
export async function startCatalogue(config: AppConfig, log: Log = (line) => console.error(line)): Promise<RunningCatalogue> {
  const { orm, databaseUrl, embedded } = await openDatabase(config, log);
  const search = createSearchEngine({ databaseUrl, elasticsearchUrl: config.elasticsearchUrl, indexPrefix: config.elasticsearchIndexPrefix });
  await search.init();
  if (config.seedWhenEmpty && (await orm.em.fork().count(Dataset)) === 0) {
    const summary = await seedExampleCatalogue(orm.em.fork());
    log(`seeded the example catalogue: ${JSON.stringify(summary)}`);
  }
  const indexer = new OutboxIndexer(orm, search, { log });
  await indexer.drain().catch((error: Error) => log(`initial indexing deferred: ${error.message}`));
  indexer.start();
  const web = webCatalogue({ auth: config.auth });
  const { app } = await createApp({
    orm,
    search,
    indexer,
    verifyToken: await createTokenVerifier(config.auth),
    smallCountThreshold: config.smallCountThreshold,
    version: packageVersion(),
    routers: [dcatRouter({ orm, baseUrl: config.baseUrl, sendPage: web.sendPage }), web.router],
    log,
  });
  const server = await listen(app, config.port, config.host);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  log(`gdcat ${packageVersion()} listening on ${url} (web catalogue; API at ${url}/graphql) (search: ${search.name}, auth: ${config.auth.mode})`);
  return {
    orm,
    search,
    indexer,
    server,
    url,
    databaseUrl,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await indexer.stop();
      await search.close();
      await orm.close();
      await embedded?.stop();
    },
  };
}
