import { CheckConstraintViolationException, DeadlockException, ForeignKeyConstraintViolationException, NotNullConstraintViolationException, OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import { type Problem, UserInputProblem } from '../core/problems.js';

/**
 * What a failed write tells the caller: their input problems, and database constraint violations in the
 * same terms. Anything else is a server fault and is rethrown.
 */
export function problemsOfFailedWrite(error: unknown): Problem[] {
  if (error instanceof UserInputProblem) return error.errors;
  if (error instanceof OptimisticLockError) {
    return [{ field: 'expectedVersion', message: 'someone else changed the record at the same time; reload and retry', code: 'CONFLICT' }];
  }
  if (isConcurrencyFailure(error)) {
    return [{ field: null, message: 'other changes to the same records were being written at the same time; retry', code: 'CONFLICT' }];
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

/**
 * A transaction PostgreSQL aborted because it waited in a cycle with another (deadlock), could not be serialised
 * with it, or waited for its lock longer than it was let (lock_timeout: graphql/kit/mutation.ts): nothing of it was
 * written, and running it again, after the other one, is expected to succeed.
 */
export function isConcurrencyFailure(error: unknown): boolean {
  if (error instanceof DeadlockException) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001' || code === '55P03';
}
