import pg from 'pg';
import { loggerOf, type Log } from '../core/log.js';

/** The channel the outbox_event insert trigger notifies (see the outbox_notify migration). */
const CHANNEL = 'gdcat_outbox';
const RECONNECT_MS = 2_000;

export interface OutboxListener {
  close(): Promise<void>;
}

/**
 * Calls `onEvents` whenever a transaction that wrote outbox events commits, in any process. Used by the
 * separate indexer process; a lost connection is re-established after a pause, and the indexer's own polling
 * covers the gap, so a missed notification only delays indexing by one poll interval.
 */
export function listenForOutboxEvents(databaseUrl: string, onEvents: () => void, log: Log): OutboxListener {
  // Warnings: the listener connects again by itself, and polling covers the gap.
  const logger = loggerOf(log);
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: databaseUrl });
    next.on('notification', () => onEvents());
    next.on('error', (error) => {
      logger.warn(`outbox listener lost its connection: ${error.message}`);
      reconnect(next);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      if (closed) await next.end();
      else client = next;
    } catch (error) {
      logger.warn(`outbox listener cannot connect: ${(error as Error).message}`);
      reconnect(next);
    }
  };
  const reconnect = (broken: pg.Client): void => {
    if (client === broken) client = null;
    broken.end().catch(() => undefined);
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, RECONNECT_MS);
    retry.unref();
  };
  void connect();

  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
