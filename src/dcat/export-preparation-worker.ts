import 'reflect-metadata';
import { on } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { connectOrm } from '../db/orm.js';
import { prepareDescriptions } from './export.js';
import type { PreparationJob, PreparationMessage, PreparationTask } from './export-preparation.js';

/**
 * The thread that prepares the next export (export-preparation.ts): describes and stores a batch of stale
 * descriptions for each task it is sent, and answers how many it described and where the next batch starts.
 */
const { databaseUrl, settings } = workerData as PreparationJob;
const port = parentPort!;
// The process that started this thread has migrated the schema.
const orm = await connectOrm({ databaseUrl });
try {
  for await (const [task] of on(port, 'message') as AsyncIterableIterator<[PreparationTask]>) {
    if (!task) break;
    try {
      const prepared = await prepareDescriptions(orm, { ...settings, format: task.format }, task.limit, task.after, task.changedSince === null ? null : new Date(task.changedSince));
      port.postMessage({ prepared } satisfies PreparationMessage);
    } catch (error) {
      port.postMessage({ failed: (error as Error).message } satisfies PreparationMessage);
    }
  }
} finally {
  await orm.close();
}
