import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessPolicy } from './access-policy.js';
import { assertExpectedVersion, audit, keepAsStored, loadCollections, newRecordSnapshot, publish, type RecordParts, snapshot, withdraw } from './lifecycle.js';
import { fieldChanges } from './changes.js';
import { CatalogueRecord, type ProvenanceSource, RecordStatus } from './record.js';
import { duplicateIdentifier, executeBound, insertNewEntities, type NewEntityInsert, takeNewEntities } from './record-inserts.js';
import { findReadable, References, rememberReference } from './references.js';
import { Problems, UserInputProblem } from '../core/problems.js';
import { listSizeProblems } from '../core/list-limits.js';

/** The advisory lock key space of identifiers being taken ("IRI" in ASCII); the second key is the IRI's hash. */
const IRI_LOCKS = 0x495249;

/** What a record type adds to the shared create/update/publish/withdraw flow. */
export interface RecordRules<E extends CatalogueRecord, I, P> {
  entity: EntityClass<E>;
  /**
   * Builds a new (unpersisted) record from a create input, reporting problems. Every record the input
   * points at is resolved through `refs`, which applies the reference rule. A record written in bulk is
   * built knowing its origin (a harvested record keeps what its source states).
   */
  build(em: EntityManager, input: I, problems: Problems, refs: References, origin?: RecordOrigin): Promise<E>;
  /** Applies the given fields of a patch (references through `refs`, as in build; `origin` as in build). */
  apply(em: EntityManager, record: E, patch: P, problems: Problems, refs: References, origin?: RecordOrigin): Promise<void>;
  /**
   * Extra checks before publishing and on every change of a published record (e.g. CHEERS items for full
   * evaluations); `policy` is the caller's, so a problem names only records the caller may read.
   */
  checkPublishable?(em: EntityManager, record: E, problems: Problems, policy: AccessPolicy): Promise<void>;
  /** Checks before the record is withdrawn or deleted (e.g. the organisation publishing the catalogue itself); `policy` as above. */
  checkRemovable?(em: EntityManager, record: E, problems: Problems, policy: AccessPolicy): Promise<void>;
  /** The input field blamed when the caller may not write for a new record's owner. */
  ownerField?(input: I): string;
  /**
   * Looks up, in one statement (References.prefetch), the records a batch of inputs names, so that
   * checking the batch reads nothing more: a bulk writer checks it while the batch before is being written.
   */
  prefetch?(refs: References, inputs: I[]): Promise<void>;
  /**
   * Reads the parts of records about to change that are kept in tables of their own (`parts`), each kind in one
   * statement for all the records: those `patch` gives, or all of them without a patch (a bulk writer's batch).
   * Parts read already are not read again, and `apply` reads none of those read here.
   */
  loadParts?(em: EntityManager, records: E[], patch?: P): Promise<void>;
  /** The record's parts kept in tables of their own, as read (loadParts) or given so far, for its history. */
  parts?(record: E): RecordParts;
  /** Follow-up work in the same transaction, e.g. re-indexing datasets that show this record; it only adds new rows. */
  afterChange?(em: EntityManager, record: E): Promise<void>;
}

/** Where a record written in bulk (import, harvest) comes from, and what the source says about it. */
export interface RecordOrigin {
  provenanceSource: ProvenanceSource;
  /** Fingerprint of the source description; the same fingerprint as last time means unchanged. */
  fingerprint: string;
  /** Publish the record (after the same checks as publishRecord) if it is not published yet. */
  publish: boolean;
  /** The source's own dates, kept instead of the time of the write. */
  issued?: Date | null;
  modified?: Date | null;
  harvestedFrom?: string | null;
  harvestedAt?: Date | null;
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/** An update's replacing of what was changed on the record by hand since its source last wrote it. */
export interface ReplacedHandEdit {
  /** The record's version and date as the hand edit left them. */
  version: number;
  modified: Date;
  /** The fields the source's values replace (as its history names them). */
  fields: string[];
}

export interface RecordServiceOptions {
  /**
   * The catalogue's public base URL (PUBLIC_BASE_URL): a new record's identifier may not be an IRI under it, which
   * the catalogue mints for its own records (dcat/iris.ts). Writers from outside (GraphQL, import, harvest) give it.
   */
  baseUrl?: string;
  /** Bulk writers flush in batches themselves instead of after every record. */
  deferFlush?: boolean;
}

/**
 * Runs the shared lifecycle for one record type; every method runs inside the caller's transaction and,
 * unless a bulk writer defers flushing, writes everything it changed before it returns (the GraphQL
 * mutations commit without a flush of their own: graphql/kit/mutation.ts).
 */
export class RecordService<E extends CatalogueRecord, I, P> {
  constructor(
    private readonly em: EntityManager,
    private readonly policy: AccessPolicy,
    private readonly rules: RecordRules<E, I, P>,
    private readonly options: RecordServiceOptions = {},
  ) {}

