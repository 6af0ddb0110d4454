/**
 * Whether an error means PostgreSQL cannot be reached or is not accepting work right now (stopped, restarting,
 * a dropped connection), as opposed to a fault in the statement. Such requests are answered 503 with the code
 * DATABASE_UNAVAILABLE and succeed again once the server is back: the pools open fresh connections.
 */

/** Socket-level failures on the way to the server. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * SQLSTATEs: class 08 connection exceptions; 57P01-57P03 the server shutting down, crashed or starting up;
 * 53300 too many connections.
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;

/** What node-postgres says when a connection it holds was closed by the server or never came. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  // The ORM wraps driver errors (copying their code); pg and the ORM may also chain them as `cause`.
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (UNAVAILABLE_MESSAGE.test(current.message)) return true;
  }
  return false;
}
