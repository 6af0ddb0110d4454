import type { Request, RequestHandler, Response } from 'express';
import { LOGGED_OPERATION_NAME_LENGTH } from '../config.js';
import type { Logger } from '../core/log.js';
import { requestIdOf } from './request-id.js';

/** Probed every few seconds: logged only when they fail, so they do not drown the requests. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One line per request once it is done: method, path, status, duration, bytes sent, GraphQL operation name
 * and request id. Never a header (Authorization, cookies), a body or GraphQL variables: of the query string
 * only the parameter names are kept, since a GET /graphql carries its variables there.
 */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const { path } = splitTarget(req.originalUrl);
    let bytes = 0;
    const write = res.write as (...args: unknown[]) => boolean;
    const end = res.end as (...args: unknown[]) => typeof res;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      bytes += byteLength(chunk, rest[0]);
      return write.call(res, chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk: unknown, ...rest: unknown[]) => {
      bytes += byteLength(chunk, rest[0]);
      return end.call(res, chunk, ...rest);
    }) as typeof res.end;
    res.once('close', () => {
      const completed = res.writableFinished;
      if (PROBES.has(path) && completed && res.statusCode < 500) return;
      logger.info(completed ? 'request' : 'request aborted', {
        method: req.method,
        path: loggedTarget(req.originalUrl),
        status: res.headersSent ? res.statusCode : undefined,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        bytes,
        operation: path === '/graphql' ? operationName(req, res)?.slice(0, LOGGED_OPERATION_NAME_LENGTH) : undefined,
        requestId: requestIdOf(res),
      });
    });
    next();
  };
}

function splitTarget(target: string): { path: string; query?: string } {
  const mark = target.indexOf('?');
  return mark < 0 ? { path: target } : { path: target.slice(0, mark), query: target.slice(mark + 1) };
}

/** A request target as logged: the path, and of the query string the parameter names only. */
export function loggedTarget(target: string): string {
  const { path, query = '' } = splitTarget(target);
  const names = query.split('&').filter((pair) => pair !== '').map((pair) => pair.split('=', 1)[0]);
  return names.length > 0 ? `${path}?${names.join('&')}` : path;
}

/** Where the GraphQL server notes the operation it resolved (res.locals), for the access line. */
export const RESOLVED_OPERATION = 'gdcatOperation';

/**
 * The operation Apollo resolved (named in the document, when the client gave no name), else the name the
 * client gave: in the JSON body of a POST, in the query string of a GET.
 */
function operationName(req: Request, res: Response): string | undefined {
  const resolved: unknown = res.locals[RESOLVED_OPERATION];
  if (typeof resolved === 'string') return resolved;
  const given: unknown =
    req.method === 'POST'
      ? (req.body as { operationName?: unknown } | undefined)?.operationName
      : new URLSearchParams(splitTarget(req.originalUrl).query).get('operationName');
  return typeof given === 'string' ? given : undefined;
}

function byteLength(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}
