import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from './context.js';
import { problemsOfFailedWrite } from '../../records/write-problems.js';
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
    return { result: null, userErrors: problemsOfFailedWrite(error) };
  }
}
