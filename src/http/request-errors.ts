import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '../core/log.js';
import { RequestProblem } from '../core/problems.js';
import { loggedTarget } from './access-log.js';
import { requestIdOf } from './request-id.js';

/**
 * Every error the HTTP edge answers itself is JSON in the GraphQL error shape, whatever the path; `extensions`
 * adds to the code what GraphQL errors carry too (the userErrors naming a parameter).
 */
export function sendError(res: Response, status: number, code: string, message: string, extensions: Record<string, unknown> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(status).type('application/json').send(JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] }));
}

/**
 * Refuses, before any router reads them, paths and query strings that cannot be decoded (malformed
 * percent-encoding) or that decode to a NUL character, which no identifier contains and PostgreSQL cannot
 * take.
 */
export function requestTargetGuard(): RequestHandler {
  return (req, res, next) => {
    const target = req.originalUrl;
    let decoded: string;
    try {
      decoded = decodeURIComponent(target.replace(/\+/g, ' '));
    } catch {
      sendError(res, 400, 'BAD_REQUEST', 'the request path or query is malformed (check its percent-encoding)');
      return;
    }
    if (decoded.includes('\0')) {
      sendError(res, 400, 'BAD_REQUEST', 'the request path or query contains a NUL character');
      return;
    }
    next();
  };
}

/**
 * Deepest nesting a JSON request body may have. An import document nests about ten levels; JSON.parse takes
 * a thousandfold more, but every later walk over the value (argument limits, variable coercion) is recursive
 * and would overflow its stack: a 500 for what is a client's malformed request.
 */
export const MAX_BODY_DEPTH = 64;

/** Refuses a parsed JSON body nested deeper than MAX_BODY_DEPTH, walking it without recursion. */
export function bodyDepthGuard(): RequestHandler {
  return (req, res, next) => {
    const pending: [unknown, number][] = [[req.body, 1]];
    while (pending.length > 0) {
      const [value, depth] = pending.pop()!;
      if (value === null || typeof value !== 'object') continue;
      if (depth > MAX_BODY_DEPTH) {
        sendError(res, 400, 'BAD_REQUEST', `the request body nests arrays and objects deeper than ${MAX_BODY_DEPTH} levels`);
        return;
      }
      for (const item of Object.values(value)) pending.push([item, depth + 1]);
    }
    next();
  };
}

/**
 * Refuses a GraphQL document whose brackets ({, [ and () nest deeper than MAX_BODY_DEPTH, for the same reason:
 * graphql-js parses values, and the JSON scalar reads them, recursively, so a deep literal (an import document
 * written inline rather than as a variable) overflowed the stack, a 500, or passed the body's depth limit.
 */
export function documentDepthGuard(): RequestHandler {
  return (req, res, next) => {
    const document = (req.method === 'GET' ? req.query : (req.body as Record<string, unknown> | undefined))?.query;
    if (typeof document === 'string' && bracketDepth(document) > MAX_BODY_DEPTH) {
      sendError(res, 400, 'QUERY_TOO_DEEP', `the query nests brackets deeper than ${MAX_BODY_DEPTH} levels`);
      return;
    }
    next();
  };
}

/** The deepest nesting of {, [ and ( in a GraphQL document, outside its strings and comments. */
function bracketDepth(document: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < document.length; i++) {
    const char = document[i];
    if (char === '#') {
      while (i < document.length && document[i] !== '\n' && document[i] !== '\r') i++;
    } else if (document.startsWith('"""', i)) {
      // A block string ends at the next unescaped triple quote.
      for (i += 3; i < document.length && !document.startsWith('"""', i); i++) if (document.startsWith('\\"""', i)) i += 3;
      i += 2;
    } else if (char === '"') {
      for (i++; i < document.length && document[i] !== '"' && document[i] !== '\n'; i++) if (document[i] === '\\') i++;
    } else if (char === '{' || char === '[' || char === '(') {
      deepest = Math.max(deepest, ++depth);
    } else if (char === '}' || char === ']' || char === ')') {
      depth--;
    }
  }
  return deepest;
}

/** How body-parser names the request problems it finds, as the status and words the client gets. */
const BODY_PROBLEMS: Record<string, { status: number; code: string; message: (limit?: number) => string }> = {
  'entity.parse.failed': { status: 400, code: 'BAD_REQUEST', message: () => 'the request body is not valid JSON' },
  'entity.too.large': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: (limit) => `the request body is larger than ${limit ?? 'the limit of'} bytes` },
  'charset.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: () => 'the request body must be UTF-8 encoded JSON' },
  'encoding.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: () => 'the request body has a content encoding this server does not take' },
  'request.aborted': { status: 400, code: 'BAD_REQUEST', message: () => 'the request body ended early' },
  'request.size.invalid': { status: 400, code: 'BAD_REQUEST', message: () => 'the request body does not have the length its headers say' },
};

/**
 * The last handlers of the app: unknown paths answer 404, problems with the request (bodies, paths) their
 * 4xx, and anything else a 500 without details, all as JSON. Never an HTML page or a stack trace, whatever
 * NODE_ENV says.
 */
export function notFound(): RequestHandler {
  return (req, res) => sendError(res, 404, 'NOT_FOUND', `nothing at ${req.method} ${req.path}`);
}

export function errorResponder(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof RequestProblem) {
      sendError(res, error.status, error.code, error.message, error.userErrors && { userErrors: error.userErrors });
      return;
    }
    const { type, status, limit } = (error ?? {}) as { type?: string; status?: number; limit?: number };
    const known = type ? BODY_PROBLEMS[type] : undefined;
    if (known) {
      sendError(res, known.status, known.code, known.message(limit));
      return;
    }
    if (status === 404) {
      sendError(res, 404, 'NOT_FOUND', `nothing at ${req.method} ${req.path}`);
      return;
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendError(res, status, 'BAD_REQUEST', 'the request is malformed');
      return;
    }
    // The client is given the request id to quote; the logged failure carries it.
    const requestId = requestIdOf(res);
    logger.error(`${req.method} ${loggedTarget(req.originalUrl)} failed: ${(error as Error)?.stack ?? String(error)}`, { requestId });
    sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'internal server error', { requestId });
  };
}
