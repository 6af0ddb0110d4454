import { Migrator } from '@mikro-orm/migrations';
import type pg from 'pg';
import { DefaultLogger, type LogContext } from '@mikro-orm/core';
import { MikroORM, type Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';
import type { Log } from '../core/log.js';
import { logConnectionFailures, releaseBrokenClients } from './pools.js';

export type Orm = MikroORM;

export interface OrmOptions {
  databaseUrl: string;
  /** Called with every SQL statement; used by tests to count queries. */
  onQuery?: (sql: string) => void;
  poolMax?: number;
  /** Where broken connections are logged; unset, the ORM's pool drops them without a word. */
  log?: Log;
}

export function ormConfig(options: OrmOptions): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: options.databaseUrl,
    entities: ENTITIES,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    discovery: { checkDuplicateTableNames: true },
    migrations: { migrationsList: MIGRATIONS, path: 'migrations', pathTs: 'migrations', snapshot: false, silent: true },
    pool: { min: 0, max: options.poolMax ?? 10 },
    driverOptions: {
      onPoolCreated: (pool: pg.Pool) => {
        releaseBrokenClients(pool);
        if (options.log) logConnectionFailures(pool, 'orm', options.log);
      },
    },
    debug: options.onQuery ? ['query'] : false,
    // The statement itself, as sent: the default logger's message is coloured and decorated.
    loggerFactory: (loggerOptions) => new StatementLogger(loggerOptions, options.onQuery),
    // Every request forks its own EntityManager; the global one must never be used implicitly.
    allowGlobalContext: false,
    // Entity properties stay plain fields: the default defines accessors on each new instance at its first write of
    // each property (about a tenth of a bulk import's CPU, with the garbage it leaves). The parts' collections are set
    // through the collection, which keeps both sides in step without them.
    propagationOnPrototype: false,
  };
}

class StatementLogger extends DefaultLogger {
  constructor(
    options: ConstructorParameters<typeof DefaultLogger>[0],
    private readonly onQuery?: (sql: string) => void,
  ) {
    super(options);
  }

  override logQuery(context: LogContext): void {
    if (this.onQuery && context.query && (context.namespace ?? 'query') === 'query') this.onQuery(context.query);
  }
}

/** Opens the ORM and applies pending migrations (the schema is always current once this returns). */
export async function openOrm(options: OrmOptions): Promise<Orm> {
  const orm = await connectOrm(options);
  await orm.migrator.up();
  return orm;
}

/** Opens the ORM on the schema as it is (a restore recreates a backup's schema before it migrates further). */
export function connectOrm(options: OrmOptions): Promise<Orm> {
  return MikroORM.init(ormConfig(options));
}
