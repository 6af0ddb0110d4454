import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../node_modules/dependency-cruiser/bin/dependency-cruiser.mjs', import.meta.url));

describe('dependency direction (ARCHITECTURE.md, rules in .dependency-cruiser.cjs)', () => {
  it('core <- records <- graphql/kit <- domains <- {search, dcat, harvest} <- graphql <- http <- cli holds', async () => {
    const run = promisify(execFile)(process.execPath, [cli, 'src', 'seed', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], {
      cwd: root,
    });
    const outcome = await run.then(
      ({ stdout }) => ({ ok: true, report: stdout }),
      (error: { stdout?: string; stderr?: string }) => ({ ok: false, report: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    expect(outcome.report).toMatch(/no dependency violations found/);
    expect(outcome.ok, outcome.report).toBe(true);
  }, 60_000);
});
