import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = path.resolve('dist/src/cli/main.js');

/** `gdcat <args>` from the built CLI, its exit status and standard error. */
async function gdcat(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 30_000, env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    return error as { code: number; stdout: string; stderr: string };
  }
}

describe('gdcat', () => {
  it('lists its commands on help (exit 0, standard output) and on an unknown command (exit 2)', async () => {
    for (const help of ['help', '--help', '-h']) expect(await gdcat(help)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^gdcat <command> \[options\]\n[^]*export \[--format ttl\|nt\]/) });
    expect(await gdcat('exprot')).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^gdcat <command> \[options\]/) });
  });

  // A mistyped option must not start a server that silently ignores it (serve --port 5000 listened on PORT).
  it.each([
    ['serve', '--port', '5000'],
    ['indexer', '--batch', '10'],
    ['migrate', 'now'],
    ['reindex', '--all'],
    ['print-schema', '--json'],
  ])('refuses arguments %s does not take, with exit status 2, before it opens anything', async (...args) => {
    const { code, stderr } = await gdcat(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^gdcat ${args[0]}: (Unknown option '${args[1]}'|Unexpected argument '${args[1]}')`));
    expect(stderr).not.toMatch(/PostgreSQL|ECONNREFUSED|\n\s+at /);
  });

  it('answers an option a command does not know with exit status 2 and no stack', async () => {
    const { code, stderr } = await gdcat('harvest', '--bogus');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^gdcat harvest: Unknown option '--bogus' \(gdcat help lists every command and its options\)/);
  });
});
