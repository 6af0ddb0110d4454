import type { EntityManager } from '@mikro-orm/postgresql';
import { UserInputProblem } from '../core/problems.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { datasetRules } from '../datasets/dataset.rules.js';
import { DataAccessBody } from '../access/data-access-body.entity.js';
import { CatalogueReadings, detached, readCatalogue, type CatalogueReading } from '../dcat/profiles/catalogue-reader.js';
import { HealthEconomicEvaluation } from '../economics/health-economic-evaluation.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Publication } from '../publications/publication.entity.js';
import { AccessPolicy } from '../records/access-policy.js';
import { type CatalogueRecord, ProvenanceSource, RecordStatus } from '../records/record.js';
import { RecordService } from '../records/record-service.js';
import { systemActor } from '../records/viewer.js';
import { Study } from '../studies/study.entity.js';
import { catalogueJsonSource } from './catalogue-json.js';
import { conformanceWarnings, standInsFor, studiesLacking, withMandatoryFilled } from './harvest-conformance.js';
import { SourceProblem } from './harvest-fetch.js';
import { type HarvestError, HarvestedDataset, HarvestedRecord, HarvestMode, HarvestOutcome, HarvestRun } from './harvest-run.entity.js';
import { HarvestSource, type HarvestSourceKind } from './harvest-source.entity.js';
import { walkSource } from './harvest-walk.js';
import { importCatalogue, type ImportReport } from './import.js';
import type { Json } from './record-inputs.js';

/** The actor of every harvest write (audit log). */
export const HARVEST_ACTOR = systemActor('harvest');

/** Why a dataset the source no longer lists is withdrawn here. */
export const REMOVED_AT_SOURCE = 'removed at source';

/** What to harvest: a registered source, or a one-off URL speaking for an organisation. */
export interface HarvestTarget {
  source: HarvestSource | null;
  url: string;
  kind: HarvestSourceKind;
  /** Public identifier of the organisation the source speaks for. */
  organisation: string;
}

export interface HarvestOptions {
  /** The catalogue's public base URL: no harvested record may take an IRI under it as identifier (ImportOptions). */
  baseUrl?: string;
  /** How long one request to the source may take. */
  timeoutMs: number;
  maxDocuments: number;
  /** Largest body one fetch may have (HARVEST_MAX_RESPONSE_BYTES when not given). */
  maxResponseBytes?: number;
  /** Whether the source may be on loopback, link-local or private addresses (HARVEST_ALLOW_PRIVATE_NETWORKS). */
  allowPrivateNetworks: boolean;
  /** Read everything the source lists even when it supports incremental harvests. */
  full?: boolean;
  /** Told how far a run has gone, after each document read and each record written. */
  onProgress?: (progress: HarvestProgress) => void;
}

/** How far a run has gone. */
export interface HarvestProgress {
  /** The source's identifier, or the URL of a one-off harvest. */
  source: string;
  /** Documents fetched so far (listing pages, dataset documents). */
  documents: number;
  /** Records written (or found unchanged) so far, once writing began, of `total`. */
  records: number;
  total: number | null;
}

// When records fail, they are dropped and the rest written again, at most this many times (each pass drops
// the failing records of one kind, in write order: organisations, access bodies, ... evaluations).
const MAX_PASSES = 6;
// Incremental runs ask from a little before the last run began (or before the instant a gdcat source said its
// listing was complete up to), so clocks a little apart lose nothing.
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Harvests one source through the import's write path (record rules, audit, outbox) as system:harvest:
 * reads what the source publishes, creates, updates or leaves alone each record by identifier, withdraws
 * the datasets the source withdrew (and, after a full pass, those it no longer lists), and keeps the run.
 * A source that cannot be read is a failed run, not an exception; a record that fails is reported and the
 * others are written.
 */
