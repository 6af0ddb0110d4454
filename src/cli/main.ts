import 'reflect-metadata';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { configFromEnv, type AppConfig } from '../config.js';
import { createLogger, type Logger } from '../core/log.js';
import type { openDatabase as OpenDatabase } from '../db/open-database.js';
import { failureText } from '../core/failure-text.js';
import { type Progress, progress, progressLine } from './progress.js';

const USAGE = `gdcat <command> [options]

  serve                 start the API (embedded PostgreSQL unless DATABASE_URL is set)
  indexer               index outbox events into the search engine as a separate process
                        (DATABASE_URL required; run the API with INDEXER=separate)
  migrate               apply database migrations
  seed [--force]        load the example catalogue (only into an empty catalogue unless --force)
  reindex               rebuild the search index from PostgreSQL and swap it in without downtime
  import FILE [--dry-run] [--org ID] [--publish] [--json]
                        import records (example-catalogue JSON, XLSX, CSV file or folder of CSV files)
                        through the record rules: all or nothing, matched by identifier; --dry-run
                        reports every problem, writes nothing
  import --template xlsx|csv [--out PATH]
                        write the spreadsheet template (every sheet and column, documented)
  harvest (--source ID | --all | --url URL --org ID [--kind dcat|fdp]) [--full] [--json]
                        harvest registered sources or a DCAT-AP catalogue / FAIR Data Point into this
                        catalogue (also while serve runs: runs take turns)
  export [--format ttl|nt] [--out FILE]
                        write the catalogue as DCAT-AP / HealthDCAT-AP RDF to FILE (default: stdout)
  backup [--out FILE]   write every record, its history and the harvest state to FILE (default: stdout,
                        not a terminal) as one gzip file, in one consistent snapshot, while the catalogue runs
  restore FILE          restore a backup into an empty catalogue (a new database, or for the embedded
                        default a state dir without postgres/), then queue every dataset for indexing
  token --role R --org ID [--org ID...] [--subject S] [--expires-in 12h]
                        mint a development token (AUTH_MODE=dev; lifetime at most
                        TOKEN_MAX_LIFETIME_SECONDS, default 24 h)
  print-schema          print the GraphQL SDL
  help                  this list
`;

/** The database with migrations applied; its modules (the ORM's) load on first use, so `export` keeps them out of this thread. */
const openDatabase: typeof OpenDatabase = async (config, log) => (await import('../db/open-database.js')).openDatabase(config, log);

