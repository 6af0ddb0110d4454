import type { EntityManager } from '@mikro-orm/postgresql';
import { type Collection, type EntityMetadata, type EntityProperty, Reference, ReferenceKind, Utils, wrap } from '@mikro-orm/core';
import type { AccessPolicy } from './access-policy.js';
import { AuditEntry } from './audit-entry.entity.js';
import { type CatalogueRecord, RecordStatus } from './record.js';
import { Problems, UserInputProblem } from '../core/problems.js';
import { jsonValue } from './record-inserts.js';

/**
 * The draft -> publish -> withdraw lifecycle and optimistic concurrency, shared by every record type.
 * A withdrawn record can be published again; a draft cannot be withdrawn (it was never public).
 */

export function assertExpectedVersion(record: { version: number }, expectedVersion: number): void {
  if (record.version !== expectedVersion) {
    throw UserInputProblem.of(
      'expectedVersion',
      `the record is at version ${record.version}, not ${expectedVersion}: someone else changed it; reload and retry`,
      'CONFLICT',
    );
  }
}

export function publish(record: CatalogueRecord, now = new Date()): void {
  if (record.status === RecordStatus.PUBLISHED) {
    throw UserInputProblem.of('id', 'the record is already published', 'INVALID_TRANSITION');
  }
  record.status = RecordStatus.PUBLISHED;
  record.withdrawalReason = null;
  record.issued ??= now;
  record.modified = now;
}

export function withdraw(record: CatalogueRecord, reason: string, now = new Date()): void {
  const problems = new Problems();
  if (record.status !== RecordStatus.PUBLISHED) {
    problems.add('id', `only a published record can be withdrawn; this one is ${record.status}`, 'INVALID_TRANSITION');
  }
  if (!reason.trim()) problems.add('reason', 'give the reason for withdrawal; harvesters and users see it', 'REQUIRED');
  problems.throwIfAny();
  record.status = RecordStatus.WITHDRAWN;
  record.withdrawalReason = reason.trim();
  record.modified = now;
}

/**
 * Parts of a record kept in tables of their own that name the record (a dataset's consent scope and access
 * route), by the name its history lists them under: those read before a change or given by it, null for one the
 * record has none of. A part not named was not read: the snapshot leaves it out, before and after alike.
 */
export type RecordParts = Record<string, object | null>;

/**
 * A JSON snapshot of a record for the audit log: its own columns; each of its collections that is loaded
 * (load them first with loadCollections): its links (data holders, publications...) as the ids of the records
 * they name, its parts (distributions, results) by what they state; and its `parts` kept apart by what they state.
 */
export function snapshot(entity: object, parts: RecordParts = {}): unknown {
  return JSON.parse(JSON.stringify(recordValues(entity, parts)));
}

/**
 * The snapshot of a record about to be inserted, without the copy: the insert serialises it once, and a new
 * record is not changed again before it is written.
 */
export function newRecordSnapshot(entity: object, parts: RecordParts = {}): unknown {
  return recordValues(entity, parts, storedValues(entity));
}

/**
 * What `toObject` gives for a record whose related records are all stored ones (each relation and collection
 * item as its id), read straight from its properties: `toObject` first visits every record the new one reaches
 * for its serialisation context, a tenth of a bulk import's CPU. Dates are given as their JSON text, which is all
 * the insert makes of them. Null when a related record is new too, which `toObject` gives whole.
 */
function storedValues(entity: object): Map<string, unknown> | null {
  const wrapped = wrap(entity, true);
  const values = new Map<string, unknown>();
  for (const prop of (wrapped.__meta as EntityMetadata).props) {
    const value = (entity as Record<string, unknown>)[prop.name];
    if (value === undefined) continue;
    if (Utils.isCollection(value)) {
      if (value.isInitialized()) values.set(prop.name, value.getItems(false).map((item) => wrap(item, true).getPrimaryKey()));
    } else if (Utils.isEntity(value, true)) {
      const related = wrap(Reference.unwrapReference(value as object), true);
      if (!related.__managed) return null;
      values.set(prop.name, related.getPrimaryKey());
    } else {
      values.set(prop.name, prop.customType ? prop.customType.toJSON(value, wrapped.__platform) : jsonValue(value));
    }
  }
  return values;
}

/**
 * The snapshot's fields, gathered in a Map and made an object in one step: an object given its fields one by one
 * under computed names ends in dictionary mode, which JSON.stringify serialises several times slower.
 */
function recordValues(entity: object, parts: RecordParts, stored: Map<string, unknown> | null = null): Record<string, unknown> {
  const values = stored ?? new Map(Object.entries(wrap(entity).toObject() as Record<string, unknown>));
  for (const prop of collectionsOf(entity)) {
    const collection = (entity as Record<string, Collection<object>>)[prop.name];
    // The ORM serialises a collection only once loaded, and its items in full only when populated: one form for both.
    if (!collection.isInitialized()) values.delete(prop.name);
    else values.set(prop.name, collection.getItems().map((item) => (prop.kind === ReferenceKind.MANY_TO_MANY ? wrap(item, true).getPrimaryKey() : partValues(item, entity))));
  }
  for (const [name, part] of Object.entries(parts)) values.set(name, part && partValues(part, entity));
  return Object.fromEntries(values);
}

