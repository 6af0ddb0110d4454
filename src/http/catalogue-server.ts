import type { Server } from 'node:http';
import { createTokenVerifier } from '../auth/tokens.js';
import { httpSettingsFromEnv, searchLimitsFromEnv, type AppConfig } from '../config.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { ExportPreparation } from '../dcat/export-preparation.js';
import { exportFormatNamed } from '../dcat/export-threads.js';
import { dcatRouter } from '../dcat/http/dcat.router.js';
import { createLogger, loggerOf, type Log, type Logger } from '../core/log.js';
import { openDatabase } from '../db/open-database.js';
import type { Orm } from '../db/orm.js';
import { seedExampleCatalogue, seedSummary } from '../../seed/example-catalogue.js';
import { catalogueContactGap, ensureCatalogueRecord } from '../harvest/catalogue-record.js';
import { HarvestScheduler } from '../harvest/harvest-runner.js';
import { createSearchEngine } from '../search/create-engine.js';
import { startSearchEngine, type StartedSearchEngine } from '../search/engine-startup.js';
import type { SearchEngine } from '../search/engine.js';
import { OutboxIndexer } from '../search/indexer.js';
import { otherIndexInUse, queueAll, queueAllWhenIndexEmpty, recordIndexInUse } from '../search/reindex.js';
import { limitSearches } from '../search/search-limiter.js';
import { listenForOutboxEvents } from '../search/outbox-listener.js';
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

/**
 * Runs the outbox indexer on its own (`gdcat indexer`): the API processes then run with INDEXER=separate. It
 * needs a shared DATABASE_URL, since an embedded database belongs to the one process that started it.
 */
export async function startIndexer(config: AppConfig, log: Log = createLogger()): Promise<{ stop(): Promise<void> }> {
  const logger = loggerOf(log);
  if (!config.databaseUrl) throw new Error('gdcat indexer needs DATABASE_URL: the PostgreSQL server the API processes share');
  const { orm, databaseUrl } = await openDatabase(config, log);
  const started = await startSearchEngine(
    createSearchEngine({ databaseUrl, elasticsearchUrl: config.elasticsearchUrl, indexPrefix: config.elasticsearchIndexPrefix, languageAnalyzers: config.elasticsearchLanguageAnalyzers, log }),
    engineLocation(config),
    log,
  );
  const search = started.engine;
  const { indexer, preparation } = indexingProcess(config, orm, search, databaseUrl, log, { prepareExports: true });
  if (started.ready) await catchUpIndex(orm, search, logger);
  else catchUpOnceSetUp(started, orm, indexer, logger);
  const listener = listenForOutboxEvents(databaseUrl, () => indexer.notify(), log);
  indexer.start();
  preparation?.start();
  // The indexer's own timers do not keep a process alive (nor should they in the API); while PostgreSQL is
  // away no socket does either, and the process would end quietly instead of waiting for it.
  const keepAlive = setInterval(() => undefined, 60_000);
  log(`gdcat ${packageVersion()} indexer running (search: ${search.name})`);
  return {
    async stop() {
      clearInterval(keepAlive);
      await listener.close();
      await preparation?.stop();
      await indexer.stop();
      await search.close();
      await orm.close();
    },
  };
}

/**
 * The indexing process (the API's in-process indexer or `gdcat indexer`) queues every dataset when it writes to
 * another index than the outbox was drained into before (it missed the changes made meanwhile), or finds its
 * index empty while the catalogue holds datasets.
 */
async function catchUpIndex(orm: Orm, search: SearchEngine, log: Logger): Promise<void> {
  try {
    // Recorded once queued: a start that stops in between queues them again next time.
    const before = await otherIndexInUse(orm, search);
    const queued = before ? await queueAll(orm) : await queueAllWhenIndexEmpty(orm, search);
    await recordIndexInUse(orm, search);
    const why = before ? `the catalogue was indexed into the ${before} before` : `the ${search.name} index holds no dataset`;
    if (queued > 0) log(`${why}: queued all ${queued} for indexing`);
  } catch (error) {
    // An engine that goes down meanwhile is caught up by the indexer's retries; an empty one is looked at next start.
    log.error(`could not check the ${search.name} index: ${(error as Error).message}`);
  }
}

/**
 * An index set up after the start (the engine could not be reached) is caught up like one set up at start; what
 * was written meanwhile is in the outbox, which the indexer drains (events it failed to index meanwhile after
 * their back-off).
 */
function catchUpOnceSetUp(started: StartedSearchEngine, orm: Orm, indexer: OutboxIndexer, log: Logger): void {
  void started.setUp.then(() => catchUpIndex(orm, started.engine, log)).then(() => indexer.notify());
}

/**
 * The outbox indexer and, in the configured formats (if any, and unless `prepareExports` is false: an API
 * process whose indexer runs apart), the preparing of the next export that follows its bursts and waits for its
 * work (src/dcat/export-preparation.ts): what an indexing process runs.
 */
