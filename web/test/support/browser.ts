/// <reference lib="dom" />
import axe from 'axe-core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { repoRoot } from '../../../src/core/repo-root.js';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];

/**
 * The distribution's Chromium (Debian package `chromium`; CHROMIUM_PATH overrides). Without it the browser
 * tests are skipped loudly; under CI=true that is a failure, since .ci/run installs it.
 */
export function chromiumForTests(): string | undefined {
  const found = [process.env.CHROMIUM_PATH, ...CANDIDATES].find((candidate): candidate is string => !!candidate && existsSync(candidate));
  if (found) return found;
  const reason = 'Chromium is not installed: the browser tests cannot run. Install it with `apt-get install -y chromium`.';
  if (process.env.CI === 'true') throw new Error(`${reason} (CI=true requires it)`);
  console.warn(`\n!!! SKIPPING browser tests: ${reason}\n`);
  return undefined;
}

export function launchChromium(executablePath: string): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, not added as an inline <script>: the page's content security
  // policy (script-src 'self') rightly blocks inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

export async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousAccessibilityViolations(page), `axe on ${page.url()}`).toEqual([]);
}

/** Presses Tab until the element matching `selector` has the focus (the way a keyboard user gets there). */
export async function tabTo(page: Page, selector: string, options: { max?: number; backwards?: boolean } = {}): Promise<void> {
  for (let i = 0; i < (options.max ?? 80); i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Collects errors the page logs, so a test can assert the application ran without any. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

/** Chooses an option of a <select> the way a keyboard user does: Tab to it, then arrow keys. */
export async function chooseByKeyboard(page: Page, selector: string, value: string): Promise<void> {
  await tabTo(page, selector);
  for (let i = 0; i < 40; i++) {
    if ((await page.evaluate(() => (document.activeElement as HTMLSelectElement).value)) === value) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`${selector} has no option ${value}`);
}

/**
 * Renews the README's screenshot `name` (docs/screenshots) when GDCAT_UPDATE_SCREENSHOTS=1; otherwise a test run
 * leaves the tracked images as they are (every run would rewrite them with pixels that differ).
 */
export async function updateReadmeScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.GDCAT_UPDATE_SCREENSHOTS !== '1') return;
  await page.screenshot({ path: path.join(repoRoot(), 'docs', 'screenshots', name) });
}
