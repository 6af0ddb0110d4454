import type { RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';

/**
 * An X-Request-Id from the client or a proxy in front is kept when it looks like an id: short, and without
 * spaces, quotes or control characters that could forge or garble a log line.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives every request an id, echoed in X-Request-Id, on its log lines and in the errors a client can quote. */
export function requestIds(): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const id = given !== undefined && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.set('X-Request-Id', id);
    next();
  };
}

export function requestIdOf(res: Response): string {
  return res.locals.requestId as string;
}
