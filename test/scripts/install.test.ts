import { execFile } from 'node:child_process';
import { existsSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/core/repo-root.js';

const run = promisify(execFile);

describe('scripts/install.sh', () => {
  it('leaves dist/ alone when nothing changed, and dist/ never goes missing meanwhile', async () => {
    const root = repoRoot();
    const install = () => run('bash', [path.join(root, 'scripts/install.sh')], { cwd: root, timeout: 170_000 });
    await install();
    const main = path.join(root, 'dist/src/cli/main.js');
    const before = { target: readlinkSync(path.join(root, 'dist')), file: statSync(main) };

    let missing = 0;
    let polls = 0;
    const watcher = setInterval(() => {
      polls++;
      if (!existsSync(main)) missing++;
    }, 5);
    try {
      await install();
    } finally {
      clearInterval(watcher);
    }

    const after = statSync(main);
    expect(readlinkSync(path.join(root, 'dist'))).toBe(before.target);
    expect(after.ino).toBe(before.file.ino);
    expect(after.mtimeMs).toBe(before.file.mtimeMs);
    expect(polls).toBeGreaterThan(0);
    expect(missing).toBe(0);
  }, 180_000);
});
