import type { RequestHandler } from 'express';
import { isIPv6 } from 'node:net';
import { sendError } from './request-errors.js';

/**
 * At most `perMinute` requests per client in each minute (a fixed window; the client is Express's req.ip, so behind
 * a reverse proxy set TRUST_PROXY, and an IPv6 client is its /64 network: clientOf). The counts live in this
 * process: with N API processes behind a balancer a client gets up to N times the limit. Answers 429 with Retry-After.
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
    const client = clientOf(req.ip ?? req.socket.remoteAddress ?? 'unknown');
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

/** Leading 16-bit groups of an IPv6 address that name one client's network (a /64, what one subscriber is given). */
const IPV6_CLIENT_GROUPS = 4;

/**
 * Whom an address counts for: an IPv4 address (also written IPv4-mapped, ::ffff:192.0.2.1), or an IPv6 address's
 * /64, since a single subscriber holds a whole /64 and could otherwise send each request from another address.
 */
export function clientOf(address: string): string {
  const withoutZone = address.split('%')[0]!;
  if (!isIPv6(withoutZone)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(withoutZone);
  if (mapped) return mapped[1]!;
  // An embedded IPv4 tail (64:ff9b::192.0.2.1) fills the last two groups.
  const given = (part: string | undefined) => (part ? part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])) : []);
  const [head, tail] = withoutZone.toLowerCase().split('::') as [string, string | undefined];
  const groups = tail === undefined ? given(head) : [...given(head), ...Array(8 - given(head).length - given(tail).length).fill('0'), ...given(tail)];
  return `${groups.slice(0, IPV6_CLIENT_GROUPS).map((group) => Number.parseInt(group, 16).toString(16)).join(':')}::/64`;
}
