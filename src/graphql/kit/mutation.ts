import { CheckConstraintViolationException, ForeignKeyConstraintViolationException, NotNullConstraintViolationException, OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from './context.js';
import { UserInputProblem } from '../../core/problems.js';
import type { UserError } from './user-error.js';

export interface MutationOutcome<T> {
  result: T | null;
  userErrors: UserError[];
}

/**
 * Runs a mutation in one transaction. Problems the caller can fix become userErrors and roll everything
 * back, so a bad input never leaves a partial write; database constraint violations are reported the same
 * way. Anything else is a server fault and propagates (masked by the error formatter).
 */
export async function runMutation<T>(ctx: RequestContext, work: (em: EntityManager) => Promise<T>): Promise<MutationOutcome<T>> {
  try {
    const result = await ctx.em.fork().transactional(work);
    ctx.afterWrite();
    return { result, userErrors: [] };
  } catch (error) {
    return { result: null, userErrors: toUserErrors(error) };
  }
}

function toUserErrors(error: unknown): UserError[] {
  if (error instanceof UserInputProblem) return error.errors;
  if (error instanceof OptimisticLockError) {
    return [{ field: 'expectedVersion', message: 'someone else changed the record at the same time; reload and retry', code: 'CONFLICT' }];
  }
  if (error instanceof UniqueConstraintViolationException) {
    return [{ field: null, message: `a record with the same unique value already exists (${constraintOf(error)})`, code: 'DUPLICATE' }];
  }
  if (error instanceof CheckConstraintViolationException || error instanceof NotNullConstraintViolationException) {
    return [{ field: null, message: `the record breaks a catalogue rule (${constraintOf(error)})`, code: 'INVALID' }];
  }
  if (error instanceof ForeignKeyConstraintViolationException) {
    return [{ field: null, message: `the record refers to something that does not exist or is still referenced (${constraintOf(error)})`, code: 'INVALID' }];
  }
  throw error;
}

function constraintOf(error: Error): string {
  const match = /constraint "([^"]+)"/.exec(error.message);
  return match ? match[1] : 'constraint';
}
