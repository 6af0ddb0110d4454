import 'reflect-metadata';
import { on } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { openOrm } from '../db/orm.js';
import { exportBatches } from './export.js';
import type { ExportJob, ExportThreadMessage, ExportThreadTask } from './export-threads.js';

/**
 * An export thread (export-threads.ts): describes the batches it is sent, one at a time, and sends back
 * each one's text, its memory handed over rather than copied. The first thread makes the export's plan.
 */
const { databaseUrl, options, plan } = workerData as ExportJob;
const port = parentPort!;
const orm = await openOrm({ databaseUrl });
try {
  const batches = await exportBatches(orm, options, plan);
  if (!plan) port.postMessage({ plan: batches.plan, header: batches.header } satisfies ExportThreadMessage);
  for await (const [task] of on(port, 'message') as AsyncIterableIterator<[ExportThreadTask]>) {
    if (!task) break;
    const { chunk, datasets, described } = await batches.describe(task.range);
    port.postMessage({ chunk, datasets, described } satisfies ExportThreadMessage, [chunk.buffer]);
  }
} finally {
  await orm.close();
}
