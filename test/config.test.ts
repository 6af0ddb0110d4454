import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.js';

describe('configuration from the environment', () => {
  it('prepares the next export in both formats unless EXPORT_PREPARATION says otherwise', () => {
    expect(configFromEnv({}).exportPreparation).toEqual(['ttl', 'nt']);
    expect(configFromEnv({ EXPORT_PREPARATION: 'nt' }).exportPreparation).toEqual(['nt']);
    expect(configFromEnv({ EXPORT_PREPARATION: ' ttl , ttl ' }).exportPreparation).toEqual(['ttl']);
    expect(configFromEnv({ EXPORT_PREPARATION: 'off' }).exportPreparation).toEqual([]);
  });

  it('refuses an EXPORT_PREPARATION that names no export format, saying what it takes', () => {
    expect(() => configFromEnv({ EXPORT_PREPARATION: 'ttl,jsonld' })).toThrow('EXPORT_PREPARATION must be off or a list of ttl, nt, not ttl,jsonld');
    expect(() => configFromEnv({ EXPORT_PREPARATION: ',' })).toThrow('EXPORT_PREPARATION must be off or a list of ttl, nt, not ,');
  });
});
