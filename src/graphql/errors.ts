import { GraphQLError } from 'graphql';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { SearchUnavailableError } from '../search/engine.js';

/**
 * Failures of a dependency rather than of the request: answered with HTTP 503, a Retry-After and one of these
 * codes, so clients can tell "try again shortly" from a bug.
 */
export const UNAVAILABLE_CODES: readonly string[] = ['DATABASE_UNAVAILABLE', 'SEARCH_UNAVAILABLE'];
export const RETRY_AFTER_SECONDS = 5;

export function unavailability(error: unknown): { code: string; message: string } | null {
  // Checked first: a search engine's network error would otherwise look like the database's.
  if (error instanceof SearchUnavailableError) {
    return { code: 'SEARCH_UNAVAILABLE', message: 'search is unavailable right now; datasets can still be read by id and saved. Try the search again shortly' };
  }
  if (isDatabaseUnavailable(error)) {
    return { code: 'DATABASE_UNAVAILABLE', message: 'the catalogue database is unavailable right now; try again shortly' };
  }
  return null;
}

/** For failures outside execution (building the request context), where Apollo takes the status from the error. */
export function asUnavailableError(error: unknown): GraphQLError | null {
  const unavailable = unavailability(error);
  if (!unavailable) return null;
  return new GraphQLError(unavailable.message, {
    // Kept so that formatError logs what failed, as for failures during execution.
    originalError: error as Error,
    extensions: { code: unavailable.code, http: { status: 503, headers: new Map([['retry-after', String(RETRY_AFTER_SECONDS)]]) } },
  });
}
