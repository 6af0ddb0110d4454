import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { AuthConfig } from '../../../src/auth/auth-config.js';
import { mintDevToken } from '../../../src/auth/tokens.js';
import { startCatalogue, type RunningCatalogue } from '../../../src/http/catalogue-server.js';
import { createTestDatabase } from '../../../test/support/database.js';
import { launchChromium, pageErrors } from './browser.js';

export interface WebTestServer {
  url: string;
  catalogue: RunningCatalogue;
  token(role: 'data_manager' | 'admin', orgs?: string[]): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The real server as `gdcat serve` starts it (seeded catalogue, PostgreSQL search engine, web catalogue at /),
 * on its own database and a free loopback port.
 */
export async function startWebTestServer(): Promise<WebTestServer> {
  const db = await createTestDatabase();
  const stateDir = await mkdtemp(path.join(tmpdir(), 'gdcat-web-'));
  const auth: AuthConfig = { mode: 'dev', devKeyFile: path.join(stateDir, 'dev-signing-key.json') };
  const catalogue = await startCatalogue(
    {
      port: 0,
      host: '127.0.0.1',
      databaseUrl: db.url,
      elasticsearchIndexPrefix: 'unused',
      stateDir,
      auth,
      smallCountThreshold: 5,
      baseUrl: 'http://gdcat.test',
      seedWhenEmpty: true,
      indexer: 'in-process',
    },
    () => {},
  );
  return {
    url: catalogue.url,
    catalogue,
    token: (role, orgs = []) => mintDevToken(auth, { role, orgs }),
    async stop() {
      await catalogue.stop();
      await db.drop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** Every title a `datasets` search gives (its arguments, as GraphQL text), in order, walking the cursors 100 at a time. */
export async function allTitles(server: WebTestServer, search: string, token?: string): Promise<string[]> {
  const titles: string[] = [];
  let after: string | null = null;
  do {
    const response: Response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify({
        query: `query($after: String) { datasets(${search}, first: 100, after: $after) { edges { cursor node { title } } pageInfo { hasNextPage } } }`,
        variables: { after },
      }),
    });
    const { datasets } = ((await response.json()) as { data: { datasets: { edges: { cursor: string; node: { title: string } }[]; pageInfo: { hasNextPage: boolean } } } }).data;
    titles.push(...datasets.edges.map((edge) => edge.node.title));
    after = datasets.pageInfo.hasNextPage ? datasets.edges.at(-1)!.cursor : null;
  } while (after);
  return titles;
}

export interface BrowserSession {
  server: WebTestServer;
  browser: Browser;
  page: Page;
  /** Errors the page logged (see pageErrors). */
  errors: string[];
  close(): Promise<void>;
}

/** The real server and a Chromium page on it, as every browser test file starts. */
export async function openBrowserSession(chromiumPath: string): Promise<BrowserSession> {
  const [server, browser] = await Promise.all([startWebTestServer(), launchChromium(chromiumPath)]);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  page.setDefaultTimeout(15_000);
  return {
    server,
    browser,
    page,
    errors: pageErrors(page),
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}
