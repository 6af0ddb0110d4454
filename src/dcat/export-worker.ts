import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { openOrm } from '../db/orm.js';
import { type ExportJob, exportCatalogueTo } from './export.js';

/** The thread exportCatalogueInWorker starts: one export to one file, progress and result posted back. */
const { databaseUrl, path, options } = workerData as ExportJob;
const orm = await openOrm({ databaseUrl });
try {
  const result = await exportCatalogueTo(orm, path, { ...options, onProgress: (written) => parentPort!.postMessage({ written }) });
  parentPort!.postMessage({ result });
} finally {
  await orm.close();
}
