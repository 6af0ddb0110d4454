import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger, LogFields } from '../core/log.js';
import { connectOrm } from '../db/orm.js';
import { harvestSources } from './harvest-runner.js';
import { HarvestSource } from './harvest-source.entity.js';
import type { HarvestJob, HarvestThreadMessage } from './harvest-thread.js';

/**
 * A scheduled harvest's thread (harvest-thread.ts): harvests the sources it is given, in turn, on its own
 * connections, telling the server's thread which source it starts, each run it keeps and what it logs. The
 * server's thread holds the harvest lock meanwhile and has migrated the schema: the ORM is only connected.
 */
const { databaseUrl, sources, options } = workerData as HarvestJob;
const port = parentPort!;
const tell = (message: HarvestThreadMessage): void => port.postMessage(message);
const at = (level: 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) => tell({ log: { level, message, fields } });
const log: Logger = Object.assign(at('info'), { format: 'json' as const, info: at('info'), warn: at('warn'), error: at('error') });

const orm = await connectOrm({ databaseUrl, log });
try {
  const due = await orm.em.fork().find(HarvestSource, { id: { $in: sources } }, { populate: ['organisation'], orderBy: { identifier: 'asc' } });
  for (const source of due) {
    tell({ harvesting: source.id, at: Date.now() });
    const [run] = await harvestSources(orm, [source], options, log);
    tell({ harvested: run!.id });
  }
} finally {
  await orm.close();
}