export async function harvest(em: EntityManager, target: HarvestTarget, options: HarvestOptions): Promise<HarvestRun> {
  const startedAt = new Date();
  const source = target.source ? await em.findOneOrFail(HarvestSource, target.source.id, { refresh: true }) : null;
  const run = em.create(HarvestRun, {
    source,
    url: target.url,
    kind: target.kind,
    mode: HarvestMode.FULL,
    outcome: HarvestOutcome.SUCCEEDED,
    actor: HARVEST_ACTOR.subject,
    startedAt,
    finishedAt: startedAt,
    durationMs: 0,
  });
  const sourceName = target.source?.identifier ?? target.url;
  const since = options.full || !source?.harvestedUpTo ? null : new Date(source.harvestedUpTo.getTime() - CLOCK_SKEW_MS);
  /** Up to when this run read everything the source changed. */
  let harvestedUpTo = startedAt;
  try {
    const readings = new CatalogueReadings();
    const walk = await walkSource(target.kind, target.url, {
      timeoutMs: options.timeoutMs,
      maxDocuments: options.maxDocuments,
      maxResponseBytes: options.maxResponseBytes,
      allowPrivateNetworks: options.allowPrivateNetworks,
      modifiedSince: since,
      onDocument: (documents) => options.onProgress?.({ source: sourceName, documents, records: 0, total: null }),
      read: async (quads) => readings.add(detached(await readCatalogue(quads))),
    });
    run.mode = walk.mode;
    run.documents = walk.fetched;
    // The source's own word on how far its listing was complete beats this run's start, read on another clock.
    if (walk.completeUpTo && walk.completeUpTo < harvestedUpTo) harvestedUpTo = walk.completeUpTo;
    for (const failure of walk.failures) fail(run, { identifier: null, iri: failure.url, field: null, message: failure.message, code: failure.code });
    const reading = readings.merged();
    run.unknownProperties = [...reading.unknownProperties].map(([property, count]) => ({ property, count })).sort((a, b) => b.count - a.count);
    const onRecord = (records: number, total: number | null) => options.onProgress?.({ source: sourceName, documents: walk.fetched, records, total });
    await writeReading(em, target, run, reading, walk.failures.length === 0, onRecord, options.baseUrl);
  } catch (error) {
    if (!(error instanceof SourceProblem)) throw error;
    run.outcome = HarvestOutcome.FAILED;
    fail(run, { identifier: null, iri: error.url, field: null, message: error.message, code: error.code });
  }
  if (run.outcome !== HarvestOutcome.FAILED && run.failed > 0) run.outcome = HarvestOutcome.PARTIAL;
  run.finishedAt = new Date();
  run.durationMs = run.finishedAt.getTime() - startedAt.getTime();
  if (source) {
    source.lastRunAt = startedAt;
    if (run.outcome !== HarvestOutcome.FAILED) source.harvestedUpTo = harvestedUpTo;
  }
  em.persist(run);
  await em.flush();
  return run;
}

function fail(run: HarvestRun, error: HarvestError): void {
  run.failed++;
  run.errors.push(error);
}

type RecordProgress = (records: number, total: number | null) => void;

