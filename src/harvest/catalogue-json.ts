import type { ImportSource, SourceRecord } from './import-source.js';
import type { Json, RecordKind } from './record-inputs.js';

const RECORD_TYPES: Record<string, RecordKind> = {
  Dataset: 'Dataset',
  Study: 'Study',
  HealthEconomicEvaluation: 'HealthEconomicEvaluation',
};

/**
 * The example-catalogue JSON shape (seed/example-catalogue.json): `catalogue`, `organisations`,
 * `accessBodies`, `publications` and `records` (each with a recordType). The document is held in memory
 * whole; large bulk files are better given as CSV or XLSX, which are streamed.
 */
export function catalogueJsonSource(document: unknown, file: string, defaultOwner: string | null = null): ImportSource {
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw new Error(`${file}: not an example-catalogue document (expected a JSON object with organisations, accessBodies, publications, records)`);
  }
  const data = document as Json;
  const section = (name: string): Json[] => (Array.isArray(data[name]) ? data[name] : []);
  const records: SourceRecord[] = [];
  const at = (sheet: string, row: number) => ({ file, sheet, row });
  for (const [i, o] of parentsFirst(section('organisations'))) records.push({ kind: 'Organisation', data: o, location: at('organisations', i + 1) });
  section('accessBodies').forEach((b, i) => records.push({ kind: 'DataAccessBody', data: b, location: at('accessBodies', i + 1) }));
  section('publications').forEach((p, i) => records.push({ kind: 'Publication', data: p, location: at('publications', i + 1) }));
  const typed = section('records').map((r, i) => ({ r, i, kind: RECORD_TYPES[r?.recordType] }));
  for (const kind of ['Study', 'Dataset', 'HealthEconomicEvaluation'] as const) {
    for (const { r, i } of typed.filter((t) => t.kind === kind)) records.push({ kind, data: r, location: at('records', i + 1) });
  }
  const unknown = typed.filter((t) => !t.kind);
  for (const { r, i } of unknown) {
    records.push({
      kind: 'Dataset',
      data: r ?? {},
      location: at('records', i + 1),
      readProblems: [{ field: 'recordType', message: `must be Dataset, Study or HealthEconomicEvaluation (got ${JSON.stringify(r?.recordType ?? null)})` }],
    });
  }
  const catalogue = data.catalogue && typeof data.catalogue === 'object' ? (data.catalogue as Json) : null;
  return {
    file,
    catalogue,
    total: records.length,
    context: {
      defaultOwner: defaultOwner ?? catalogue?.publisher ?? null,
      bodyApplicationUrls: new Map(section('accessBodies').filter((b) => b?.applicationUrl).map((b) => [b.id, b.applicationUrl])),
      studyIds: new Set(typed.filter((t) => t.kind === 'Study').map((t) => t.r.id)),
    },
    async *records() {
      yield* records;
    },
  };
}

/** Orders organisations so a parent comes before its children (the file may list them in any order). */
export function parentsFirst(organisations: Json[]): [number, Json][] {
  const byId = new Map(organisations.map((o, i) => [o?.id, [i, o] as [number, Json]]));
  const ordered: [number, Json][] = [];
  const placed = new Set<string>();
  const place = (entry: [number, Json], seen: Set<string>) => {
    const [, o] = entry;
    if (typeof o?.id !== 'string') {
      ordered.push(entry);
      return;
    }
    if (placed.has(o.id) || seen.has(o.id)) return;
    seen.add(o?.id);
    const parent = byId.get(o?.parentOrg);
    if (parent) place(parent, seen);
    placed.add(o?.id);
    ordered.push(entry);
  };
  organisations.forEach((o, i) => place([i, o], new Set()));
  return ordered;
}
