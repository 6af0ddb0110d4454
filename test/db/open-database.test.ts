import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.js';
import { openDatabase } from '../../src/db/open-database.js';

/** A database that cannot be used is named by its host (never the URL's password), with the reason in words. */
describe('openDatabase', () => {
  const failure = async (databaseUrl: string) =>
    openDatabase(configFromEnv({ DATABASE_URL: databaseUrl }), () => undefined).then(
      () => expect.unreachable(),
      (error: Error) => error.message,
    );

  it('says which PostgreSQL could not be reached and why', async () => {
    const refused = await failure('postgres://gdcat:secret@127.0.0.1:1/gdcat');
    expect(refused).toBe('PostgreSQL at DATABASE_URL (127.0.0.1:1) cannot be used: connection refused (is it running, and listening there?)');
    const unknownHost = await failure('postgres://gdcat:secret@no-such-host.invalid:5432/gdcat');
    expect(unknownHost).toMatch(/^PostgreSQL at DATABASE_URL \(no-such-host\.invalid:5432\) cannot be used: (no such host|the host name could not be looked up)$/);
    expect(`${refused}${unknownHost}`).not.toContain('secret');
  });
});
