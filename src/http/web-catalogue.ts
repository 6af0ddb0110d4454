import compression from 'compression';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AuthConfig } from '../auth/auth-config.js';
import { repoRoot } from '../core/repo-root.js';
import { prefersPage } from '../dcat/http/content-negotiation.js';

export interface WebCatalogueOptions {
  /** The built web application (web/dist, made by scripts/install.sh). */
  distDir?: string;
  auth: AuthConfig;
}

export interface WebCatalogue {
  router: express.Router;
  /** Answers with the application's page; it renders whatever page the request's path names. */
  sendPage(req: Request, res: Response, status?: number): void;
  /**
   * For a path nothing else answers: a browser asking for a page (text/html ranked above JSON and every RDF
   * type) gets the application's not-found page with status 404; API, RDF and other clients go on to the JSON 404.
   */
  pageNotFound: RequestHandler;
}

/** Paths the web application renders (everything else belongs to the API, RDF and operations). */
const PAGE_PATHS = ['/', '/datasets/*id', '/manage', '/manage/*rest'];

/**
 * The web catalogue for people, served from the same port as the API: built assets under /assets (content
 * hashed, so cached for good) and the application's page for the catalogue's own paths. The page carries
 * how this deployment signs people in; everything else the application reads through /graphql.
 */
export function webCatalogue(options: WebCatalogueOptions): WebCatalogue {
  const distDir = options.distDir ?? path.join(repoRoot(), 'web', 'dist');
  const indexFile = path.join(distDir, 'index.html');
  const page = existsSync(indexFile) ? withSettings(readFileSync(indexFile, 'utf8'), options.auth) : null;

  const sendPage = (_req: Request, res: Response, status = 200): void => {
    if (!page) {
      res.status(503).type('text/plain').send('The web catalogue has not been built: run bash scripts/install.sh.\n');
      return;
    }
    res.status(status).vary('Accept').set('cache-control', 'no-cache').type('html').send(page);
  };

  const router = express.Router();
  router.use('/assets', compression(), express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }));
  router.get(PAGE_PATHS, compression(), (req, res) => sendPage(req, res));
  const pageNotFound: RequestHandler = (req, res, next) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && prefersPage(req.get('accept'))) {
      sendPage(req, res, 404);
      return;
    }
    // The answer depends on Accept: a cache must not give a browser the JSON one.
    res.vary('Accept');
    next();
  };
  return { router, sendPage, pageNotFound };
}

/** Writes the sign-in settings the browser needs (never a secret: issuer and public client id only). */
function withSettings(html: string, auth: AuthConfig): string {
  const settings =
    auth.mode === 'oidc' ? { mode: 'oidc', issuer: auth.issuer, clientId: auth.clientId, scope: auth.scope } : { mode: 'dev' };
  const json = JSON.stringify({ auth: settings }).replace(/</g, '\\u003c');
  return html.replace('</head>', `<script id="gdcat-config" type="application/json">${json}</script></head>`);
}