/**
 * What a part of a record states: its columns, the records it names as their ids, its own parts (an access
 * route's steps) likewise. Its id, its link back to what it is part of and what it derives from its other
 * columns (hidden properties, e.g. a consent scope's key) say nothing of their own: two parts that state the
 * same compare equal whatever rows hold them.
 */
function partValues(part: object, whole: object): Record<string, unknown> {
  const wholeId = wrap(whole, true).getPrimaryKey();
  const values: [string, unknown][] = [];
  for (const { name, states } of partPlanOf(wrap(part, true).__meta as EntityMetadata)) {
    const value = (part as Record<string, unknown>)[name];
    if (states === 'value') {
      values.push([name, value]);
    } else if (states === 'reference') {
      const id = value == null ? null : wrap(Reference.unwrapReference(value as object), true).getPrimaryKey();
      if (id === null || id !== wholeId) values.push([name, id]);
    } else if ((value as Collection<object>).isInitialized()) {
      values.push([name, (value as Collection<object>).getItems().map((item) => partValues(item, part))]);
    }
  }
  // Made in one step, as recordValues does.
  return Object.fromEntries(values);
}

/** The properties partValues states of a part, by what they hold: worked out once per entity type, not per part. */
type PartPlan = { name: string; states: 'value' | 'reference' | 'parts' }[];

const partPlans = new WeakMap<EntityMetadata, PartPlan>();

function partPlanOf(meta: EntityMetadata): PartPlan {
  let plan = partPlans.get(meta);
  if (plan) return plan;
  plan = [];
  for (const prop of meta.props as EntityProperty[]) {
    if (prop.primary || prop.hidden || prop.persist === false) continue;
    if (prop.kind === ReferenceKind.SCALAR || prop.kind === ReferenceKind.EMBEDDED) plan.push({ name: prop.name, states: 'value' });
    else if (prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner)) plan.push({ name: prop.name, states: 'reference' });
    else if (prop.kind === ReferenceKind.ONE_TO_MANY && prop.orphanRemoval) plan.push({ name: prop.name, states: 'parts' });
  }
  partPlans.set(meta, plan);
  return plan;
}

/** The collections that are part of a record: the links it owns and its parts (not the ORM's inverse sides). */
function collectionsOf(entity: object): EntityProperty[] {
  const meta = wrap(entity, true).__meta as EntityMetadata;
  let collections = recordCollections.get(meta);
  if (!collections) {
    collections = meta.relations.filter((prop) => (prop.kind === ReferenceKind.MANY_TO_MANY && prop.owner) || (prop.kind === ReferenceKind.ONE_TO_MANY && prop.orphanRemoval));
    recordCollections.set(meta, collections);
  }
  return collections;
}

const recordCollections = new WeakMap<EntityMetadata, EntityProperty[]>();

/**
 * Loads the collections of records about to change that are not loaded yet, in a statement per collection,
 * so that the snapshot before the change shows them as they were.
 */
export async function loadCollections(em: EntityManager, records: CatalogueRecord[]): Promise<void> {
  if (records.length === 0) return;
  const unloaded = collectionsOf(records[0])
    .map((prop) => prop.name)
    .filter((name) => records.some((record) => !(record as unknown as Record<string, Collection<object>>)[name].isInitialized()));
  if (unloaded.length > 0) await em.populate(records, unloaded as never[]);
}

/**
 * Makes the unit of work take a record that a write left stating what it stated (fieldChanges lists nothing) as
 * it is stored: sets given in another order are not written again, nor is its version moved. Its loaded
 * collections and `parts`, with their own parts, likewise.
 */
export function keepAsStored(em: EntityManager, record: object, parts: RecordParts): void {
  const unitOfWork = em.getUnitOfWork();
  const comparator = em.getComparator();
  const keep = (entity: object) => {
    unitOfWork.register(entity, comparator.prepareEntity(entity), { refresh: true });
    for (const prop of collectionsOf(entity)) {
      const collection = (entity as Record<string, Collection<object>>)[prop.name];
      if (!collection.isInitialized()) continue;
      collection.takeSnapshot();
      if (prop.kind === ReferenceKind.ONE_TO_MANY) collection.getItems().forEach(keep);
    }
  };
  keep(record);
  for (const part of Object.values(parts)) if (part) keep(part);
}

export function audit(
  em: EntityManager,
  policy: AccessPolicy,
  action: string,
  entity: { id: string; constructor: { name: string } },
  before: unknown,
  after: unknown,
): void {
  // A plain instance, not em.create: bulk writes make one per record, and the factory's hydration costs more.
  const entry: Omit<AuditEntry, 'id'> = {
    actor: policy.viewer.subject,
    actorRole: policy.viewer.role,
    action,
    entityType: entity.constructor.name,
    entityId: entity.id,
    before: before ?? null,
    after: after ?? null,
    at: new Date(),
  };
  em.persist(Object.assign(new AuditEntry(), entry));
}
