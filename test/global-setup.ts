import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded-postgres.js';

/**
 * One PostgreSQL server for the whole run: TEST_DATABASE_URL / DATABASE_URL when set, else the embedded
 * server. Each test file creates its own database on it (test/support/database.ts).
 */
let embedded: EmbeddedDatabase | undefined;
let dataDir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!adminUrl) {
    // A fresh cluster per run, so parallel runs (several developers, CI) never share a data directory.
    dataDir = path.resolve('.cache', `test-postgres-${process.pid}`);
    embedded = await startEmbeddedPostgres({ dataDir, database: 'postgres' });
    adminUrl = embedded.url;
  }
  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('elasticsearchUrl', process.env.ELASTICSEARCH_URL ?? '');
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    elasticsearchUrl: string;
  }
}
