import type { EntityManager } from '@mikro-orm/postgresql';
import { wrap } from '@mikro-orm/core';
import type { AccessPolicy } from './access-policy.js';
import { AuditEntry } from './audit-entry.entity.js';
import { type CatalogueRecord, RecordStatus } from './record.js';
import { Problems, UserInputProblem } from '../core/problems.js';

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

/** A JSON snapshot of an entity's own columns for the audit log. */
export function snapshot(entity: object): unknown {
  return JSON.parse(JSON.stringify(wrap(entity).toObject()));
}

/**
 * The same snapshot of a record about to be inserted, without the copy: the insert serialises it once, and a
 * new record is not changed again before it is written.
 */
export function newRecordSnapshot(entity: object): unknown {
  return wrap(entity).toObject();
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
