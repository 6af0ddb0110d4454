import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.js';
import { freePort } from '../../src/db/embedded-postgres.js';
import { createSearchEngine } from '../../src/search/create-engine.js';
import { startSearchEngine } from '../../src/search/engine-startup.js';

describe('startSearchEngine', () => {
  // Nothing listens on the port: the engine's own client meets a refused connection, as in an outage.
  it('starts without an engine it cannot reach and says so at level warn (the process runs without search)', async () => {
    const where = `http://127.0.0.1:${await freePort()}`;
    const engine = createSearchEngine({ databaseUrl: 'postgres://unused@127.0.0.1:1/none', elasticsearchUrl: where, indexPrefix: 'gdcat-startup-test' });
    const lines: string[] = [];
    const started = await startSearchEngine(engine, `elasticsearch at ${where}`, createLogger('json', (line) => lines.push(line)));
    try {
      expect(started.ready).toBe(false);
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({ level: 'warn', msg: expect.stringMatching(new RegExp(`^search engine elasticsearch at ${where} cannot be reached \\(.*ECONNREFUSED`)) }),
      ]);
    } finally {
      await started.engine.close();
    }
  });
});
