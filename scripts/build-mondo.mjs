#!/usr/bin/env node
// Builds data/ontology/mondo.json.gz, the compact MONDO vocabulary gdcat ships, from the two TSV files of a
// MONDO extract (see data/ontology/SOURCE.md):
//   node scripts/build-mondo.mjs <dir with mondo-labels.tsv and mondo-rare-subclass-edges.tsv>
// Terms are keyed by the number of their MONDO id; parents are indexes into the term list, so the file stays
// small and loads with one JSON.parse.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const [sourceDir] = process.argv.slice(2);
if (!sourceDir) {
  console.error('usage: node scripts/build-mondo.mjs <mondo extract directory>');
  process.exit(2);
}
const out = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'data', 'ontology', 'mondo.json.gz');

function rows(file, header) {
  const lines = readFileSync(path.join(sourceDir, file), 'utf8').split('\n').filter((line) => line.length > 0);
  if (lines[0] !== header) throw new Error(`${file}: expected the header "${header}", found "${lines[0]}"`);
  return lines.slice(1).map((line, i) => {
    const cells = line.split('\t');
    if (cells.length !== 2) throw new Error(`${file}:${i + 2}: expected 2 columns`);
    return cells;
  });
}

const MONDO_ID = /^MONDO:(\d{7})$/;
function number(id, where) {
  const match = MONDO_ID.exec(id);
  if (!match) throw new Error(`${where}: "${id}" is not a MONDO id`);
  return Number(match[1]);
}

const terms = rows('mondo-labels.tsv', 'id\tlabel')
  .map(([id, label]) => ({ n: number(id, 'mondo-labels.tsv'), label: label.trim() }))
  .sort((a, b) => a.n - b.n);
const indexOf = new Map(terms.map((term, i) => [term.n, i]));
if (indexOf.size !== terms.length) throw new Error('mondo-labels.tsv: duplicate ids');

const parents = terms.map(() => []);
let edges = 0;
for (const [child, parent] of rows('mondo-rare-subclass-edges.tsv', 'child\tparent')) {
  const c = indexOf.get(number(child, 'edges'));
  const p = indexOf.get(number(parent, 'edges'));
  if (c === undefined || p === undefined) throw new Error(`edge ${child} -> ${parent} names an unlabelled class`);
  if (!parents[c].includes(p)) {
    parents[c].push(p);
    edges += 1;
  }
}

const data = {
  source: 'MONDO (monarch-initiative/mondo, CC BY 4.0); built by scripts/build-mondo.mjs, see data/ontology/SOURCE.md',
  ids: terms.map((term) => term.n),
  labels: terms.map((term) => term.label),
  parents,
};
writeFileSync(out, gzipSync(JSON.stringify(data), { level: 9 }));
console.log(`${out}: ${terms.length} classes, ${edges} subclass edges`);
