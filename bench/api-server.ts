import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { createTokenVerifier } from '../src/auth/tokens.js';
import { httpSettingsFromEnv, searchLimitsFromEnv } from '../src/config.js';
import { openOrm } from '../src/db/orm.js';
import { createApp, listen } from '../src/http/app.js';
import { createSearchEngine } from '../src/search/create-engine.js';
import type { DatasetSearchRequest } from '../src/search/engine.js';
import { OutboxIndexer } from '../src/search/indexer.js';
import { limitSearches } from '../src/search/search-limiter.js';

/**
 * The API the queries section measures, in a process of its own as `gdcat serve` runs it (the search limiter
 * included), so its heap, garbage collections and event loop are the API's alone, not the bench's:
 *   node dist/bench/api-server.js <database url> <elasticsearch url or ""> <index prefix> <dev key file>
 * Started by bench/run.ts over IPC; it answers each message with one reply:
 *   {op: 'record'}        start recording the engine requests sent and counting SQL statements
 *   {op: 'recorded'}      stop; reply {requests, statements}
 *   {op: 'usage'}         reply {cpuMs, heapUsedMiB} of this process
 *   {op: 'profile', file} CPU-profile until the next {op: 'profile'} without file, written to that file
 *   {op: 'stop'}          close and exit
 * Its indexer is not started: the bench drains the outbox before the queries, and no query writes (a started
 * indexer's polling would be counted among a request's statements).
 */
export type ApiMessage = { op: 'record' | 'recorded' | 'usage' | 'stop' } | { op: 'profile'; file?: string };
export interface ApiReply {
  op: string;
  url?: string;
  requests?: DatasetSearchRequest[];
  statements?: number;
  cpuMs?: number;
  heapUsedMiB?: number;
}

const [databaseUrl, elasticsearchUrl, indexPrefix, devKeyFile] = process.argv.slice(2);
if (!databaseUrl || elasticsearchUrl === undefined || !indexPrefix || !devKeyFile || !process.send) {
  throw new Error('usage (from bench/run.js, with IPC): api-server.js <database url> <elasticsearch url or ""> <index prefix> <dev key file>');
}

let recording = false;
let statements = 0;
const sent: DatasetSearchRequest[] = [];
const orm = await openOrm({
  databaseUrl,
  onQuery: (line) => {
    // eslint-disable-next-line no-control-regex
    if (recording && /\b(select|insert|update|delete|with)\b/i.test(line.replace(/\x1b\[[0-9;]*m/g, ''))) statements++;
  },
});
const limits = searchLimitsFromEnv();
const engine = createSearchEngine({ databaseUrl, elasticsearchUrl: elasticsearchUrl || undefined, indexPrefix, searchStatementTimeoutMs: limits.statementTimeoutMs });
await engine.init();
/** Records each engine request while asked to, so the bench can replay exactly that request on its own. */
const recorded = new Proxy(engine, {
  get(target, property) {
    if (property === 'search') {
      return (request: DatasetSearchRequest) => {
        if (recording) sent.push(structuredClone(request));
        return target.search(request);
      };
    }
    const value: unknown = Reflect.get(target, property);
    return typeof value === 'function' ? value.bind(target) : value;
  },
});
const search = limitSearches(recorded, limits);
// One bench client sends far more than a person would: the per-client rate limit would measure itself.
const http = httpSettingsFromEnv({ RATE_LIMIT_PER_MINUTE: '0' });
const { app } = await createApp({
  orm,
  baseUrl: 'http://gdcat.bench',
  search,
  indexer: new OutboxIndexer(orm, search),
  verifyToken: await createTokenVerifier({ mode: 'dev', devKeyFile }),
  smallCountThreshold: 5,
  version: 'bench',
  log: () => undefined,
  http,
});
const server = await listen(app, 0, '127.0.0.1', http);
const address = server.address();
const port = typeof address === 'object' && address ? address.port : 0;
let profiler: { session: Session; file: string } | null = null;

const reply = (message: ApiReply) => process.send!(message);
process.on('message', (message: ApiMessage) => {
  void (async () => {
    switch (message.op) {
      case 'record':
        sent.length = 0;
        statements = 0;
        recording = true;
        return reply({ op: message.op });
      case 'recorded':
        recording = false;
        return reply({ op: message.op, requests: sent, statements });
      case 'usage': {
        const cpu = process.cpuUsage();
        return reply({ op: message.op, cpuMs: (cpu.user + cpu.system) / 1000, heapUsedMiB: process.memoryUsage().heapUsed / 1048576 });
      }
      case 'profile':
        if (message.file) {
          const session = new Session();
          session.connect();
          await session.post('Profiler.enable');
          await session.post('Profiler.start');
          profiler = { session, file: message.file };
        } else if (profiler) {
          const { profile } = await profiler.session.post('Profiler.stop');
          await writeFile(profiler.file, JSON.stringify(profile));
          profiler.session.disconnect();
          profiler = null;
        }
        return reply({ op: message.op });
      case 'stop':
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await search.close();
        await orm.close();
        reply({ op: message.op });
        process.disconnect();
        return;
    }
  })();
});
reply({ op: 'listening', url: `http://127.0.0.1:${port}/graphql` });
