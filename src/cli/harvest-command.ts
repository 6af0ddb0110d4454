import { parseArgs } from 'node:util';
import type { AppConfig } from '../config.js';
import { loggerOf, type Log, type Logger } from '../core/log.js';
import { harvest, type HarvestProgress } from '../harvest/harvest.js';
import { harvestSources, runLevel, withHarvestLock } from '../harvest/harvest-runner.js';
import { type HarvestError, HarvestOutcome, type HarvestRun } from '../harvest/harvest-run.entity.js';
import { HarvestSource, HarvestSourceKind } from '../harvest/harvest-source.entity.js';
import { HARVESTABLE_URL, findHarvestSource, isHarvestableUrl } from '../harvest/harvest-source.rules.js';
import { openDatabase } from '../db/open-database.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { statusLine } from './progress.js';

const USAGE = 'usage: gdcat harvest (--source ID | --all | --url URL --org ORGANISATION [--kind dcat|fdp]) [--full] [--json]';

/**
 * `gdcat harvest`: harvests registered sources (--source, --all) or a one-off URL speaking for an
 * organisation, into the catalogue the environment points at. Safe while `gdcat serve` runs on it: runs
 * take turns through the harvest lock. Exits 1 when a source could not be harvested at all.
 */
export async function runHarvestCommand(args: string[], config: AppConfig, log: Log): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      source: { type: 'string' },
      all: { type: 'boolean' },
      url: { type: 'string' },
      org: { type: 'string' },
      kind: { type: 'string', default: 'dcat' },
      full: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  const modes = [values.source !== undefined, !!values.all, values.url !== undefined].filter(Boolean).length;
  const kind = values.kind === 'fdp' ? HarvestSourceKind.FDP : values.kind === 'dcat' ? HarvestSourceKind.DCAT_AP : null;
  if (modes !== 1 || (values.url !== undefined && !values.org) || !kind) {
    loggerOf(log).error(USAGE);
    return 2;
  }
  if (values.url !== undefined && !isHarvestableUrl(values.url)) {
    loggerOf(log).error(`--url: "${values.url}" ${HARVESTABLE_URL}`);
    return 2;
  }
  // For a person watching a terminal; with --json a program reads the output, and a log gets the outcome.
  const status = values.json ? null : statusLine(loggerOf(log));
  const settings = { ...config.harvest!, baseUrl: config.baseUrl, full: !!values.full, onProgress: status ? (p: HarvestProgress) => status.update(progressText(p)) : undefined };
  const { orm, embedded } = await openDatabase(config, log);
  try {
    const em = orm.em.fork();
    let runs: HarvestRun[];
    if (values.url !== undefined) {
      if (!(await em.count(Organisation, { identifier: values.org! }))) {
        loggerOf(log).error(`--org: no organisation "${values.org}" in this catalogue`);
        return 2;
      }
      const target = { source: null, url: values.url, kind, organisation: values.org! };
      runs = [(await withHarvestLock(orm, true, () => harvest(orm.em.fork(), target, settings)))!];
    } else {
      const sources = values.all
        ? await em.find(HarvestSource, { enabled: true }, { populate: ['organisation'], orderBy: { identifier: 'asc' } })
        : [await findHarvestSource(em, values.source!)].filter((source): source is HarvestSource => !!source);
      if (values.source !== undefined && sources.length === 0) {
        loggerOf(log).error(`--source: no harvest source "${values.source}"`);
        return 2;
      }
      runs = (await withHarvestLock(orm, true, () => harvestSources(orm, sources, settings, log)))!;
    }
    status?.finish();
    if (values.json) process.stdout.write(`${JSON.stringify(runs.map(runReport), null, 2)}\n`);
    else for (const run of runs) printRun(run, loggerOf(log));
    return runs.some((run) => run.outcome === HarvestOutcome.FAILED) ? 1 : 0;
  } finally {
    status?.finish();
    await orm.close();
    await embedded?.stop();
  }
}

function progressText(p: HarvestProgress): string {
  const written = p.total == null ? '' : `, ${p.records}/${p.total} records written`;
  return `harvest ${p.source}: ${p.documents} documents read${written}`;
}

function runReport(run: HarvestRun) {
  const { source, ...fields } = run;
  return { source: source?.identifier ?? null, ...fields };
}

/** The run for the person who started it: each problem, then the outcome, each line at its level. */
function printRun(run: HarvestRun, log: Logger): void {
  const where = (problem: HarvestError) => [problem.identifier, problem.iri, problem.field].filter(Boolean).join(' / ') || run.url;
  for (const warning of run.warnings) log.warn(`warning: ${where(warning)}: ${warning.message} (${warning.code})`);
  for (const error of run.errors) log.error(`${where(error)}: ${error.message} (${error.code})`);
  log[runLevel(run)](
    `${run.source?.identifier ?? run.url}: ${run.outcome} (${run.mode.toLowerCase()}, ${run.documents} documents, ${run.durationMs} ms): ` +
      `created ${run.created}, updated ${run.updated}, unchanged ${run.unchanged}, withdrawn ${run.withdrawn}, failed ${run.failed}` +
      (run.warnings.length ? `; ${run.warnings.length} warnings` : ''),
  );
}
