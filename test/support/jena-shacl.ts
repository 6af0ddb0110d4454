import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type * as RDF from '@rdfjs/types';
import { Parser, Store, Writer } from 'n3';

/*
 * Apache Jena SHACL 5.6.0 as an independent validator (scripts/jena-shacl.sh fetches it into .cache/).
 * Tests that need it are skipped with a loud reason when it is not fetched, and fail instead under CI=true.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(repoRoot, 'scripts/jena-shacl.sh');
const SH = 'http://www.w3.org/ns/shacl#';

export const jenaAvailable = existsSync(path.join(repoRoot, '.cache/jena/lib-5.6.0/.complete'));

export const jenaMissing =
  'Apache Jena SHACL is not fetched (run `bash scripts/jena-shacl.sh fetch`): the independent Jena validation is SKIPPED';

/** Fails under CI, where scripts/test.sh must have fetched Jena. */
export function requireJenaUnderCi(): void {
  if (!jenaAvailable && process.env.CI === 'true') throw new Error(`${jenaMissing}, and CI=true requires it`);
}

export interface JenaResult {
  focusNode: string;
  path: string | null;
  constraint: string;
  message: string;
}

/** Validates `data` against `shapes` with Jena's `shacl validate`; the graphs go to it as N-Triples files. */
export async function validateWithJena(shapes: readonly RDF.Quad[], data: readonly RDF.Quad[]): Promise<{ conforms: boolean; results: JenaResult[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gdcat-jena-'));
  try {
    const shapesFile = path.join(dir, 'shapes.nt');
    const dataFile = path.join(dir, 'data.nt');
    await writeFile(shapesFile, new Writer({ format: 'N-Triples' }).quadsToString([...shapes]));
    await writeFile(dataFile, new Writer({ format: 'N-Triples' }).quadsToString([...data]));
    const { stdout } = await promisify(execFile)('bash', [script, 'validate', '--shapes', shapesFile, '--data', dataFile], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const report = new Store(new Parser({ format: 'text/turtle' }).parse(stdout));
    const [conforms] = report.getObjects(null, SH + 'conforms', null);
    if (!conforms) throw new Error(`Jena printed no validation report:\n${stdout.slice(0, 2000)}`);
    const results = report.getObjects(null, SH + 'result', null).map((result) => {
      const one = (predicate: string) => report.getObjects(result, SH + predicate, null)[0];
      const resultPath = one('resultPath');
      return {
        focusNode: one('focusNode')?.value ?? '',
        path: resultPath?.termType === 'NamedNode' ? resultPath.value : null,
        constraint: (one('sourceConstraintComponent')?.value ?? '').replace(SH, ''),
        message: one('resultMessage')?.value ?? '',
      };
    });
    return { conforms: conforms.value === 'true', results };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
