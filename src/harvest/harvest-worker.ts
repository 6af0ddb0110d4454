import 'reflect-metadata';
import type { Logger, LogFields } from '../core/log.js';
import { connectOrm } from '../db/orm.js';
import { harvestSources } from './harvest-runner.js';
import { HarvestSource } from './harvest-source.entity.js';
import type { HarvestJob, HarvestProcessMessage } from './harvest-process.js';

/**
 * A scheduled harvest's process (harvest-process.ts): harvests the sources it is sent, in turn, on its own
 * connections, telling the server which source it starts, each run it keeps and what it logs. The server holds
 * the harvest lock meanwhile and has migrated the schema: the ORM is only connected. A server that goes away
 * (its channel closes) ends the harvest: its write under way is rolled back.
 */
let sent: Promise<void> = Promise.resolve();
let ending = false;
const tell = (message: HarvestProcessMessage): void => {
  sent = new Promise((resolve) => process.send!(message, () => resolve()));
};
/** Ends once every message is sent: an idle socket of the harvest's fetches would otherwise keep it waiting. */
const end = (code: number): void => {
  ending = true;
  void sent.then(() => process.exit(code));
};
const at = (level: 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) => tell({ log: { level, message, fields } });
const log: Logger = Object.assign(at('info'), { format: 'json' as const, info: at('info'), warn: at('warn'), error: at('error') });

process.on('disconnect', () => {
  if (!ending) process.exit(1);
});

async function harvestJob({ databaseUrl, sources, options }: HarvestJob): Promise<void> {
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
}

process.once('message', (job: HarvestJob) => {
  harvestJob(job).then(
    () => end(0),
    (error: Error) => {
      tell({ failed: { message: error.message, stack: error.stack } });
      end(1);
    },
  );
});
