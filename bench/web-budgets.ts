/// <reference lib="dom" />
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startCatalogue } from '../src/http/catalogue-server.js';

/**
 * The web catalogue's budgets, measured in Chromium against the real server (seeded example catalogue,
 * PostgreSQL search engine, fresh embedded PostgreSQL):
 *   - compressed JavaScript transferred on the first load of the discovery page (cold cache);
 *   - time from the last keystroke of a query to the result list answering it (search as you type,
 *     including the input debounce), over a bounded number of queries.
 *   node dist/bench/web-budgets.js [--chromium /usr/bin/chromium] [--queries 60]
 */
const { values } = parseArgs({ options: { chromium: { type: 'string', default: '/usr/bin/chromium' }, queries: { type: 'string', default: '60' } } });
const rounds = Math.min(Number(values.queries), 500);
const WORDS = ['leukaemia', 'cancer', 'rare disease', 'tumour', 'Stockholm', 'exome', 'epilepsy', 'sepsis', 'pharmacogenomics', 'childhood', 'lung', 'genome'];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  // Inside the repo's git-ignored cache: the postgres system user must be able to enter the directory.
  await mkdir(path.resolve('.cache'), { recursive: true });
  const stateDir = await mkdtemp(path.resolve('.cache', 'bench-web-'));
  await chmod(stateDir, 0o755);
  const catalogue = await startCatalogue(
    {
      port: 0,
      host: '127.0.0.1',
      elasticsearchIndexPrefix: 'unused',
      stateDir,
      auth: { mode: 'dev', devKeyFile: path.join(await mkdtemp(path.join(tmpdir(), 'gdcat-bench-')), 'key.json') },
      smallCountThreshold: 5,
      baseUrl: 'http://localhost',
      seedWhenEmpty: true,
      indexer: 'in-process',
    },
    () => undefined,
  );
  const browser = await chromium.launch({ executablePath: values.chromium, headless: true, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const scripts: { url: string; encoded: number; decoded: number }[] = [];
    page.on('requestfinished', async (request) => {
      if (request.resourceType() !== 'script') return;
      const sizes = await request.sizes();
      const body = (await (await request.response())?.body())?.length ?? 0;
      scripts.push({ url: request.url(), encoded: sizes.responseBodySize, decoded: body });
    });
    await page.goto(`${catalogue.url}/`, { waitUntil: 'networkidle' });
    await page.waitForSelector('.result');
    const encoded = scripts.reduce((sum, s) => sum + s.encoded, 0);
    const decoded = scripts.reduce((sum, s) => sum + s.decoded, 0);

    const timings: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const query = `${WORDS[i % WORDS.length]}${i >= WORDS.length ? ` ${i}` : ''}`.slice(0, 40);
      await page.fill('#search-query', '');
      await page.waitForFunction(() => (document.querySelector('.result-list') as HTMLElement | null)?.dataset.answered === '/');
      // The page notes the time of the last keystroke and of the result list answering it.
      await page.evaluate(() => {
        const w = window as unknown as { lastKey?: number; answered?: number };
        w.lastKey = undefined;
        w.answered = undefined;
        document.getElementById('search-query')!.addEventListener('input', () => (w.lastKey = performance.now()));
      });
      await page.type('#search-query', query);
      const expected = `/?q=${new URLSearchParams({ q: query }).toString().slice(2)}`;
      const elapsed = await page.evaluate(
        (wanted) =>
          new Promise<number>((resolve) => {
            const w = window as unknown as { lastKey: number };
            const check = () => {
              if ((document.querySelector('.result-list') as HTMLElement | null)?.dataset.answered === wanted) {
                resolve(performance.now() - w.lastKey);
                return true;
              }
              return false;
            };
            if (check()) return;
            new MutationObserver((_, observer) => check() && observer.disconnect()).observe(document.body, { subtree: true, attributes: true, childList: true });
          }),
        expected,
      );
      timings.push(elapsed);
    }
    timings.sort((a, b) => a - b);
    console.log(`# web catalogue budgets (${catalogue.search.name} engine, seeded example catalogue)`);
    console.log(`first load of /: ${scripts.length} script(s), ${(encoded / 1024).toFixed(1)} KB compressed JavaScript (${(decoded / 1024).toFixed(1)} KB uncompressed)`);
    console.log(`last keystroke -> result list (${timings.length} queries): p50 ${percentile(timings, 50).toFixed(0)} ms, p95 ${percentile(timings, 95).toFixed(0)} ms, max ${timings.at(-1)!.toFixed(0)} ms`);
  } finally {
    await browser.close();
    await catalogue.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

await main();
