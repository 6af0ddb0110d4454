import pg from 'pg';
import { createLogger, loggerOf, type Log } from '../core/log.js';

export interface PoolOptions {
  connectionString: string;
  max: number;
  /** Names the pool in log lines. */
  name: string;
  /** Where its connection failures are logged (default: standard error, as text). */
  log?: Log;
  /** Server-side limit for every statement on this pool's connections (0: none). */
  statementTimeoutMs?: number;
  /** Called with every statement sent; used by tests to count queries. */
  onQuery?: (sql: string) => void;
}

/**
 * A pg pool that survives connections the server drops (pg_terminate_backend, idle timeouts, a restart):
 * an 'error' event without a listener is an uncaught exception that ends the process. pg-pool re-emits
 * errors of idle clients on the pool and leaves checked-out clients' errors to their holder, so both get a
 * listener; the query in flight rejects on its own and the pool discards the broken client.
 */
export function createPool(options: PoolOptions): pg.Pool {
  const onQuery = options.onQuery;
  const Client = onQuery
    ? class CountingClient extends pg.Client {
        override query(...args: unknown[]): never {
          const [first] = args;
          onQuery(typeof first === 'string' ? first : String((first as { text?: string })?.text ?? ''));
          return (super.query as (...a: unknown[]) => never)(...args);
        }
      }
    : pg.Client;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    Client,
    statement_timeout: options.statementTimeoutMs || undefined,
    // A connection that cannot be had within this time fails the request instead of queueing it forever.
    connectionTimeoutMillis: 5_000,
  });
  logConnectionFailures(pool, options.name, options.log ?? createLogger());
  releaseBrokenClients(pool);
  return pool;
}

/**
 * Logs, at level error, each connection of the pool that breaks, checked out or idle: the server went away or
 * ended the session. The line names the pool and gives the server's reason, never the connection string. pg-pool
 * re-emits an idle connection's error on the pool, which is already logged by then: the pool's listener only keeps
 * the process alive.
 */
export function logConnectionFailures(pool: pg.Pool, name: string, log: Log): void {
  const logger = loggerOf(log);
  pool.on('connect', (client) => client.on('error', (error) => logger.error(`PostgreSQL connection error: ${error.message}`, { pool: name })));
  pool.on('error', () => undefined);
}

/**
 * Gives a checked-out connection back to the pool, to be discarded, as soon as it breaks (the server went
 * away, was restarted, or terminated the session). Its holder may never release it: Kysely, under the ORM,
 * releases nothing when BEGIN or ROLLBACK fails on a dead connection. Each outage would then keep pool slots
 * forever, until no request gets a connection and pool.end() never returns. The holder's own release later
 * does nothing.
 */
export function releaseBrokenClients(pool: pg.Pool): void {
  const checkedOut = new Set<pg.PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_error, client) => checkedOut.delete(client));
  pool.on('connect', (client) =>
    client.on('error', (error) => {
      const held = client as pg.PoolClient;
      if (!checkedOut.has(held)) return;
      checkedOut.delete(held);
      const release = held.release;
      held.release = () => undefined;
      release(error);
    }),
  );
}