async function writeReading(
  em: EntityManager,
  target: HarvestTarget,
  run: HarvestRun,
  reading: CatalogueReading,
  complete: boolean,
  onRecord: RecordProgress,
  baseUrl: string | undefined,
): Promise<void> {
  const claims = await claimsOf(em, target);
  const datasets = reading.records.filter((record) => record.recordType === 'Dataset');
  const others = await em.find(HarvestedDataset, { identifier: { $in: datasets.map((d) => d.id) } }, { populate: ['source'] });
  const claimedElsewhere = new Map(others.filter((claim) => !claims.has(claim.identifier)).map((claim) => [claim.identifier, claim]));
  const local = new Set((await em.find(Dataset, { identifier: { $in: datasets.map((d) => d.id) } }, { fields: ['identifier'] })).map((d) => d.identifier));
  const standIns = await standInsFor(em, target.organisation);
  const studies = reading.records.filter((record) => record.recordType === 'Study');
  const lackingStudies = studiesLacking(studies);
  const applicationPages = new Map<string, string>(reading.accessBodies.filter((body) => body.applicationUrl).map((body) => [body.id, body.applicationUrl]));
  const unclaimable = await notItsToClaim(em, target, [...datasets.map((dataset) => dataset.publisher), ...reading.accessBodies.map((body) => body.operatedBy)]);
  const withdrawnAtSource = new Map<string, string>();
  const accepted: Json[] = [];
  const filled: HarvestError[] = [];
  const seen = new Set<string>();
  /** Datasets the source describes that are not its own here: registered here, or brought by another source. */
  const notItsOwn = new Set<string>();
  for (const dataset of datasets) {
    const iri = reading.sourceIris.get(`Dataset ${dataset.id}`) ?? null;
    const elsewhere = claimedElsewhere.get(dataset.id);
    if (seen.has(dataset.id)) {
      fail(run, { identifier: dataset.id, iri, field: 'id', message: `the source describes "${dataset.id}" twice`, code: 'DUPLICATE' });
    } else if (elsewhere) {
      const from = elsewhere.source?.identifier ?? elsewhere.sourceUrl;
      notItsOwn.add(dataset.id);
      fail(run, { identifier: dataset.id, iri, field: 'id', message: `"${dataset.id}" is already harvested from ${from}; a dataset comes from one source`, code: 'DUPLICATE' });
    } else if (local.has(dataset.id) && !claims.has(dataset.id)) {
      notItsOwn.add(dataset.id);
      fail(run, { identifier: dataset.id, iri, field: 'id', message: `"${dataset.id}" is already registered in this catalogue, not harvested from this source`, code: 'DUPLICATE' });
    } else if (dataset.status === 'withdrawn') {
      withdrawnAtSource.set(dataset.id, dataset.withdrawalReason || 'withdrawn at source');
    } else if (unclaimable.has(dataset.publisher)) {
      fail(run, { identifier: dataset.id, iri, field: 'publisher', message: mayNotClaim(dataset.publisher, target), code: 'FORBIDDEN' });
    } else {
      accepted.push(withMandatoryFilled(dataset, standIns, lackingStudies, applicationPages, (identifier, field, message, code) => filled.push({ identifier, iri, field, message, code })));
    }
    seen.add(dataset.id);
  }
  const document = {
    organisations: await notHeldElsewhere(em, target, Organisation, reading.organisations),
    accessBodies: (await notHeldElsewhere(em, target, DataAccessBody, reading.accessBodies)).map((body) => {
      if (!unclaimable.has(body.operatedBy)) return body;
      // Left without its operator, the body is the source's organisation's, as one the source names no operator for.
      filled.push({ identifier: body.id, iri: reading.sourceIris.get(`DataAccessBody ${body.id}`) ?? null, field: 'operatedBy', message: mayNotClaim(body.operatedBy, target), code: 'LEFT_OUT' });
      return { ...body, operatedBy: null };
    }),
    publications: await notHeldElsewhere(em, target, Publication, reading.publications),
    records: [
      ...accepted,
      ...(await notHeldElsewhere(em, target, Study, studies.filter((study) => !lackingStudies.has(study.id)))),
      ...(await notHeldElsewhere(em, target, HealthEconomicEvaluation, evaluationsOf(reading, notItsOwn))),
    ],
  };
  const report = await importDroppingFailures(em, target, run, document, reading, onRecord, baseUrl, (warning) => filled.push(warning));
  run.created = report.created;
  run.updated = report.updated;
  run.unchanged = report.unchanged;
  if (report.committed) {
    await rememberHarvested(em, target, run, document.records.filter((r) => r.recordType === 'Dataset'), reading);
    await claimRecords(em, target, document);
    const iriOf = (identifier: string) => reading.sourceIris.get(`Dataset ${identifier}`) ?? null;
    run.warnings = [...filled, ...(await conformanceWarnings(em.fork(), accepted.map((dataset) => dataset.id), iriOf))];
  }

  const withdrawals = new Map([...withdrawnAtSource].filter(([identifier]) => claims.has(identifier)));
  // Only a full pass that read every document says what the source no longer lists.
  if (run.mode === HarvestMode.FULL && complete) {
    for (const identifier of claims.keys()) if (!seen.has(identifier)) withdrawals.set(identifier, REMOVED_AT_SOURCE);
  }
  await withdrawHere(em, run, withdrawals, claims);
}

/**
 * The organisations among `named` that a source may not claim (src/records/references.ts): a harvest writes as the
 * system, yet a dataset's publisher owns it and an access body's operator answers for it (and the body is its
 * organisation's health data access body here). A source may claim the organisation it speaks for, and
 * organisations that came from harvests (a foreign agency several catalogues name), but no other organisation
 * registered here, else any source could publish datasets, or run access bodies, as any region.
 */