  /**
   * Creates the record named by `identifier`, or brings the existing one in line with the input (the same
   * rules as create and update). `existing` may be passed when the caller looked it up in bulk.
   */
  async upsert(identifier: string, input: I & P, origin: RecordOrigin, existing?: E | null, onHandEditReplaced?: (replaced: ReplacedHandEdit) => void): Promise<UpsertOutcome> {
    const record = existing === undefined ? await this.em.findOne(this.rules.entity, { identifier } as never) : existing;
    if (!record) {
      await this.createFrom(input, origin);
      return 'created';
    }
    this.policy.assertSignedIn('identifier');
    // A record the caller may not read answers as create does for a taken identifier, not with whose it is.
    if (!this.policy.canRead(record)) throw duplicateIdentifier(identifier, this.name);
    this.policy.assertCanWrite(record.ownerOrganisationId, 'identifier');
    this.policy.assertCanEditByHand(record, 'identifier');
    if (record.sourceFingerprint === origin.fingerprint) return 'unchanged';
    const sourceFingerprint = record.sourceFingerprint;
    await this.loadBeforeChange([record]);
    const before = snapshot(record, this.partsOf(record));
    const stored = { modified: record.modified, harvestedAt: record.harvestedAt };
    assertListSizes(input);
    const problems = new Problems();
    await this.rules.apply(this.em, record, input, problems, this.refs, origin);
    problems.throwIfAny();
    await this.applyOrigin(record, origin);
    const after = snapshot(record, this.partsOf(record));
    const sourceDatesKept = !origin.modified || origin.modified.getTime() === stored.modified.getTime();
    const changes = fieldChanges(before, after);
    if (sourceDatesKept && changes.length === 0) {
      await this.rememberFingerprint(record, stored, origin.fingerprint);
      return 'unchanged';
    }
    // No fingerprint: the record was last changed by hand (or never written from a source), not as the source said.
    if (!sourceFingerprint && changes.length > 0) onHandEditReplaced?.({ version: record.version, modified: stored.modified, fields: changes.map((c) => c.field) });
    await this.commit(record, `update${this.name}`, before, after);
    this.updatedSinceFlush = true;
    return 'updated';
  }

  /**
   * Reads what the history of records about to change shows of them (collections and parts) that is not read
   * yet: a bulk writer reads it for a whole batch, in a statement per collection and part.
   */
  async loadBeforeChange(records: E[]): Promise<void> {
    await loadCollections(this.em, records);
    await this.rules.loadParts?.(this.em, records);
  }

  /**
   * A record whose source description changed only in form (a fingerprint taken before a rule of
   * records/changes.ts, sets listed in another order) still states what it stated: it keeps its version and its
   * dates, gets no audit entry and no outbox event, and remembers the new fingerprint, so the next run skips it.
   */
  private async rememberFingerprint(record: E, stored: Pick<CatalogueRecord, 'modified' | 'harvestedAt'>, fingerprint: string): Promise<void> {
    Object.assign(record, stored);
    keepAsStored(this.em, record, this.partsOf(record));
    this.fingerprints.push({ id: record.id, fingerprint });
    if (!this.options.deferFlush) await this.writeFingerprints();
  }

  /** New fingerprints of records otherwise left as they are: one statement, which moves neither version nor dates. */
  private async writeFingerprints(): Promise<void> {
    if (this.fingerprints.length === 0) return;
    const meta = this.em.getMetadata().get<CatalogueRecord>(this.rules.entity);
    const column = meta.properties.sourceFingerprint.fieldNames[0];
    await executeBound(
      this.em,
      `update "${meta.tableName}" r set "${column}" = f.fingerprint from jsonb_to_recordset($1::jsonb) as f(id uuid, fingerprint text) where r.id = f.id`,
      [JSON.stringify(this.fingerprints)],
    );
    this.fingerprints = [];
  }

