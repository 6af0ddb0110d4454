import type { EntityManager } from '@mikro-orm/postgresql';
import { fromGlobalId } from '../core/global-id.js';
import { Problems, UserInputProblem } from '../core/problems.js';
import { Organisation } from '../organisations/organisation.entity.js';
import type { AccessPolicy } from '../records/access-policy.js';
import { assertExpectedVersion, audit, snapshot } from '../records/lifecycle.js';
import { findByRef } from '../records/references.js';
import { HarvestSource, HarvestSourceKind } from './harvest-source.entity.js';
import { PRIVATE_NETWORKS_ALLOWANCE, privateHostKind } from './private-networks.js';

export interface HarvestSourcePatch {
  title?: string | null;
  url?: string | null;
  kind?: HarvestSourceKind | null;
  /** Identifier or id of the organisation the source speaks for. */
  organisation?: string | null;
  schedule?: string | null;
  enabled?: boolean | null;
}

export interface HarvestSourceInput extends HarvestSourcePatch {
  identifier: string;
  title: string;
  url: string;
  kind: HarvestSourceKind;
  organisation: string;
  schedule: string;
}

/** What a harvest source's URL must be, as its problem message says. */
export const HARVESTABLE_URL = 'must be an absolute http(s) URL: the catalogue listing or FAIR Data Point to harvest';

/** Whether `url` can be harvested: absolute, http or https (no file: or other schemes a fetch would try). */
export function isHarvestableUrl(url: string): boolean {
  return /^https?:\/\/\S+$/.test(url) && URL.canParse(url);
}

/** Shortest schedule: harvesting a catalogue more often than this only loads both ends. */
export const MIN_SCHEDULE_MS = 60_000;
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Milliseconds of an ISO 8601 duration in days, hours, minutes and seconds (P1D, PT6H); null otherwise. */
export function scheduleMs(schedule: string): number | null {
  const match = DURATION.exec(schedule.trim());
  if (!match || schedule.trim() === 'P' || schedule.trim().endsWith('T')) return null;
  const [, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
  return (((days! * 24 + hours!) * 60 + minutes!) * 60 + seconds!) * 1000;
}

/**
 * Registers a harvest source (admins only). `allowPrivateNetworks` (HARVEST_ALLOW_PRIVATE_NETWORKS): whether
 * its URL may name a loopback, link-local or private address.
 */
export async function createHarvestSource(em: EntityManager, policy: AccessPolicy, input: HarvestSourceInput, allowPrivateNetworks: boolean): Promise<HarvestSource> {
  policy.assertAdmin('input');
  const problems = new Problems();
  const identifier = input.identifier?.trim() ?? '';
  if (!identifier) problems.add('input.identifier', 'is required', 'REQUIRED');
  // Filled field by field, so every problem with the input is reported at once; persisted only when valid.
  const source = Object.assign(new HarvestSource(), { identifier });
  await apply(em, source, { ...input, title: input.title ?? null, url: input.url ?? null, organisation: input.organisation ?? null, schedule: input.schedule ?? null }, allowPrivateNetworks, problems);
  if (!input.kind) problems.add('input.kind', 'is required: DCAT_AP or FDP', 'REQUIRED');
  problems.throwIfAny();
  if (await em.count(HarvestSource, { identifier })) {
    throw UserInputProblem.of('input.identifier', `"${identifier}" is already used by another harvest source`, 'DUPLICATE');
  }
  em.persist(source);
  await em.flush();
  audit(em, policy, 'createHarvestSource', source, null, snapshot(source));
  await em.flush();
  return source;
}

/** Changes a harvest source (admins only), naming the version edited; `allowPrivateNetworks` as for createHarvestSource. */
export async function updateHarvestSource(
  em: EntityManager,
  policy: AccessPolicy,
  ref: string,
  expectedVersion: number,
  patch: HarvestSourcePatch,
  allowPrivateNetworks: boolean,
): Promise<HarvestSource> {
  policy.assertAdmin('id');
  const source = await findHarvestSource(em, ref);
  if (!source) throw UserInputProblem.of('id', `no harvest source "${ref}"`, 'NOT_FOUND');
  assertExpectedVersion(source, expectedVersion);
  const before = snapshot(source);
  const problems = new Problems();
  await apply(em, source, patch, allowPrivateNetworks, problems);
  problems.throwIfAny();
  await em.flush();
  audit(em, policy, 'updateHarvestSource', source, before, snapshot(source));
  await em.flush();
  return source;
}

/** A harvest source by Relay id or identifier. */
export async function findHarvestSource(em: EntityManager, ref: string): Promise<HarvestSource | null> {
  const global = fromGlobalId(ref);
  return em.findOne(HarvestSource, global?.type === HarvestSource.name ? { id: global.id } : { identifier: ref }, { populate: ['organisation'] });
}

async function apply(em: EntityManager, source: HarvestSource, patch: HarvestSourcePatch, allowPrivateNetworks: boolean, problems: Problems): Promise<void> {
  if (patch.title !== undefined) {
    if (!patch.title?.trim()) problems.add('input.title', 'is required', 'REQUIRED');
    else source.title = patch.title.trim();
  }
  if (patch.url !== undefined) {
    const url = patch.url?.trim() ?? '';
    // Harvesting refuses these addresses when it connects; naming one here tells the admin at once.
    const privateKind = allowPrivateNetworks ? null : privateHostKind(url);
    if (!isHarvestableUrl(url)) problems.add('input.url', HARVESTABLE_URL, 'INVALID');
    else if (privateKind) problems.add('input.url', `names a ${privateKind} address; ${PRIVATE_NETWORKS_ALLOWANCE}`, 'INVALID');
    else source.url = url;
  }
  if (patch.kind != null) {
    if (!(patch.kind in HarvestSourceKind)) problems.add('input.kind', 'must be DCAT_AP or FDP', 'INVALID');
    else source.kind = patch.kind;
  }
  if (patch.organisation !== undefined) {
    const organisation = patch.organisation ? await findByRef(em, Organisation, patch.organisation) : null;
    if (!organisation) problems.add('input.organisation', `no organisation "${patch.organisation ?? ''}": name the one the source speaks for`, patch.organisation ? 'NOT_FOUND' : 'REQUIRED');
    else source.organisation = organisation;
  }
  if (patch.schedule !== undefined) {
    const ms = patch.schedule ? scheduleMs(patch.schedule) : null;
    if (ms == null) problems.add('input.schedule', 'must be an ISO 8601 duration such as PT6H or P1D', 'INVALID');
    else if (ms < MIN_SCHEDULE_MS) problems.add('input.schedule', 'must be at least PT1M', 'INVALID');
    else source.schedule = patch.schedule!.trim();
  }
  if (patch.enabled != null) source.enabled = patch.enabled;
}
