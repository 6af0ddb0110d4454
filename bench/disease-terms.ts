import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { repoRoot } from '../src/core/repo-root.js';
import { ancestorsOf, labelOf, searchDiseaseTerms } from '../src/ontology/disease-hierarchy.js';

/**
 * The disease vocabulary: start-up cost (load and first autocomplete) and autocomplete latency over the full
 * MONDO vocabulary, with queries a portal sends while someone types: the first 1-6 letters of a label's
 * words, and two-word prefixes, for labels picked at random (seeded) from the whole vocabulary.
 *   node dist/bench/disease-terms.js [--queries 5000] [--first 10]
 */
const { values } = parseArgs({ options: { queries: { type: 'string', default: '5000' }, first: { type: 'string', default: '10' } } });
const queries = Number(values.queries);
const first = Number(values.first);

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const heapBefore = process.memoryUsage().heapUsed;
let t0 = performance.now();
labelOf('MONDO:0000001');
const loadMs = performance.now() - t0;
const heapAfterLoad = process.memoryUsage().heapUsed;
t0 = performance.now();
searchDiseaseTerms('disease', first);
const indexMs = performance.now() - t0;
global.gc?.();
const heapAfterIndex = process.memoryUsage().heapUsed;

// Every live label of the shipped file, read directly.
const shipped = JSON.parse(gunzipSync(readFileSync(path.join(repoRoot(), 'data', 'ontology', 'mondo.json.gz'))).toString('utf8')) as {
  labels: string[];
};
const labels = shipped.labels.filter((label) => !label.startsWith('obsolete '));
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const probes: string[] = [];
while (probes.length < queries) {
  const words = labels[Math.floor(random() * labels.length)]!.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const length = 1 + Math.floor(random() * 6);
  probes.push(
    words.length > 1 && random() < 0.3 ? `${words[0]} ${words[1]!.slice(0, length)}` : words[Math.floor(random() * words.length)]!.slice(0, length),
  );
}

const times: number[] = [];
let results = 0;
for (const probe of probes) {
  const start = performance.now();
  const found = searchDiseaseTerms(probe, first);
  for (const term of found) ancestorsOf(term.id);
  times.push(performance.now() - start);
  results += found.length;
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
console.log(
  JSON.stringify({
    vocabularyLabels: labels.length,
    loadMs: Math.round(loadMs),
    labelIndexMs: Math.round(indexMs),
    heapMbVocabulary: mb(heapAfterLoad - heapBefore),
    heapMbWithLabelIndex: mb(heapAfterIndex - heapBefore),
    queries: probes.length,
    meanResults: (results / probes.length).toFixed(1),
    p50ms: at(0.5),
    p95ms: at(0.95),
    p99ms: at(0.99),
    maxMs: times.at(-1)!.toFixed(2),
  }),
);