  private fingerprints: { id: string; fingerprint: string }[] = [];

  private partsOf(record: E): RecordParts {
    return this.rules.parts?.(record) ?? {};
  }

  private async createFrom(input: I, origin: RecordOrigin): Promise<E> {
    const record = await this.build(input, origin);
    this.policy.assertCanWrite(record.ownerOrganisationId, this.rules.ownerField?.(input) ?? 'input.ownerOrganisation');
    await this.applyOrigin(record, origin);
    this.em.persist(record);
    rememberReference(this.em, record);
    audit(this.em, this.policy, `create${this.name}`, record, null, newRecordSnapshot(record, this.partsOf(record)));
    await this.rules.afterChange?.(this.em, record);
    if (!this.options.deferFlush) await insertNewEntities(this.em);
    return record;
  }

  /** Looks up what a bulk writer's next records name (RecordRules.prefetch), before it checks them. */
  async prefetch(inputs: I[]): Promise<void> {
    await this.rules.prefetch?.(this.refs, inputs);
    await this.lookUpOtherKinds(inputs.map((input) => (input as { identifier?: unknown }).identifier).filter((id): id is string => typeof id === 'string'));
  }

  /** Records of other kinds holding http(s) identifiers new records may take, looked up by `lookUpOtherKinds`. */
  private readonly otherKinds = new Map<string, string | null>();

  /**
   * Which of these identifiers (http(s) IRIs only) another kind of record holds, in one statement for them all.
   * Identifiers are unique per table only, so each IRI is first locked until the transaction ends: a record of
   * another kind taking it at the same instant waits, then sees this one (its lookup is a later statement).
   */
  private async lookUpOtherKinds(identifiers: string[]): Promise<void> {
    const unknown = [...new Set(identifiers.filter((id) => isHttpIri(id) && !this.otherKinds.has(id)))].sort();
    if (unknown.length === 0) return;
    for (const id of unknown) this.otherKinds.set(id, null);
    const connection = this.em.getConnection();
    const transaction = this.em.getTransactionContext();
    // In one order for every writer (sorted), so two writers locking several IRIs do not deadlock.
    await connection.execute(`select pg_advisory_xact_lock(${IRI_LOCKS}, hashtext(id)) from unnest(array[?]::text[]) as t(id)`, [unknown], 'all', transaction);
    const tables = [...this.em.getMetadata().getAll().values()].filter((meta) => meta.class?.prototype instanceof CatalogueRecord && meta.className !== this.name && !meta.abstract);
    const sql = tables.map((meta) => `select identifier, '${meta.className}' as kind from "${meta.tableName}" where identifier in (?)`).join(' union all ');
    const rows = await connection.execute<{ identifier: string; kind: string }[]>(sql, tables.map(() => unknown), 'all', transaction);
    for (const { identifier, kind } of rows) this.otherKinds.set(identifier, kind);
  }

  /**
   * For a batch of new records only (deferFlush): takes them out of the unit of work as the insert that writes
   * them, not yet run, so the bulk writer can clear the entity manager and check its next batch while the
   * insert runs. Null when the batch changed existing records or their fingerprints (then call flush) or made
   * nothing new.
   */
  takeInsert(): NewEntityInsert | null {
    return this.updatedSinceFlush || this.fingerprints.length > 0 ? null : takeNewEntities(this.em);
  }

  /**
   * Writes what bulk writers (deferFlush) left in the unit of work: new records with their parts in one
   * statement, then the changes to existing ones. A batch of creates alone skips the ORM's flush, which would
   * only compare every record just inserted with itself, and leaves the inserted entities unknown to the
   * entity manager: the bulk writer clears it after each batch, so registering them would be wasted work.
   */
  async flush(): Promise<void> {
    const insert = takeNewEntities(this.em);
    await insert?.run();
    await this.writeFingerprints();
    if (this.updatedSinceFlush) {
      // The ORM's flush must know the new parts of an updated record as written, or it would insert them again.
      insert?.register();
      await this.em.flush();
    }
    this.updatedSinceFlush = false;
  }