function indexingProcess(
  config: AppConfig,
  orm: Orm,
  search: SearchEngine,
  databaseUrl: string,
  log: Log,
  { prepareExports }: { prepareExports: boolean },
): { indexer: OutboxIndexer; preparation: ExportPreparation | null } {
  const formats = prepareExports ? (config.exportPreparation ?? []).map((name) => exportFormatNamed(name)!) : [];
  const preparation =
    formats.length === 0
      ? null
      : new ExportPreparation({ databaseUrl, baseUrl: config.baseUrl, smallCountThreshold: config.smallCountThreshold, formats, indexing: () => indexer.indexing, log: loggerOf(log) });
  const indexer = new OutboxIndexer(orm, search, { log, afterIndexing: () => preparation?.notify() });
  return { indexer, preparation };
}

/** The search engine as the log names it: Elasticsearch with its host (never credentials in the address), or PostgreSQL. */
function engineLocation(config: AppConfig): string {
  if (!config.elasticsearchUrl) return 'postgres';
  const url = URL.parse(config.elasticsearchUrl);
  return `elasticsearch at ${url ? `${url.protocol}//${url.host}` : 'ELASTICSEARCH_URL'}`;
}

/** Starts the whole catalogue: database, migrations, seed when empty, search engine, indexer and HTTP. */
export async function startCatalogue(config: AppConfig, log: Log = createLogger()): Promise<RunningCatalogue> {
  const logger = loggerOf(log);
  const { orm, databaseUrl, embedded } = await openDatabase(config, log);
  const http = config.http ?? httpSettingsFromEnv();
  const limits = config.searchLimits ?? searchLimitsFromEnv();
  const started = await startSearchEngine(
    limitSearches(
      createSearchEngine({
        databaseUrl,
        elasticsearchUrl: config.elasticsearchUrl,
        indexPrefix: config.elasticsearchIndexPrefix,
        searchStatementTimeoutMs: limits.statementTimeoutMs,
        languageAnalyzers: config.elasticsearchLanguageAnalyzers,
        log,
      }),
      limits,
    ),
    engineLocation(config),
    log,
  );
  const search = started.engine;
  if (config.seedWhenEmpty && (await orm.em.fork().count(Dataset)) === 0) {
    const { message, fields } = seedSummary(await seedExampleCatalogue(orm.em.fork()));
    logger.info(message, fields);
  }
  if (config.catalogue && (await ensureCatalogueRecord(orm.em.fork(), config.catalogue))) {
    log(`set up the catalogue record "${config.catalogue.title}" from the configuration`);
  }
  const contactGap = await catalogueContactGap(orm.em.fork());
  if (contactGap) logger.warn(contactGap);
  // With a separate indexer the instance only answers /readyz (pending events); it is never started.
  const { indexer, preparation } = indexingProcess(config, orm, search, databaseUrl, log, { prepareExports: config.indexer === 'in-process' });
  if (config.indexer === 'in-process') {
    if (started.ready) {
      await catchUpIndex(orm, search, logger);
      await indexer.drain().catch((error: Error) => logger.error(`initial indexing deferred: ${error.message}`));
    } else {
      catchUpOnceSetUp(started, orm, indexer, logger);
    }
    indexer.start();
    preparation?.start();
  }
  const web = webCatalogue({ auth: config.auth, orm, baseUrl: config.baseUrl, smallCountThreshold: config.smallCountThreshold });
  const { app, apollo } = await createApp({
    orm,
    search,
    indexer,
    verifyToken: await createTokenVerifier(config.auth),
    smallCountThreshold: config.smallCountThreshold,
    version: packageVersion(),
    baseUrl: config.baseUrl,
    harvestPrivateNetworks: config.harvest?.allowPrivateNetworks,
    http,
    oidcIssuer: config.auth.mode === 'oidc' ? config.auth.issuer : undefined,
    routers: [dcatRouter({ orm, baseUrl: config.baseUrl, smallCountThreshold: config.smallCountThreshold, sendPage: web.sendPage }), web.router],
    pageNotFound: web.pageNotFound,
    log,
  });
  const harvests = config.harvest?.scheduler ? new HarvestScheduler(orm, databaseUrl, { ...config.harvest, baseUrl: config.baseUrl }, log) : null;
  harvests?.start();
  const server = await listen(app, config.port, config.host, http);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  log(`gdcat ${packageVersion()} listening on ${url} (web catalogue; API at ${url}/graphql) (search: ${search.name}, indexer: ${config.indexer}, auth: ${config.auth.mode})`);
  return {
    orm,
    search,
    indexer,
    server,
    url,
    databaseUrl,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
      await harvests?.stop();
      await preparation?.stop();
      await indexer.stop();
      await search.close();
      await orm.close();
      await embedded?.stop();
    },
  };
}