async function notItsToClaim(em: EntityManager, target: HarvestTarget, named: unknown[]): Promise<Set<string>> {
  const identifiers = named.filter((ref): ref is string => typeof ref === 'string' && ref !== target.organisation);
  const registeredHere = await em.find(
    Organisation,
    { identifier: { $in: identifiers }, provenanceSource: { $ne: ProvenanceSource.HARVESTED } },
    { fields: ['identifier'] },
  );
  return new Set(registeredHere.map((organisation) => organisation.identifier));
}

const mayNotClaim = (identifier: string, target: HarvestTarget) =>
  `"${identifier}" is an organisation registered here; a source names as publisher or operator the organisation it speaks for (${target.organisation}), or one that came from a harvest`;

/**
 * The evaluations the source's datasets name, each listing only the datasets that are the source's own here: a
 * dataset lists the evaluations that list it, so one registered here or brought by another source must not gain an
 * evaluation from this source. An evaluation left listing none is left out.
 */
function evaluationsOf(reading: CatalogueReading, notItsOwn: ReadonlySet<string>): Json[] {
  return reading.records
    .filter((record) => record.recordType === 'HealthEconomicEvaluation')
    .map((evaluation) => ({ ...evaluation, evaluates: (evaluation.evaluates ?? []).filter((id: string) => !notItsOwn.has(id)) }))
    .filter((evaluation) => evaluation.evaluates.length > 0);
}

/** What this target's claims are stored under: its registered source, or the URL of a one-off harvest. */
function claimedBy(target: HarvestTarget): { source: string } | { source: null; sourceUrl: string } {
  return target.source ? { source: target.source.id } : { source: null, sourceUrl: target.url };
}

/** Datasets this source brought in, with their IRI at the source. */
async function claimsOf(em: EntityManager, target: HarvestTarget): Promise<Map<string, HarvestedDataset>> {
  return new Map((await em.find(HarvestedDataset, claimedBy(target))).map((claim) => [claim.identifier, claim]));
}

type RecordKind = typeof Organisation | typeof DataAccessBody | typeof Publication | typeof Study | typeof HealthEconomicEvaluation;

/**
 * The records a dataset points at (publishers, access bodies, studies...) that this catalogue may take from
 * the source: new ones, and those this source brought before. One registered here, or brought by another source,
 * is left as it is: a source may state any IRI, so stating the IRI a record was read from proves nothing.
 */
async function notHeldElsewhere(em: EntityManager, target: HarvestTarget, entity: RecordKind, records: Json[]): Promise<Json[]> {
  const found = (await em.find(entity as typeof Organisation, { identifier: { $in: records.map((r) => r.id) } }, { fields: ['identifier'] })) as CatalogueRecord[];
  const existing = new Set(found.map((record) => record.identifier));
  const claims = await em.find(HarvestedRecord, { kind: entity.name, identifier: { $in: [...existing] }, ...claimedBy(target) });
  const ours = new Set(claims.map((claim) => claim.identifier));
  return records.filter((record) => !existing.has(record.id) || ours.has(record.id));
}

/** Remembers that this source brought the records of the document besides its datasets (notHeldElsewhere). */
async function claimRecords(em: EntityManager, target: HarvestTarget, document: CatalogueDocument): Promise<void> {
  const kindOf: Record<string, string> = { organisations: Organisation.name, accessBodies: DataAccessBody.name, publications: Publication.name };
  const claims = new Map<string, { kind: string; identifier: string }>();
  for (const [section, records] of Object.entries(document)) {
    for (const record of records as Json[]) {
      const kind = kindOf[section] ?? record.recordType;
      if (kind !== 'Dataset') claims.set(`${kind} ${record.id}`, { kind, identifier: record.id });
    }
  }
  if (claims.size === 0) return;
  await em.upsertMany(
    HarvestedRecord,
    [...claims.values()].map((claim) => ({ ...claim, source: target.source?.id ?? null, sourceUrl: target.url })),
  );
}

const WRITE_ORDER = ['Organisation', 'DataAccessBody', 'Publication', 'Study', 'Dataset', 'HealthEconomicEvaluation'];

/** The sections of agents, which datasets point at. */
const AGENT_SECTIONS = new Set(['organisations', 'accessBodies']);
/** How an agent is reached: what a harvest may leave out of an agent when its source states it wrongly. */
const CONTACT_DETAILS = new Set(['contactEmail', 'homepage', 'applicationUrl']);

