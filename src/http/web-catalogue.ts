import compression from 'compression';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AuthConfig } from '../auth/auth-config.js';
import { repoRoot } from '../core/repo-root.js';
import { findLandingDataset } from '../dcat/catalogue-source.js';
import { prefersPage } from '../dcat/http/content-negotiation.js';
import { describeLandingPage, type LandingPageDescription, linkHeader } from '../dcat/http/landing-page.js';
import { CatalogueIris } from '../dcat/iris.js';
import { schemaOrgScriptText } from '../dcat/profiles/schema-org/schema-org.writer.js';
import type { Dataset } from '../datasets/dataset.entity.js';
import type { Orm } from '../db/orm.js';
import { RETRY_AFTER_SECONDS, unavailability } from '../graphql/errors.js';

export interface WebCatalogueOptions {
  /** The built web application (web/dist, made by scripts/install.sh). */
  distDir?: string;
  auth: AuthConfig;
  orm: Orm;
  /** Public base URL (PUBLIC_BASE_URL): a landing page's canonical address and links are built on it. */
  baseUrl: string;
  /** SMALL_COUNT_THRESHOLD: a landing page's markup discloses counts of people as to anonymous callers. */
  smallCountThreshold: number;
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

/** Paths the web application renders besides landing pages (everything else belongs to the API, RDF and operations). */
const PAGE_PATHS = ['/', '/manage', '/manage/*rest'];

/**
 * The web catalogue for people, served from the same port as the API: built assets under /assets (content
 * hashed, so cached for good) and the application's page for the catalogue's own paths. The page carries
 * how this deployment signs people in; everything else the application reads through /graphql. A dataset's
 * landing page also states the dataset in its head and Link header (FAIR Signposting), for clients that run
 * no JavaScript.
 */
export function webCatalogue(options: WebCatalogueOptions): WebCatalogue {
  const distDir = options.distDir ?? path.join(repoRoot(), 'web', 'dist');
  const indexFile = path.join(distDir, 'index.html');
  const page = existsSync(indexFile) ? withSettings(readFileSync(indexFile, 'utf8'), options.auth) : null;

  const iris = new CatalogueIris(options.baseUrl);

  const send = (res: Response, status: number, html: (shell: string) => string = (shell) => shell): void => {
    if (!page) {
      res.status(503).type('text/plain').send('The web catalogue has not been built: run bash scripts/install.sh.\n');
      return;
    }
    res.status(status).vary('Accept').set('cache-control', 'no-cache').type('html').send(html(page));
  };
  const sendPage = (_req: Request, res: Response, status = 200): void => send(res, status);

  const router = express.Router();
  router.use('/assets', compression(), express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }));
  router.get('/datasets/*id', compression(), async (req, res) => {
    let dataset: Dataset | null;
    try {
      dataset = await findLandingDataset(options.orm.em.fork(), (req.params.id as string[]).join('/'));
    } catch (error) {
      // During an outage a browser still gets the application, which says the catalogue cannot be reached
      // and offers to try again; a crawler is told to come back rather than that the page is gone.
      if (!unavailability(error)) throw error;
      res.set('retry-after', String(RETRY_AFTER_SECONDS));
      return send(res, 503);
    }
    // Unknown and draft datasets are not found, so nothing indexes an empty page. The request carries no
    // sign-in (the page reads with the browser's token), so the body is still the application: a signed-in
    // data manager's browser renders their own draft on this 404.
    if (!dataset) return send(res, 404);
    const landing = describeLandingPage(dataset, iris, options.smallCountThreshold);
    res.set('link', linkHeader(landing.signposts));
    send(res, 200, (shell) => withLandingHead(shell, landing));
  });
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

/**
 * The shell with the head a landing page states without JavaScript: the dataset's title and description,
 * its canonical address, its DCAT documents and its schema.org markup. Everything from the record is escaped.
 * The elements the application renders itself are marked data-server-head, so it drops them (web/src/main.ts).
 */
function withLandingHead(shell: string, landing: LandingPageDescription): string {
  const { schemaOrg } = landing;
  const head = [
    `<title>${escapeHtml(schemaOrg.name)} — gdcat</title>`,
    `<meta name="description" content="${escapeHtml(schemaOrg.description)}">`,
    `<link rel="canonical" href="${escapeHtml(landing.canonical)}" data-server-head>`,
    ...landing.documents.map((document) => `<link rel="alternate" type="${document.type}" href="${escapeHtml(document.href)}" data-server-head>`),
    `<script type="application/ld+json" id="schema-org-dataset" data-server-head>${schemaOrgScriptText(schemaOrg)}</script>`,
  ].join('\n');
  // Replaced through functions: a title's "$&" is text, not a replacement pattern.
  return shell
    .replace(/<title>[\s\S]*?<\/title>\s*/, '')
    .replace(/<meta name="description"[^>]*>\s*/, '')
    .replace('</head>', () => `${head}\n</head>`);
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an HTML element or a double-quoted attribute. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => htmlEscapes[char]!);
}
