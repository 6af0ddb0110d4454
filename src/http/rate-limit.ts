import type { RequestHandler } from 'express';
import { sendError } from './request-errors.js';

/**
 * At most `perMinute` requests per client address in each minute (a fixed window; the address is Express's
 * req.ip, so behind a reverse proxy set TRUST_PROXY). The counts live in this process: with N API
 * processes behind a balancer a client gets up to N times the limit. Answers 429 with Retry-After.
 */
export function rateLimit(perMinute: number): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  let window = 0;
  let counts = new Map<string, number>();
  return (req, res, next) => {
    const now = Date.now();
    const current = Math.floor(now / 60_000);
    // A new window forgets the last one, so the map never holds more than one minute's clients.
    if (current !== window) {
      window = current;
      counts = new Map();
    }
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const count = (counts.get(client) ?? 0) + 1;
    counts.set(client, count);
    const reset = Math.ceil(((current + 1) * 60_000 - now) / 1000);
    res.set('RateLimit-Policy', `${perMinute};w=60`);
    res.set('RateLimit', `limit=${perMinute}, remaining=${Math.max(perMinute - count, 0)}, reset=${reset}`);
    if (count > perMinute) {
      res.set('Retry-After', String(reset));
      sendError(res, 429, 'RATE_LIMITED', `more than ${perMinute} requests in a minute from this client; try again in ${reset} s`);
      return;
    }
    next();
  };
}