type CatalogueDocument = { organisations: Json[]; accessBodies: Json[]; publications: Json[]; records: Json[] };

/**
 * Imports the document; when records fail, reports them, drops them (and what points at them) and writes
 * the rest, so one bad record does not keep a source's other records out.
 */
async function importDroppingFailures(
  em: EntityManager,
  target: HarvestTarget,
  run: HarvestRun,
  start: CatalogueDocument,
  reading: CatalogueReading,
  onRecord: RecordProgress,
  baseUrl: string | undefined,
  warn: (warning: HarvestError) => void,
): Promise<ImportReport> {
  let document = start;
  /** Agents written again without the contact details their source misstates (each once). */
  const withoutDetails = new Set<Json>();
  const kindOfSection: Record<string, string> = { organisations: 'Organisation', accessBodies: 'DataAccessBody', publications: 'Publication' };
  const sourceIriOf = (section: string, record: Json) => reading.sourceIris.get(`${record.recordType ?? kindOfSection[section]} ${record.id}`) ?? null;
  for (let pass = 1; ; pass++) {
    const file = catalogueJsonSource(document, target.url, target.organisation, 'unchecked');
    // An access route has the application page its source states; the import's default (its body's page)
    // would add one the source does not have.
    const source = { ...file, context: { ...file.context, bodyApplicationUrls: new Map<string, string>() } };
    const report = await importCatalogue(em.fork(), HARVEST_ACTOR, source, {
      provenance: ProvenanceSource.HARVESTED,
      baseUrl,
      // What a catalogue lists is published there; a dataset's own status (published, withdrawn) wins.
      publish: true,
      harvest: { at: run.startedAt, sourceIri: (record) => sourceIriOf(record.location.sheet ?? '', record.data) },
      onProgress: onRecord,
    });
    const recordOf = (problem: ImportReport['problems'][number]) =>
      problem.sheet && problem.row != null ? ((document as Record<string, Json[]>)[problem.sheet]?.[problem.row - 1] ?? null) : null;
    const reportProblem = (problem: ImportReport['problems'][number]) => {
      const record = recordOf(problem);
      run.errors.push({
        identifier: record?.id ?? null,
        iri: record ? sourceIriOf(problem.sheet!, record) : null,
        field: problem.field,
        message: problem.message,
        code: problem.code,
      });
    };
    // A problem not tied to one record (the database refusing a batch) cannot be dropped: the run ends there.
    const droppable = report.problems.some((problem) => recordOf(problem));
    if (report.committed || !droppable || pass === MAX_PASSES) {
      if (!report.committed) {
        run.failed += report.failed;
        report.problems.forEach(reportProblem);
      }
      return report;
    }
    // Records fail because of what they point at: drop the failing records of the kind written first, and
    // try the rest again without their links to them.
    const kindOf = (problem: ImportReport['problems'][number]) => WRITE_ORDER.indexOf(recordOf(problem)?.recordType ?? kindOfSection[problem.sheet ?? ''] ?? 'Dataset');
    const first = Math.min(...report.problems.map(kindOf));
    const firstProblems = report.problems.filter((p) => kindOf(p) === first);
    // An organisation or access body whose source misstates only how to reach it (an e-mail address that is
    // none, a homepage that is no address) is written without those details rather than left out: every
    // dataset it publishes or decides on would fail with it.
    const detailsOnly = new Map<Json, ImportReport['problems']>();
    for (const problem of firstProblems) {
      const record = recordOf(problem);
      if (record && AGENT_SECTIONS.has(problem.sheet!) && !withoutDetails.has(record)) detailsOnly.set(record, [...(detailsOnly.get(record) ?? []), problem]);
    }
    for (const [record, problems] of detailsOnly) if (!problems.every((p) => p.code === 'INVALID' && CONTACT_DETAILS.has(p.field ?? ''))) detailsOnly.delete(record);
    const failing = new Map<string, Set<number>>();
    for (const problem of firstProblems) {
      const record = recordOf(problem);
      if (record && detailsOnly.has(record)) {
        warn({ identifier: record.id, iri: sourceIriOf(problem.sheet!, record), field: problem.field, message: `${problem.message}; left out, the ${problem.sheet === 'accessBodies' ? 'access body' : 'organisation'} is kept without it`, code: 'LEFT_OUT' });
        continue;
      }
      if (problem.sheet && problem.row != null) failing.set(problem.sheet, new Set([...(failing.get(problem.sheet) ?? []), problem.row - 1]));
      reportProblem(problem);
    }
    const stripped = (record: Json): Json => {
      const problems = detailsOnly.get(record);
      if (!problems) return record;
      const kept = { ...record };
      for (const problem of problems) delete kept[problem.field!];
      withoutDetails.add(kept);
      return kept;
    };
    const dropped: Json[] = [];
    const keep = (section: keyof CatalogueDocument) =>
      document[section]
        .filter((record, index) => {
          const drop = failing.get(section)?.has(index) ?? false;
          if (drop) dropped.push(record);
          return !drop;
        })
        .map(stripped);
    document = { organisations: keep('organisations'), accessBodies: keep('accessBodies'), publications: keep('publications'), records: keep('records') };
    run.failed += dropped.length;
    const gone = new Set(dropped.map((record) => record.id));
    document.records = document.records.map((record) =>
      record.recordType === 'Dataset' ? withoutLinksTo(record, gone)
      : record.recordType === 'HealthEconomicEvaluation' ? { ...record, evaluates: (record.evaluates ?? []).filter((id: string) => !gone.has(id)) }
      : record,
    );
  }
}

