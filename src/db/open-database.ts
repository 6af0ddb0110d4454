import path from 'node:path';
import type { AppConfig } from '../config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.js';
import { openOrm, type Orm } from './orm.js';

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
