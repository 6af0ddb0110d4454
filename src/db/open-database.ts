import path from 'node:path';
import type { AppConfig } from '../config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.js';
import { connectOrm, openOrm, type Orm } from './orm.js';
import { isDatabaseUnavailable } from './unavailable.js';
import { reasonInWords } from '../core/failure-text.js';
import type { Log } from '../core/log.js';

/** Opens the database (embedded when DATABASE_URL is unset) with migrations applied, unless `migrate` is false. */
export async function openDatabase(
  config: AppConfig,
  log: Log,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<{ orm: Orm; databaseUrl: string; embedded?: EmbeddedDatabase }> {
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const dataDir = path.join(config.stateDir, 'postgres');
    log(`starting embedded PostgreSQL in ${dataDir}`);
    embedded = await startEmbeddedPostgres({ dataDir, sharedBuffersMb: config.embeddedSharedBuffersMb });
    databaseUrl = embedded.url;
  }
  const orm = await (migrate ? openOrm : connectOrm)({ databaseUrl, log }).catch((error: unknown) => {
    throw unreachable(error, embedded ? 'the embedded PostgreSQL' : `PostgreSQL at DATABASE_URL (${new URL(databaseUrl).host})`);
  });
  return { orm, databaseUrl, embedded };
}

/**
 * A failure to reach or sign in to the database named with the database (its host, never the URL's password) and
 * the reason in words; any other failure (a migration's) as it is.
 */
function unreachable(error: unknown, database: string): unknown {
  const code = String((error as { code?: unknown }).code ?? '');
  // SQLSTATE class 28: the server refused the user or password; 3D000: no such database. Their messages say which.
  if (!isDatabaseUnavailable(error) && !/^(28...|3D000)$/.test(code)) return error;
  return new Error(`${database} cannot be used: ${reasonInWords(error)}`, { cause: error });
}
