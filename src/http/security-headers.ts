import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

export interface SecurityHeaderOptions {
  /** Public base URL: HTTPS deployments get upgrade-insecure-requests. */
  baseUrl: string;
  /** OIDC issuer the web catalogue talks to from the browser (discovery and token endpoints). */
  oidcIssuer?: string;
}

/**
 * Security headers for every answer (helmet). The content security policy fits the web catalogue: its own
 * scripts and styles only (Svelte sets styles from script, which CSP allows), data: images, no plugins, no
 * framing, and fetches to this origin and, when people sign in through OIDC, the issuer's origin.
 */
export function securityHeaders(options: SecurityHeaderOptions): RequestHandler {
  const connect = ["'self'", ...(options.oidcIssuer ? [new URL(options.oidcIssuer).origin] : [])];
  const headers = headersSetBy(helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: connect,
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        ...(options.baseUrl.startsWith('https:') ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // RDF documents and the API are meant to be read by other sites' scripts when CORS allows it.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginEmbedderPolicy: false,
    // Only meaningful (and only sent on to browsers) over HTTPS; harmless otherwise.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  }));
  return (_req, res, next) => {
    res.setHeaders(headers);
    next();
  };
}

/**
 * The headers a middleware sets on any answer, found once: helmet's depend on its options alone (no directive
 * is a function of the request), and running its dozen middlewares and building the policy text again for every
 * answer cost a write request more CPU than setting the headers.
 */
function headersSetBy(middleware: RequestHandler): Map<string, string> {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: string | number) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let done = false;
  void middleware({} as Request, response as unknown as Response, () => {
    done = true;
  });
  if (!done) throw new Error('the security headers middleware did not finish at once');
  return headers;
}

/**
 * CORS for the configured origins ('*': any). Tokens travel in the Authorization header, never in cookies,
 * so credentials are never allowed. Without configured origins no CORS header is sent: same origin only.
 */
export function cors(origins: readonly string[]): RequestHandler {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get('origin');
    if (!origin || (!any && !allowed.has(origin))) {
      if (origins.length > 0) res.vary('Origin');
      next();
      return;
    }
    res.set('access-control-allow-origin', any ? '*' : origin);
    if (!any) res.vary('Origin');
    res.set('access-control-expose-headers', 'RateLimit, RateLimit-Policy, Retry-After');
    if (req.method === 'OPTIONS' && req.get('access-control-request-method')) {
      res.set('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.set('access-control-allow-headers', 'authorization, content-type, accept, apollo-require-preflight');
      res.set('access-control-max-age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
