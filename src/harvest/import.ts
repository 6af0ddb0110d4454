import { FlushMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { dataAccessBodyRules } from '../access/data-access-body.rules.js';
import { Catalogue } from '../catalogue/catalogue.entity.js';
import { type Problem, UserInputProblem } from '../core/problems.js';
import { isoInstant, textProblems } from '../core/validation.js';
import { AccessPolicy } from '../records/access-policy.js';
import { comparable } from '../records/changes.js';
import { audit, snapshot } from '../records/lifecycle.js';
import { type CatalogueRecord, ProvenanceSource } from '../records/record.js';
import { type RecordOrigin, type RecordRules, RecordService, type ReplacedHandEdit } from '../records/record-service.js';
import { cacheReferences, clearReferenceCache, findByRef, rememberRefused } from '../records/references.js';
import type { Viewer } from '../records/viewer.js';
import { problemsOfFailedWrite } from '../records/write-problems.js';
import { datasetRules } from '../datasets/dataset.rules.js';
import { healthEconomicEvaluationRules } from '../economics/health-economic-evaluation.rules.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { actingOrganisationIds } from '../organisations/organisation.queries.js';
import { organisationRules } from '../organisations/organisation.rules.js';
import { publicationRules } from '../publications/publication.rules.js';
import type { HealthEconomicEvaluationInput } from '../economics/health-economic-evaluation.inputs.js';
import { Study } from '../studies/study.entity.js';
import { studyRules } from '../studies/study.rules.js';
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
  /** The catalogue's public base URL: no record may take an IRI under it as identifier (RecordServiceOptions). */
  baseUrl?: string;
  /** Publish the records (after the publish checks) unless the file gives a dataset's status. */
  publish?: boolean;
  provenance?: ProvenanceSource;
  /** A harvest: when it ran, and where each record is at its source. */
  harvest?: { at: Date; sourceIri(record: SourceRecord): string | null };
  /** Records done so far, and the number of records once the source knows it. */
  onProgress?: (done: number, total: number | null) => void;
  /** Told when another import (or harvest) is writing the catalogue and this one waits for it to end. */
  onWait?: () => void;
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
  /** What the import leaves out of records it takes (a key it does not read), on a dry run as on a real one. */
  warnings: ImportProblem[];
  /** What happened to the file's catalogue record (title, publisher, homepage); null when it has none. */
  catalogueRecord: CatalogueRecordOutcome | null;
}

/**
 * The advisory lock key ("IMP" in ASCII) one import holds while it writes: a second import started meanwhile
 * waits and then reads what the first wrote (its records unchanged), instead of inserting the same new records
 * beside it and failing on their identifiers once the first commits.
 */
