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
    const last = attempt === CONCURRENCY_ATTEMPTS;
    const attempted = last ? work : waitingBriefly(work);
    try {
      const em = ctx.em.fork();
      const result = options.writesItsChanges ? await withoutClosingFlush(em, attempted) : await em.transactional(attempted);
      ctx.afterWrite();
      return { result, userErrors: [] };
    } catch (error) {
      // Writes that lock records in different orders (a dataset, then the access body it names; a body, then the
      // datasets its triggers touch) can deadlock; one gives up its wait and runs again after the other.
      if (isConcurrencyFailure(error) && !last) {
        await pauseBeforeAttempt(attempt + 1);
        continue;
      }
      return { result: null, userErrors: problemsOfFailedWrite(error) };
    }
  }
}

/**
 * How often a mutation aborted by another writer is run in all. PostgreSQL looks for a deadlock only after a lock
 * wait of deadlock_timeout (1 s by default), so every attempt but the last gives up a lock wait after
 * LOCK_WAIT_MS and runs again after a short random pause, which lets the other writer finish; the last waits as
 * long as it takes (a long write holding the record), PostgreSQL's deadlock check still ending a cycle.
 */
const CONCURRENCY_ATTEMPTS = 4;
const LOCK_WAIT_MS = 50;
/** Upper bound of the pause before the second attempt, doubled for each one after. */
const FIRST_PAUSE_MS = 20;

function waitingBriefly<T>(work: (em: EntityManager) => Promise<T>): (em: EntityManager) => Promise<T> {
  return async (em) => {
    await em.execute(`set local lock_timeout = '${LOCK_WAIT_MS}ms'`);
    return work(em);
  };
}

/** Random, so that two writers that gave up at once do not meet again. */
function pauseBeforeAttempt(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * FIRST_PAUSE_MS * 2 ** (attempt - 2)));
}

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