  private updatedSinceFlush = false;

  private async applyOrigin(record: E, origin: RecordOrigin): Promise<void> {
    Object.assign(record, {
      provenanceSource: origin.provenanceSource,
      harvestedFrom: origin.harvestedFrom ?? null,
      harvestedAt: origin.harvestedAt ?? null,
      sourceFingerprint: origin.fingerprint,
    });
    if (origin.issued) record.issued = origin.issued;
    if (origin.publish || record.status === RecordStatus.PUBLISHED) {
      await this.assertPublishable(record);
      if (record.status !== RecordStatus.PUBLISHED) publish(record);
    }
    record.modified = origin.modified ?? new Date();
  }

  /**
   * Permission comes before uniqueness, so a refused caller learns nothing about existing identifiers: a
   * taken identifier is found by the insert itself (the unique key), after every other check.
   */
  async create(input: I): Promise<E> {
    this.policy.assertSignedIn();
    const record = await this.build(input);
    this.policy.assertCanWrite(record.ownerOrganisationId, this.rules.ownerField?.(input) ?? 'input.ownerOrganisation');
    this.em.persist(record);
    audit(this.em, this.policy, `create${this.name}`, record, null, newRecordSnapshot(record, this.partsOf(record)));
    await this.rules.afterChange?.(this.em, record);
    // The last write of this unit of work (the mutation commits without a flush): registering the new entities
    // with it, as loaded ones, would be wasted work.
    await takeNewEntities(this.em)?.run();
    return record;
  }

  async update(ref: string, expectedVersion: number, patch: P): Promise<E> {
    const record = await this.load(ref);
    this.policy.assertCanWrite(record.ownerOrganisationId, 'id');
    this.policy.assertCanEditByHand(record, 'id');
    assertExpectedVersion(record, expectedVersion);
    await loadCollections(this.em, [record]);
    await this.rules.loadParts?.(this.em, [record], patch);
    const before = snapshot(record, this.partsOf(record));
    assertListSizes(patch);
    const problems = new Problems();
    await this.rules.apply(this.em, record, patch, problems, this.refs);
    problems.throwIfAny();
    if (fieldChanges(before, snapshot(record, this.partsOf(record))).length === 0) {
      // A form saved as it was states nothing new: no new version (another editor's save still fits), no new
      // date for harvesters, no history entry. What applying it built (parts stated again) is dropped unwritten.
      this.em.clear();
      return this.load(ref);
    }
    if (record.status === RecordStatus.PUBLISHED) await this.assertPublishable(record);
    record.modified = new Date();
    // A hand edit makes the record differ from its source: the next import or harvest writes it again.
    record.sourceFingerprint = null;
    return this.commit(record, `update${this.name}`, before);
  }

  async publish(ref: string): Promise<E> {
    const record = await this.load(ref);
    this.policy.assertCanWrite(record.ownerOrganisationId, 'id');
    this.policy.assertCanEditByHand(record, 'id');
    await this.assertPublishable(record);
    const before = snapshot(record, this.partsOf(record));
    publish(record);
    return this.commit(record, `publish${this.name}`, before);
  }

  async withdraw(ref: string, reason: string): Promise<E> {
    const record = await this.load(ref);
    this.policy.assertCanWrite(record.ownerOrganisationId, 'id');
    this.policy.assertCanEditByHand(record, 'id');
    await this.assertRemovable(record);
    const before = snapshot(record, this.partsOf(record));
    withdraw(record, reason);
    return this.commit(record, `withdraw${this.name}`, before);
  }

  /**
   * Deletes a draft for good, with its parts (consent scope, access route, distributions); the audit log
   * keeps what it was. A record that has been published is never deleted: withdraw it, so harvesters and
   * users learn that it is gone and why.
   */
  async delete(ref: string): Promise<E> {
    const record = await this.load(ref);
    this.policy.assertCanWrite(record.ownerOrganisationId, 'id');
    this.policy.assertCanEditByHand(record, 'id');
    if (record.status !== RecordStatus.DRAFT) {
      const instead = record.status === RecordStatus.WITHDRAWN ? 'it stays as withdrawn, so harvesters and links learn that it is gone and why' : 'withdraw it instead';
      throw UserInputProblem.of('id', `only a draft can be deleted; this record is ${record.status}: ${instead}`, 'INVALID_TRANSITION');
    }
    await this.assertRemovable(record);
    audit(this.em, this.policy, `delete${this.name}`, record, snapshot(record), null);
    await this.rules.afterChange?.(this.em, record);
    this.em.remove(record);
    await this.em.flush();
    return record;
  }

