import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from './context.js';
import { isConcurrencyFailure, problemsOfFailedWrite } from '../../records/write-problems.js';
import type { UserError } from './user-error.js';

export interface MutationOutcome<T> {
  result: T | null;
  userErrors: UserError[];
}

export interface MutationOptions {
  /**
   * The work writes every change it makes before it returns, as the record lifecycle does
   * (records/record-service.ts): the transaction then commits without the ORM's closing flush, which would
   * only compare every entity the work loaded or wrote with itself.
   */
  writesItsChanges?: boolean;
}

/**
 * Runs a mutation in one transaction. Problems the caller can fix become userErrors and roll everything
 * back, so a bad input never leaves a partial write; database constraint violations are reported the same
 * way. Anything else is a server fault and propagates (masked by the error formatter).
 */
export async function runMutation<T>(
  ctx: RequestContext,
  work: (em: EntityManager) => Promise<T>,
  options: MutationOptions = {},
): Promise<MutationOutcome<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      const em = ctx.em.fork();
      const result = options.writesItsChanges ? await withoutClosingFlush(em, work) : await em.transactional(work);
      ctx.afterWrite();
      return { result, userErrors: [] };
    } catch (error) {
      // Writes that lock records in different orders (a dataset, then the access body it names; a body, then the
      // datasets its triggers touch) can deadlock; PostgreSQL aborts one, which runs again after the other.
      if (isConcurrencyFailure(error) && attempt < CONCURRENCY_ATTEMPTS) continue;
      return { result: null, userErrors: problemsOfFailedWrite(error) };
    }
  }
}

/** How often a mutation aborted by a deadlock or serialisation failure is run in all. */
const CONCURRENCY_ATTEMPTS = 3;

async function withoutClosingFlush<T>(em: EntityManager, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return em.getConnection().transactional(async (trx) => {
    em.setTransactionContext(trx);
    try {
      const result = await work(em);
      // A new entity the work persisted but did not write would be lost without a word: a server fault, rolled back.
      if (em.getUnitOfWork().getPersistStack().size > 0) throw new Error('the mutation left new entities unwritten');
      return result;
    } finally {
      em.resetTransactionContext();
    }
  });
}