const IMPORT_LOCK = 0x494d50;

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
 * updated (their version moves on), unchanged ones left alone (a new fingerprint over the same fields is only
 * remembered: RecordService.upsert). Every problem is reported with its place in the file; once one is found
 * nothing more is flushed, the rest is still checked, and all is rolled back.
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
    warnings: [],
    catalogueRecord: null,
  };
  const fail = (record: Pick<SourceRecord, 'location' | 'locate'>, errors: (Problem & Partial<SourceLocation>)[]) => {
    report.failed++;
    for (const e of errors) report.problems.push({ ...place(record, e), message: e.message, code: e.code });
  };
  try {
    await em.fork({ flushMode: FlushMode.COMMIT }).transactional(async (tx) => {
      const [{ locked }] = await tx.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(?) as locked', [IMPORT_LOCK]);
      if (!locked) {
        options.onWait?.();
        await tx.execute('select pg_advisory_xact_lock(?)', [IMPORT_LOCK]);
      }
      const policy = AccessPolicy.forViewer(viewer, await actingOrganisationIds(tx, viewer));
      cacheReferences(tx);
      const firstSeen = new Map<string, SourceLocation>();
      let done = 0;
      type Located = Problem & Partial<SourceLocation>;
      /** A record as the rules will be given it, or the problems that keep it from them. */
      type Prepared = { record: SourceRecord; readProblems: Located[] } & (
        | { identifier: string; input: object; origin: RecordOrigin }
        | { identifier?: undefined; problems: Located[] }
      );
      const prepareRecord = (record: SourceRecord, input: (data: Json, context: InputContext) => object): Prepared => {
        for (const w of record.warnings ?? []) report.warnings.push({ ...place(record, w), message: w.message, code: w.code });
        // The same text limits as GraphQL arguments: nothing oversized, with a NUL or a lone surrogate reaches the services.
        const readProblems: Located[] = [...(record.readProblems ?? []).map((p) => ({ ...p, code: p.code ?? 'INVALID' })), ...textProblems(record.data, '', 'freeText')];
        // A problem of the file itself (an unknown sheet, a part without its record) or a warning about it is not a record to check.
        if (Object.keys(record.data).length === 0 && (readProblems.length > 0 || record.warnings)) return { record, readProblems, problems: readProblems };
        const identifier = record.data.id;
        const key = `${record.kind} ${identifier}`;
        if (typeof identifier !== 'string' || !identifier.trim()) {
          // An identifier refused as read (not a text) is reported once.
          if (readProblems.some((p) => p.field === 'id')) return { record, readProblems, problems: readProblems };
          const missing = { field: 'id', message: 'every imported record needs its identifier, so the next import can match it', code: 'REQUIRED' };
          return { record, readProblems, problems: [...readProblems, missing] };
        }
        if (firstSeen.has(key)) {
          const twice = { field: 'id', message: `"${identifier}" appears twice in the file (first at ${describe(firstSeen.get(key)!)})`, code: 'DUPLICATE' };
          return { record, readProblems, problems: [...readProblems, twice] };
        }
        firstSeen.set(key, record.location);
        const publish = record.kind === 'Dataset' && record.data.status ? record.data.status === 'published' : !!options.publish;
        const recordInput = input(record.data, source.context);
        const origin: RecordOrigin = {
          provenanceSource: options.provenance ?? ProvenanceSource.IMPORTED,
          publish,
          issued: dateOf(record.data.issued, 'issued', readProblems),
          modified: dateOf(record.data.modified, 'modified', readProblems),
          harvestedFrom: options.harvest?.sourceIri(record) ?? null,
          harvestedAt: options.harvest?.at ?? null,
          fingerprint: '',
        };
        origin.fingerprint = fingerprint(record.kind, recordInput, origin);
        return { record, readProblems, identifier, input: recordInput, origin };
      };
      /** Writes one record into the unit of work; returns its problems (unreadable cells and broken rules alike). */
      const writeRecord = async (prepared: Prepared, batch: Batch): Promise<Located[]> => {
        if (prepared.identifier === undefined) return prepared.problems;
        const { record, readProblems, identifier } = prepared;
        try {
          // A record with unreadable cells is still checked, so one dry run reports all its problems.
          const outcome = await batch.service.upsert(identifier, prepared.input as never, prepared.origin, batch.existing.get(identifier) ?? null, (replaced) =>
            report.warnings.push({ ...place(record, { field: null, message: '', code: '' }), message: handEditReplaced(replaced), code: 'REPLACES_HAND_EDIT' }),
          );
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
      /** Records of one kind, converted, with what checking them reads from the catalogue looked up already. */
      interface Batch {
        records: SourceRecord[];
        service: RecordService<CatalogueRecord, unknown, unknown>;
        prepared: Prepared[];
        existing: Map<string, CatalogueRecord>;
      }
      /** The records converted and fingerprinted: work of its own, done while the batch before is inserted. */
      const prepareBatch = (records: SourceRecord[]): Omit<Batch, 'existing'> => {
        const { rules, input } = KINDS[records[0].kind];
        const service = new RecordService(tx, policy, rules, { baseUrl: options.baseUrl, deferFlush: true });
        return { records, service, prepared: records.map((record) => prepareRecord(record, input)) };
      };
      /** What checking the batch reads, in a statement per kind: the records it matches and the ones it names. */
      const lookUp = async (batch: Omit<Batch, 'existing'>): Promise<Batch> => {
        const { rules } = KINDS[batch.records[0].kind];
        const ready = batch.prepared.filter((p): p is Extract<Prepared, { input: object }> => p.identifier !== undefined);
        const identifiers = ready.map((p) => p.identifier);
        if (batch.records[0].kind === 'HealthEconomicEvaluation') await sortEvaluated(tx, ready.map((p) => p.input as HealthEconomicEvaluationInput));
        const existing = new Map((await tx.find(rules.entity, { identifier: { $in: identifiers } } as never)).map((r) => [r.identifier, r]));
        // A record whose source description is unchanged is left alone: what it names need not be looked up.
        const changing = ready.filter((p) => existing.get(p.identifier)?.sourceFingerprint !== p.origin.fingerprint);
        await batch.service.prefetch(changing.map((p) => p.input));
        // What the records about to be updated link to and consist of, for their history, in a statement per collection and part.
        await batch.service.loadBeforeChange(changing.flatMap((p) => existing.get(p.identifier) ?? []));
        return { ...batch, existing };
      };
      const checkBatch = async (batch: Batch) => {
        for (const prepared of batch.prepared) {
          const problems = await writeRecord(prepared, batch);
          if (problems.length > 0) fail(prepared.record, problems);
          // A harvest's rows are places in a document no one edits: its runs name records by their identifiers.
          if (problems.length > 0 && prepared.identifier !== undefined && !options.harvest) rememberRefused(tx, prepared.record.kind, prepared.identifier, describe(prepared.record.location));
          options.onProgress?.(++done, source.total);
        }
      };
      /** The catalogue refusing a batch's write (a constraint the rules do not check) ends the import. */
      const refuse = (records: SourceRecord[], error: unknown): never => {
        const first = records[0].location;
        const last = records.at(-1)!.location;
        report.failed += records.length;
        for (const e of problemsOfFailedWrite(error)) {
          report.problems.push({ ...first, field: e.field, message: `the catalogue refused ${describe(first)} to ${describe(last)}: ${e.message}`, code: e.code });
        }
        throw new RollBack();
      };
      const written = async (records: SourceRecord[], write: Promise<void>) => {
        try {
          await write;
        } catch (error) {
          refuse(records, error);
        }
      };
      /** The insert of the batch before, running while the next batch is checked: what it failed with, or null. */
      let running: { records: SourceRecord[]; outcome: Promise<unknown> } | null = null;
      const settle = async () => {
        if (!running) return;
        const { records, outcome } = running;
        running = null;
        const error = await outcome;
        if (error) refuse(records, error);
      };
      const batches = inBatches(source.records(tx));
      try {
        let next = await batches.next();
        let batch = next.done ? null : await lookUp(prepareBatch(next.value));
        while (batch) {
          await checkBatch(batch);
          // Nothing is written once a record has failed; the rest is still checked, with the references it may name.
          const insert = report.failed > 0 ? null : batch.service.takeInsert();
          if (report.failed === 0 && !insert) {
            // A batch that changed existing records is written by the ORM's flush, with nothing alongside.
            await settle();
            await written(batch.records, batch.service.flush());
          }
          // Written records are found by query from here on; clearing keeps memory flat on large files.
          if (report.failed === 0) {
            tx.clear();
            clearReferenceCache(tx);
          }
          // The next batch is read and converted while the insert before is still running.
          next = await batches.next();
          const following = next.done ? null : prepareBatch(next.value);
          // A next batch of the same kind is checked while this one is inserted: its look-ups run first (the
          // connection runs statements in order), and the insert changes nothing they read. It adds records the
          // file names once, so none the next batch matches, and a reference the look-ups did not find is looked up
          // again, after the insert. After a change of kind the insert runs alone.
          const overlap = !!insert && following?.records[0].kind === batch.records[0].kind;
          if (!overlap) {
            await settle();
            if (insert) await written(batch.records, insert.run());
          }
          const looked = following ? await lookUp(following) : null;
          await settle();
          if (insert && overlap) running = { records: batch.records, outcome: insert.run().then(() => null, (error: unknown) => error) };
          batch = looked;
        }
        await settle();
      } catch (error) {
        // A statement that failed because the running insert failed (the transaction is aborted) reports the insert.
        if (!(error instanceof RollBack)) await settle();
        throw error;
      } finally {
        await batches.return(undefined);
      }
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

/**
 * An evaluation's `evaluates` names datasets and studies alike; the conversion takes those the file describes as
 * studies for studies and the rest for datasets. One of the rest that is a study of the catalogue is a study:
 * found in one statement per batch (identifiers are unique across kinds).
 */
async function sortEvaluated(em: EntityManager, inputs: HealthEconomicEvaluationInput[]): Promise<void> {
  const named = [...new Set(inputs.flatMap((input) => input.evaluatedDatasets ?? []))];
  if (named.length === 0) return;
  const studies = new Set((await em.find(Study, { identifier: { $in: named } }, { fields: ['identifier'] })).map((study) => study.identifier));
  if (studies.size === 0) return;
  for (const input of inputs) {
    const [asStudies, asDatasets] = [(input.evaluatedDatasets ?? []).filter((id) => studies.has(id)), (input.evaluatedDatasets ?? []).filter((id) => !studies.has(id))];
    if (asStudies.length === 0) continue;
    input.evaluatedDatasets = asDatasets;
    input.evaluatedStudies = [...(input.evaluatedStudies ?? []), ...asStudies];
  }
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
 * the same fingerprint, so switching formats rewrites nothing, and so has one that only lists the members of
 * a set in another order (records/changes.ts).
 */
function fingerprint(kind: RecordKind, input: object, origin: RecordOrigin): string {
  const { publish, issued, modified } = origin;
  return createHash('sha256').update(JSON.stringify([kind, publish, issued, modified])).update(comparable(input)).digest('base64url');
}

/** The source's records in batches of one kind, large enough for one insert, small enough to bound memory. */
async function* inBatches(records: AsyncIterable<SourceRecord>): AsyncGenerator<SourceRecord[], void> {
  let batch: SourceRecord[] = [];
  for await (const record of records) {
    if (batch.length > 0 && (batch.length >= BATCH_SIZE || batch[0].kind !== record.kind)) {
      yield batch;
      batch = [];
    }
    batch.push(record);
  }
  if (batch.length > 0) yield batch;
}

/** A record's issued or modified date; one given that is no ISO 8601 date is a problem of the record, not now. */
function dateOf(value: unknown, field: 'issued' | 'modified', problems: Problem[]): Date | null {
  if (typeof value !== 'string' || !value.trim()) return null;
  const date = isoInstant(value);
  if (!date) problems.push({ field, message: `"${value}" is not an ISO 8601 date or date-time (e.g. 2024-05-01 or 2024-05-01T12:00:00Z)`, code: 'INVALID' });
  return date;
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

/** What an update does to a change made by hand since the record was last imported, in the report's words. */
function handEditReplaced({ version, modified, fields }: ReplacedHandEdit): string {
  const when = modified.toISOString().slice(0, 16).replace('T', ' ');
  return `the record was last changed by hand (version ${version}, ${when} UTC), not by an import; the file's values replace the record's in ${fields.join(', ')}`;
}

function describe(location: SourceLocation): string {
  return [location.sheet, location.row != null ? `row ${location.row}` : null].filter(Boolean).join(' ') || location.file;
}
