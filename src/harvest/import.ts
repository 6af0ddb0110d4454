import { FlushMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { dataAccessBodyRules } from '../access/data-access-body.service.js';
import { Catalogue } from '../catalogue/catalogue.entity.js';
import { type Problem, UserInputProblem } from '../core/problems.js';
import { textProblems } from '../core/validation.js';
import { AccessPolicy } from '../records/access-policy.js';
import { audit, snapshot } from '../records/lifecycle.js';
import { type CatalogueRecord, ProvenanceSource } from '../records/record.js';
import { type RecordOrigin, type RecordRules, RecordService } from '../records/record-service.js';
import { cacheReferences, clearReferenceCache, findByRef } from '../records/references.js';
import type { Viewer } from '../records/viewer.js';
import { problemsOfFailedWrite } from '../records/write-problems.js';
import { datasetRules } from '../datasets/dataset.service.js';
import { healthEconomicEvaluationRules } from '../economics/health-economic-evaluation.service.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { actingOrganisationIds } from '../organisations/organisation.queries.js';
import { organisationRules } from '../organisations/organisation.service.js';
import { publicationRules } from '../publications/publication.rules.js';
import { studyRules } from '../studies/study.service.js';
import type { ImportSource, SourceLocation, SourceRecord } from './import-source.js';
import {
  dataAccessBodyInput,
  datasetInput,
  evaluationInput,
  type InputContext,
  type Json,
  organisationInput,
  publicationInput,
  type RecordKind,
  studyInput,
} from './record-inputs.js';

export interface ImportOptions {
  /** Check everything against the catalogue as a real run would, then roll back. */
  dryRun?: boolean;
  /** Publish the records (after the publish checks) unless the file gives a dataset's status. */
  publish?: boolean;
  provenance?: ProvenanceSource;
  /** A harvest: when it ran, and where each record is at its source. */
  harvest?: { at: Date; sourceIri(record: SourceRecord): string | null };
  /** Records done so far, and the number of records once the source knows it. */
  onProgress?: (done: number, total: number | null) => void;
}

export interface ImportProblem extends SourceLocation {
  /** Field (JSON) or column (CSV/XLSX) at fault, when one is. */
  field: string | null;
  message: string;
  code: string;
}

export type CatalogueRecordOutcome = 'created' | 'updated' | 'unchanged' | 'skipped';

export interface ImportReport {
  file: string;
  dryRun: boolean;
  /** Whether the records were written: a real run with no problems. */
  committed: boolean;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  problems: ImportProblem[];
  /** What happened to the file's catalogue record (title, publisher, homepage); null when it has none. */
  catalogueRecord: CatalogueRecordOutcome | null;
}

/** Records written between flushes; large enough for batched inserts, small enough to bound memory. */
const BATCH_SIZE = 500;

type AnyRules = RecordRules<CatalogueRecord, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KINDS: Record<RecordKind, { rules: AnyRules; input: (data: Json, context: InputContext) => object }> = {
  Organisation: { rules: organisationRules as AnyRules, input: organisationInput },
  DataAccessBody: { rules: dataAccessBodyRules as AnyRules, input: dataAccessBodyInput },
  Publication: { rules: publicationRules as AnyRules, input: publicationInput },
  Study: { rules: studyRules as AnyRules, input: studyInput },
  Dataset: { rules: datasetRules as AnyRules, input: datasetInput },
  HealthEconomicEvaluation: { rules: healthEconomicEvaluationRules as AnyRules, input: evaluationInput },
};

class RollBack extends Error {}

/**
 * Writes an import file through the record rules (validation, ownership, lifecycle, audit, outbox) in one
 * transaction: all or nothing. Records are matched by identifier: new ones are created, changed ones
 * updated (their version moves on), unchanged ones left alone. Every problem is reported with its place
 * in the file; once one is found nothing more is flushed, the rest is still checked, and all is rolled back.
 */
export async function importCatalogue(em: EntityManager, viewer: Viewer, source: ImportSource, options: ImportOptions = {}): Promise<ImportReport> {
  const report: ImportReport = {
    file: source.file,
    dryRun: !!options.dryRun,
    committed: false,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    problems: [],
    catalogueRecord: null,
  };
  const fail = (record: Pick<SourceRecord, 'location' | 'locate'>, errors: (Problem & Partial<SourceLocation>)[]) => {
    report.failed++;
    for (const e of errors) report.problems.push({ ...place(record, e), message: e.message, code: e.code });
  };
  try {
    await em.fork({ flushMode: FlushMode.COMMIT }).transactional(async (tx) => {
      const policy = AccessPolicy.forViewer(viewer, await actingOrganisationIds(tx, viewer));
      cacheReferences(tx);
      const firstSeen = new Map<string, SourceLocation>();
      let done = 0;
      type Located = Problem & Partial<SourceLocation>;
      /** Writes one record into the unit of work; returns its problems (unreadable cells and broken rules alike). */
      const writeRecord = async (
        record: SourceRecord,
        service: RecordService<CatalogueRecord, unknown, unknown>,
        input: (data: Json, context: InputContext) => object,
        existing: Map<string, CatalogueRecord>,
      ): Promise<Located[]> => {
        // The same text limits as GraphQL arguments: nothing oversized or with a NUL reaches the services.
        const readProblems: Located[] = [...(record.readProblems ?? []).map((p) => ({ ...p, code: 'INVALID' })), ...textProblems(record.data, '', 'freeText')];
        // A problem of the file itself (an unknown sheet, a part without its record) is not a record to check.
        if (Object.keys(record.data).length === 0 && readProblems.length > 0) return readProblems;
        const identifier = record.data.id;
        const key = `${record.kind} ${identifier}`;
        if (typeof identifier !== 'string' || !identifier.trim()) {
          return [...readProblems, { field: 'id', message: 'every imported record needs its identifier, so the next import can match it', code: 'REQUIRED' }];
        }
        if (firstSeen.has(key)) {
          return [...readProblems, { field: 'id', message: `"${identifier}" appears twice in the file (first at ${describe(firstSeen.get(key)!)})`, code: 'DUPLICATE' }];
        }
        firstSeen.set(key, record.location);
        const publish = record.kind === 'Dataset' && record.data.status ? record.data.status === 'published' : !!options.publish;
        const recordInput = input(record.data, source.context);
        const origin: RecordOrigin = {
          provenanceSource: options.provenance ?? ProvenanceSource.IMPORTED,
          publish,
          issued: dateOf(record.data.issued),
          modified: dateOf(record.data.modified),
          harvestedFrom: options.harvest?.sourceIri(record) ?? null,
          harvestedAt: options.harvest?.at ?? null,
          fingerprint: '',
        };
        origin.fingerprint = fingerprint(record.kind, recordInput, origin);
        try {
          // A record with unreadable cells is still checked, so one dry run reports all its problems.
          const outcome = await service.upsert(identifier, recordInput as never, origin, existing.get(identifier) ?? null);
          if (readProblems.length === 0) report[outcome]++;
          return readProblems;
        } catch (error) {
          if (!(error instanceof UserInputProblem)) throw error;
          // A value already refused as read (too long, not a number) is not reported a second time by the rules.
          const key = (e: Located) => JSON.stringify(place(record, e));
          const refused = new Set(readProblems.map(key));
          return [...readProblems, ...error.errors.filter((e) => !refused.has(key(e)))];
        }
      };
      const writeBatch = async (batch: SourceRecord[]) => {
        const { rules, input } = KINDS[batch[0].kind];
        const service = new RecordService(tx, policy, rules, { deferFlush: true });
        const identifiers = batch.map((r) => r.data.id).filter((id): id is string => typeof id === 'string');
        const existing = new Map((await tx.find(rules.entity, { identifier: { $in: identifiers } } as never)).map((r) => [r.identifier, r]));
        for (const record of batch) {
          const problems = await writeRecord(record, service, input, existing);
          if (problems.length > 0) fail(record, problems);
          options.onProgress?.(++done, source.total);
        }
        if (report.failed > 0) return;
        try {
          await service.flush();
        } catch (error) {
          const first = batch[0].location;
          const last = batch.at(-1)!.location;
          report.failed += batch.length;
          for (const e of problemsOfFailedWrite(error)) {
            report.problems.push({ ...first, field: e.field, message: `the catalogue refused ${describe(first)} to ${describe(last)}: ${e.message}`, code: e.code });
          }
          throw new RollBack();
        }
        // Flushed records are found by query from here on (the flush leaves new ones unknown to the entity
        // manager); clearing keeps memory flat on large files.
        tx.clear();
        clearReferenceCache(tx);
      };
      let batch: SourceRecord[] = [];
      for await (const record of source.records(tx)) {
        if (batch.length > 0 && (batch.length >= BATCH_SIZE || batch[0].kind !== record.kind)) {
          await writeBatch(batch);
          batch = [];
        }
        batch.push(record);
      }
      if (batch.length > 0) await writeBatch(batch);
      if (source.catalogue && report.failed === 0) {
        try {
          report.catalogueRecord = await upsertCatalogueRecord(tx, policy, source.catalogue);
        } catch (error) {
          if (!(error instanceof UserInputProblem)) throw error;
          fail({ location: { file: source.file, sheet: 'catalogue', row: null } }, error.errors);
        }
      }
      if (options.dryRun || report.failed > 0) throw new RollBack();
    });
    report.committed = true;
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  }
  return report;
}

/** The catalogue's own record; only an admin (or the system) may set it, and a node has one. */
async function upsertCatalogueRecord(em: EntityManager, policy: AccessPolicy, c: Json): Promise<CatalogueRecordOutcome> {
  if (!policy.isAdmin) return 'skipped';
  const [current] = await em.find(Catalogue, {}, { limit: 1 });
  if (current && current.identifier !== c.id) return 'skipped';
  const publisher = c.publisher ? await findByRef(em, Organisation, c.publisher) : null;
  if (c.publisher && !publisher) throw UserInputProblem.of('catalogue.publisher', `no Organisation with identifier "${c.publisher}"`, 'NOT_FOUND');
  const fields = {
    title: String(c.title ?? current?.title ?? 'Genomic data catalogue'),
    description: String(c.description ?? current?.description ?? ''),
    languages: (c.language ?? []) as string[],
    spatial: (c.spatial ?? null) as string | null,
    themeTaxonomies: (c.themeTaxonomy ?? []) as string[],
    homepage: (c.homepage ?? null) as string | null,
    publisher,
  };
  const catalogue = current ?? Object.assign(new Catalogue(), { identifier: c.id });
  const before = current ? snapshot(current) : null;
  const unchanged =
    current &&
    (Object.keys(fields) as (keyof typeof fields)[]).every((key) => JSON.stringify(current[key] ?? null) === JSON.stringify(fields[key] ?? null));
  if (unchanged) return 'unchanged';
  Object.assign(catalogue, fields, { modified: new Date() });
  em.persist(catalogue);
  await em.flush();
  audit(em, policy, current ? 'updateCatalogue' : 'createCatalogue', catalogue, before, snapshot(catalogue));
  await em.flush();
  return current ? 'updated' : 'created';
}

/**
 * What the rules are given for a record: the same description in any of the formats (JSON, CSV, XLSX) has
 * the same fingerprint, so switching formats rewrites nothing.
 */
function fingerprint(kind: RecordKind, input: object, origin: RecordOrigin): string {
  const { publish, issued, modified } = origin;
  return createHash('sha256').update(JSON.stringify([kind, publish, issued, modified, input])).digest('base64url');
}

function dateOf(value: unknown): Date | null {
  if (typeof value !== 'string' || !value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Where a problem sits in the file: its own place, where the source locates the field, or the record's. */
function place(record: Pick<SourceRecord, 'location' | 'locate'>, e: Problem & Partial<SourceLocation>): SourceLocation & { field: string | null } {
  if (e.sheet !== undefined) return { ...record.location, sheet: e.sheet, row: e.row ?? null, field: e.field || null };
  const field = e.field?.replace(/^input\./, '') ?? null;
  if (field && record.locate) {
    const located = record.locate(field);
    return { ...located.location, field: located.field };
  }
  return { ...record.location, field };
}

function describe(location: SourceLocation): string {
  return [location.sheet, location.row != null ? `row ${location.row}` : null].filter(Boolean).join(' ') || location.file;
}