  /** A new record from its input (RecordRules.build), with the rules every new record's identifier follows. */
  private async build(input: I, origin?: RecordOrigin): Promise<E> {
    assertListSizes(input);
    const problems = new Problems();
    const record = await this.rules.build(this.em, input, problems, this.refs, origin);
    // Another record's IRI, taken as this one's identifier, would merge the two in the DCAT feed.
    if (this.options.baseUrl && liesUnder(record.identifier, this.options.baseUrl)) {
      problems.add('input.identifier', `"${record.identifier}" lies under this catalogue's own address (${this.options.baseUrl}), where it names its records; give the record's own identifier`);
    }
    // An IRI names one thing: a dataset taking an access body's IRI would merge the two for every harvester.
    await this.lookUpOtherKinds([record.identifier]);
    const otherKind = this.otherKinds.get(record.identifier);
    if (otherKind) {
      problems.add('input.identifier', `"${record.identifier}" already identifies a record of another kind (${otherKind}); an IRI names one thing, give this record its own`, 'DUPLICATE');
    }
    problems.throwIfAny();
    return record;
  }

  /**
   * The publish checks, run on publishing and on every later change of a published record: an edit or a
   * re-import must not leave published a record that publishing it would refuse.
   */
  private async assertPublishable(record: E): Promise<void> {
    const problems = new Problems();
    await this.rules.checkPublishable?.(this.em, record, problems, this.policy);
    problems.throwIfAny();
  }

  private async assertRemovable(record: E): Promise<void> {
    const problems = new Problems();
    await this.rules.checkRemovable?.(this.em, record, problems, this.policy);
    problems.throwIfAny();
  }

  private get refs(): References {
    return new References(this.em, this.policy);
  }

  private get name(): string {
    return this.rules.entity.name;
  }

  /** `after` when the caller took the snapshot after the change already (before the flush, which moves only its version). */
  private async commit(record: E, action: string, before: unknown, after?: unknown): Promise<E> {
    if (!this.options.deferFlush) await this.em.flush();
    audit(this.em, this.policy, action, record, before, after ?? snapshot(record, this.partsOf(record)));
    await this.rules.afterChange?.(this.em, record);
    // What follows the change is only new rows (the audit entry, outbox events): one INSERT writes them, without
    // a second flush comparing every entity the change loaded.
    if (!this.options.deferFlush) await insertNewEntities(this.em);
    return record;
  }

  private async load(ref: string): Promise<E> {
    this.policy.assertSignedIn('id');
    // Unreadable drafts are reported as missing so their existence does not leak. The row stays locked until the
    // change commits: concurrent changes of one record run one after the other, each checking what the other left.
    const record = await findReadable(this.em, this.policy, this.rules.entity, ref, 'update');
    if (!record) throw UserInputProblem.of('id', `no ${this.name} "${ref}"`, 'NOT_FOUND');
    return record;
  }
}

/**
 * Whether an identifier is an IRI under the catalogue's base URL, where it mints the IRIs of its records (and serves
 * its catalogue, pages and FAIR Data Point). Scheme and host compare without case, as browsers and harvesters do.
 */
function liesUnder(identifier: string, baseUrl: string): boolean {
  const own = baseUrl.replace(/\/+$/, '').toLowerCase();
  const lower = identifier.toLowerCase();
  return lower === own || [`${own}/`, `${own}?`, `${own}#`].some((prefix) => lower.startsWith(prefix));
}

/**
 * Every writer (GraphQL, import, harvest, seed) comes through here: an oversized list is refused whole, before
 * the rules look at its items, so no record is written with part of a list and no list costs a problem per item.
 */
function assertListSizes(input: unknown): void {
  const problems = listSizeProblems(input, 'input');
  if (problems.length > 0) throw new UserInputProblem(problems);
}

/** An identifier that is an http(s) IRI: the RDF names the record by it, wherever it is served. */
function isHttpIri(identifier: string): boolean {
  return /^https?:\/\//i.test(identifier);
}
