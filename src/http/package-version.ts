import { readFileSync } from 'node:fs';
import { repoRoot } from '../core/repo-root.js';
import path from 'node:path';

let version: string | undefined;

export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