async function main(argv: string[], config: AppConfig, log: Logger): Promise<number> {
  const [command, ...rest] = argv;
  // Each command loads only the modules it uses: a command's memory (export's budget in particular) does not
  // carry the HTTP server, GraphQL schema and spreadsheet readers it never touches.
  switch (command) {
    case 'serve': {
      takesNoArguments(rest);
      const { startCatalogue } = await import('../http/catalogue-server.js');
      return runUntilSignalled(() => startCatalogue(config, log), log);
    }
    case 'indexer': {
      takesNoArguments(rest);
      const { startIndexer } = await import('../http/catalogue-server.js');
      return runUntilSignalled(() => startIndexer(config, log), log);
    }
    case 'migrate': {
      takesNoArguments(rest);
      const { orm, embedded } = await openDatabase(config, log);
      log('migrations are up to date');
      await orm.close();
      await embedded?.stop();
      return 0;
    }
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { force: { type: 'boolean' } } });
      const [{ Dataset }, { seedExampleCatalogue, seedSummary }] = await Promise.all([
        import('../datasets/dataset.entity.js'),
        import('../../seed/example-catalogue.js'),
      ]);
      const { orm, embedded } = await openDatabase(config, log);
      try {
        const count = await orm.em.fork().count(Dataset);
        if (count > 0 && !values.force) {
          log.error(`the catalogue already has ${count} datasets; not seeding (use --force to add the example records anyway)`);
          return 1;
        }
        const { message, fields } = seedSummary(await seedExampleCatalogue(orm.em.fork()));
        log.info(message, fields);
        return 0;
      } finally {
        await orm.close();
        await embedded?.stop();
      }
    }
    case 'import': {
      const { runImportCommand } = await import('./import-command.js');
      return runImportCommand(rest, config, log);
    }
    case 'harvest': {
      const { runHarvestCommand } = await import('./harvest-command.js');
      return runHarvestCommand(rest, config, log);
    }
    case 'reindex': {
      takesNoArguments(rest);
      const [{ Dataset }, { createSearchEngine }, { reindexAll }] = await Promise.all([
        import('../datasets/dataset.entity.js'),
        import('../search/create-engine.js'),
        import('../search/reindex.js'),
      ]);
      const { orm, databaseUrl, embedded } = await openDatabase(config, log);
      const engine = createSearchEngine({ databaseUrl, elasticsearchUrl: config.elasticsearchUrl, indexPrefix: config.elasticsearchIndexPrefix, languageAnalyzers: config.elasticsearchLanguageAnalyzers, log });
      try {
        await engine.init();
        const total = await orm.em.fork().count(Dataset);
        const bar = progress(`reindex (${engine.name})`, total, log);
        await reindexAll(orm, engine, (indexed) => bar.update(indexed));
        bar.finish();
        return 0;
      } finally {
        await engine.close();
        await orm.close();
        await embedded?.stop();
      }
    }
    case 'export': {
      const { values } = parseArgs({ args: rest, options: { format: { type: 'string', default: 'ttl' }, out: { type: 'string' } } });
      const { exportCatalogueTo, exportFormatNamed } = await import('../dcat/export-threads.js');
      const format = exportFormatNamed(values.format);
      if (!format) {
        log.error('--format must be ttl or nt');
        return 2;
      }
      // The export's own threads open the database (and apply migrations); with DATABASE_URL set, this
      // thread, which only writes, never loads the ORM. The embedded development database is started here.
      let databaseUrl = config.databaseUrl;
      let embedded: Awaited<ReturnType<typeof openDatabase>>['embedded'];
      if (!databaseUrl) {
        const opened = await openDatabase(config, log);
        await opened.orm.close();
        ({ databaseUrl, embedded } = opened);
      }
      try {
        let bar: Progress | undefined;
        const { datasets, described } = await exportCatalogueTo(databaseUrl, values.out, {
          baseUrl: config.baseUrl,
          smallCountThreshold: config.smallCountThreshold,
          format,
          onStart: (datasets) => (bar = progress('export', datasets, log)),
          onProgress: (written) => bar?.update(written),
        });
        bar?.finish();
        // Why one export takes minutes and the next seconds: descriptions are kept for the next export.
        progressLine(log, `export: ${datasets} datasets, ${described} described anew, ${datasets - described} as an earlier export stored them`, { datasets, described });
        return 0;
      } finally {
        await embedded?.stop();
      }
    }
    case 'backup': {
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } });
      if (!values.out && process.stdout.isTTY) {
        log.error('a backup is binary (gzip): give --out FILE or redirect standard output');
        return 2;
      }
      const [{ createWriteStream }, { backUp, catalogueTables }] = await Promise.all([import('node:fs'), import('../db/backup.js')]);
      const { orm, embedded } = await openDatabase(config, log);
      const pool = (await orm.em.getConnection().getNativeClient()) as import('pg').Pool;
      const client = await pool.connect();
      try {
        const out = values.out ? createWriteStream(values.out) : process.stdout;
        const { rows } = await backUp(client, catalogueTables(orm), out, {
          end: out !== process.stdout,
          onTable: (table, count) => progressLine(log, `backup: ${table} ${count} rows`, { table, rows: count }),
        });
        progressLine(log, `backup: done, ${rows} rows${values.out ? ` in ${values.out}` : ''}`, { rows, out: values.out });
        return 0;
      } finally {
        client.release();
        await orm.close();
        await embedded?.stop();
      }
    }
    case 'restore': {
      const [file, ...extra] = rest;
      if (!file || extra.length > 0) {
        log.error('usage: gdcat restore FILE (a file written by gdcat backup; - for standard input)');
        return 2;
      }
      const [{ createReadStream }, { BackupRefused, restoreBackup }] = await Promise.all([import('node:fs'), import('../db/backup.js')]);
      const input = file === '-' ? process.stdin : createReadStream(file);
      // A file that cannot be read fails here, before the database is opened.
      if (input !== process.stdin) await once(input, 'open');
      const { orm, embedded } = await openDatabase(config, log, { migrate: false });
      try {
        const { rows, datasets } = await restoreBackup(orm, input, (table, count) => progressLine(log, `restore: ${table} ${count} rows`, { table, rows: count }));
        progressLine(log, `restore: done, ${rows} rows; ${datasets} datasets queued for indexing (gdcat serve or gdcat indexer indexes them; gdcat reindex rebuilds the index at once)`, { rows, datasets });
        return 0;
      } catch (error) {
        if (!(error instanceof BackupRefused)) throw error;
        log.error(`restore: refused: ${error.message}; nothing was restored`);
        return 1;
      } finally {
        await orm.close();
        await embedded?.stop();
      }
    }
    case 'token': {
      const { values } = parseArgs({
        args: rest,
        options: { role: { type: 'string' }, org: { type: 'string', multiple: true }, subject: { type: 'string' }, 'expires-in': { type: 'string' } },
      });
      if (values.role !== 'data_manager' && values.role !== 'admin') {
        log.error('--role must be data_manager or admin');
        return 2;
      }
      if (values.role === 'data_manager' && !values.org?.length) {
        log.error('a data_manager token needs at least one --org <organisation identifier>');
        return 2;
      }
      const { mintDevToken } = await import('../auth/tokens.js');
      process.stdout.write(
        `${await mintDevToken(config.auth, { role: values.role, orgs: values.org ?? [], subject: values.subject, expiresIn: values['expires-in'] })}\n`,
      );
      return 0;
    }
    case 'print-schema': {
      takesNoArguments(rest);
      const [{ printSchema }, { gdcatSchema }] = await Promise.all([import('graphql'), import('../graphql/schema.js')]);
      process.stdout.write(`${printSchema(await gdcatSchema())}\n`);
      return 0;
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(USAGE);
      return command ? 2 : 0;
  }
}