/** A dataset without its optional links to records that could not be written (its publisher stays: it needs one). */
function withoutLinksTo(dataset: Json, gone: Set<string>): Json {
  const keep = (ids: unknown) => (Array.isArray(ids) ? ids.filter((id) => !gone.has(id)) : ids);
  const route = dataset.accessRoute;
  return {
    ...dataset,
    wasGeneratedBy: gone.has(dataset.wasGeneratedBy) ? null : dataset.wasGeneratedBy,
    hdab: gone.has(dataset.hdab) ? null : dataset.hdab,
    dataHolder: keep(dataset.dataHolder),
    contributors: keep(dataset.contributors),
    isReferencedBy: keep(dataset.isReferencedBy),
    accessRoute: route && {
      ...route,
      accessBody: gone.has(route.accessBody) ? null : route.accessBody,
      steps: (route.steps ?? []).map((step: Json) => (gone.has(step.body) ? { ...step, body: null } : step)),
    },
  };
}

/**
 * Remembers which source each written dataset came from, and gives it the source's dct:modified: the
 * description changed when the source says it did, not when it was copied here.
 */
async function rememberHarvested(em: EntityManager, target: HarvestTarget, run: HarvestRun, datasets: Json[], reading: CatalogueReading): Promise<void> {
  if (datasets.length === 0) return;
  await em.upsertMany(
    HarvestedDataset,
    datasets.map((dataset) => ({
      identifier: dataset.id,
      source: target.source?.id ?? null,
      sourceUrl: target.url,
      sourceIri: reading.sourceIris.get(`Dataset ${dataset.id}`) ?? target.url,
    })),
  );
  // Written by this run: harvested_at is the run's start, or the later start of the import's transaction (a trigger's).
  await em.getConnection().execute(
    `update dataset set metadata_modified = modified where identifier in (?) and harvested_at >= ? and metadata_modified <> modified`,
    [datasets.map((dataset) => dataset.id), run.startedAt],
  );
}

async function withdrawHere(em: EntityManager, run: HarvestRun, withdrawals: Map<string, string>, claims: Map<string, HarvestedDataset>): Promise<void> {
  if (withdrawals.size === 0) return;
  await em.fork().transactional(async (tx) => {
    const service = new RecordService(tx, AccessPolicy.forViewer(HARVEST_ACTOR, []), datasetRules);
    for (const [identifier, reason] of withdrawals) {
      const dataset = await tx.findOne(Dataset, { identifier });
      if (!dataset || dataset.status !== RecordStatus.PUBLISHED) continue;
      try {
        await service.withdraw(identifier, reason);
        // Should the source publish it again, the next run writes it again.
        dataset.sourceFingerprint = null;
        await tx.flush();
        run.withdrawn++;
      } catch (error) {
        if (!(error instanceof UserInputProblem)) throw error;
        fail(run, { identifier, iri: claims.get(identifier)?.sourceIri ?? null, field: null, message: error.message, code: 'INVALID_TRANSITION' });
      }
    }
  });
}