/** Refuses anything after a command that takes nothing, before it starts a server or opens a database. */
function takesNoArguments(args: string[]): void {
  parseArgs({ args, options: {} });
}

/** An argument parseArgs refused (unknown option, missing value, unexpected argument): a usage error. */
function isUsageError(error: unknown): error is Error {
  return error instanceof TypeError && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS_');
}

/**
 * Starts a long-running command and keeps it up until SIGINT or SIGTERM, then stops it cleanly. The handlers are
 * in place before the start: a signal during it (migrations, seeding, the first indexing) stops the command once
 * started, where it used to reach the embedded PostgreSQL package's handlers, which neither stopped nor exited.
 */
async function runUntilSignalled(start: () => Promise<{ stop(): Promise<void> }>, log: (line: string) => void): Promise<number> {
  let starting: Promise<{ stop(): Promise<void> }> | undefined;
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    log('shutting down');
    // A start that fails is reported (and exits) through main's rejection.
    const running = await starting?.catch(() => new Promise<never>(() => undefined));
    await running?.stop();
    process.exit(0);
  };
  // Ours before the package's go: with no listener for a moment, a signal would end the process outright.
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  (await import('../db/embedded-postgres.js')).leaveSignalsToCaller();
  starting = start();
  await starting;
  return new Promise<number>(() => undefined);
}

let config: AppConfig;
try {
  config = configFromEnv();
} catch (error) {
  // Said as text: LOG_FORMAT itself may be what is wrong.
  process.stderr.write(`gdcat: ${failureText(error)}\n`);
  process.exit(1);
}
const log = createLogger(config.logFormat);
main(process.argv.slice(2), config, log).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (isUsageError(error)) {
      log.error(`gdcat ${process.argv[2]}: ${error.message} (gdcat help lists every command and its options)`);
      process.exit(2);
    }
    log.error(`gdcat: ${failureText(error)}`);
    process.exit(1);
  },
);
