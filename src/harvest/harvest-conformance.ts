import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessRoute } from '../access/access-route.entity.js';
import { ConsentScope } from '../consent/consent-scope.entity.js';
import { DEFAULT_RECORD_LANGUAGE } from '../core/languages.js';
import { Problems } from '../core/problems.js';
import { isoInstant } from '../core/validation.js';
import { DataAccessBody, DataAccessBodyKind } from '../access/data-access-body.entity.js';
import { Dataset, NON_PUBLIC_ACCESS } from '../datasets/dataset.entity.js';
import { offersDownloads } from '../dcat/profiles/dcat-ap/dcat-ap.reader.js';
import { knownConceptLabel } from '../dcat/vocabularies.js';
import { RecordStatus } from '../records/record.js';
import { checkConformance, NO_DOWNLOAD_URL } from '../datasets/publish-conformance.js';
import type { HarvestError } from './harvest-run.entity.js';
import type { Json } from './record-inputs.js';

/*
 * A harvested dataset is published as its source published it: what a data manager must supply before
 * publishing here is the source's to supply, so a gap never keeps the record out. What DCAT-AP 3 makes
 * mandatory is filled from what the same source states, so this catalogue's own output stays valid; for
 * non-public data, what HealthDCAT-AP makes mandatory is filled from what is known (the source's themes,
 * the access body that answers for the source here), never invented. The rest of the publishing rules are
 * checked all the same, and each fill and gap is a warning of the run.
 */

/** A warning about one dataset of the run. */
type Warn = (identifier: string, field: string | null, message: string, code: string) => void;

/** What this catalogue knows beyond the source. */
export interface StandIns {
  /**
   * Identifier of the health data access body that answers for the source's records here: the one HDAB the
   * organisation the source speaks for operates; null when it operates none (or several: no guess).
   */
  hdab: string | null;
}

/**
 * The studies read from a source that lack what a study here must have: a title and a study type. What a
 * foreign source names as a dataset's prov:wasGeneratedBy is often a bare prov:Activity (the study type is
 * gdcat's own term); it is left out, not a failed record.
 */
export function studiesLacking(studies: readonly Json[]): Map<string, string[]> {
  const lacking = new Map<string, string[]>();
  for (const study of studies) {
    const missing = [!String(study.title ?? '').trim() && 'title', !study.studyType && 'study type'].filter((field): field is string => !!field);
    if (missing.length > 0) lacking.set(study.id, missing);
  }
  return lacking;
}

/**
 * The dataset with what the shapes make mandatory filled from the source's own statements. DCAT-AP 3: its
 * title stands in for a missing description, a non-public distribution's download URL for its missing access
 * URL (as DCAT-AP advises for downloadable files; the writer states a public one's as both), and a
 * distribution with neither is left out, unless its access route, or the route's access body (its page in
 * `applicationPages`, by identifier), gives the page where access is requested, which the writer states
 * instead (a gdcat source stated it, and the reader took it back: gdcat.reader.ts). Access rights the source
 * does not state are read as non-public, the safe side: held to what non-public data needs, and no
 * download offered in this catalogue's DCAT, while the download URLs it states are kept as stated. Non-public data
 * (HealthDCAT-AP): the access body that answers for the source stands in for a missing healthdcatap:hdab,
 * and the labels of the source's themes for missing keywords. An activity that generated it and is no study
 * this catalogue can describe is left out. Each fill is a warning.
 */
export function withMandatoryFilled(
  dataset: Json,
  standIns: StandIns,
  lackingStudies: ReadonlyMap<string, string[]>,
  applicationPages: ReadonlyMap<string, string>,
  warn: Warn,
): Json {
  const filled = { ...dataset };
  if (!String(dataset.description ?? '').trim() && dataset.title) {
    filled.description = dataset.title;
    warn(dataset.id, 'description', 'the source gives no description (mandatory in DCAT-AP 3); the title stands in for it', 'FILLED_FROM_SOURCE');
  }
  // Public data offers its files for download, and the DCAT writer states a file's download URL as its access
  // URL when it has none of its own; non-public data offers no download, so its access URL is filled.
  const downloads = offersDownloads(dataset);
  const route = dataset.accessRoute;
  const applicationPage = route?.applicationUrl ?? (route?.accessBody ? applicationPages.get(route.accessBody) : null);
  const distributions: Json[] = [];
  for (const distribution of (dataset.distributions ?? []) as Json[]) {
    if (distribution.accessURL || (downloads && distribution.downloadURL)) distributions.push(distribution);
    else if (distribution.downloadURL) {
      distributions.push({ ...distribution, accessURL: distribution.downloadURL });
      warn(dataset.id, 'distributions.accessUrl', `distribution "${distribution.title}" has no access URL (mandatory in DCAT-AP 3); its download URL stands in for it`, 'FILLED_FROM_SOURCE');
    } else if (applicationPage) {
      distributions.push(distribution);
    } else {
      warn(dataset.id, 'distributions', `distribution "${distribution.title}" has neither an access nor a download URL (DCAT-AP 3 requires one); left out`, 'LEFT_OUT');
    }
  }
  filled.distributions = distributions;
  const missing = dataset.wasGeneratedBy ? lackingStudies.get(dataset.wasGeneratedBy) : undefined;
  if (missing) {
    filled.wasGeneratedBy = null;
    warn(dataset.id, 'wasGeneratedBy', `the activity that generated it ("${dataset.wasGeneratedBy}") states no ${missing.join(' and no ')} (a study here has both); left out`, 'LEFT_OUT');
  }
  // A period of time is written again as the source dated it: a date that is none (2020-02-30, 31/12/2019) would be
  // an ill-typed literal of this catalogue's DCAT.
  for (const [bound, name] of [['temporalStart', 'start'], ['temporalEnd', 'end']] as const) {
    const stated = dataset.sourceDescription?.[bound];
    if (typeof stated === 'string' && !isoInstant(stated)) {
      filled.sourceDescription = { ...filled.sourceDescription, [bound]: null };
      warn(dataset.id, `sourceDescription.${bound}`, `the ${name} of its temporal coverage, "${stated}", is no ISO 8601 date; left out`, 'LEFT_OUT');
    }
  }
  if (!dataset.accessRights) {
    filled.accessRights = NON_PUBLIC_ACCESS;
    warn(dataset.id, 'accessRights', 'the source states no access rights (dct:accessRights); treated as non-public here, the safe side', 'NOT_STATED');
  }
  if (filled.accessRights !== NON_PUBLIC_ACCESS) return filled;
  if (!dataset.hdab && standIns.hdab) {
    filled.hdab = standIns.hdab;
    warn(dataset.id, 'hdab', `the source names no health data access body (HealthDCAT-AP requires one for non-public data); "${standIns.hdab}", which answers for the source here, stands in`, 'FILLED_HERE');
  }
  const keywords = ((dataset.keywords ?? []) as string[]).filter((keyword) => keyword.trim());
  const themeLabels = [...new Set(((dataset.sourceDescription?.themes ?? []) as string[]).map(knownConceptLabel).filter((label) => label !== null))];
  // The diagnostic area and assays are written as keywords too (publish-conformance.ts).
  const keywordsWritten = keywords.length > 0 || !!dataset.diagnosticArea || !!dataset.cohort?.sequencing?.assay;
  if (!keywordsWritten && themeLabels.length > 0) {
    // The labels are the vocabulary's English ones: the record's own keywords only when it is in English.
    const language = dataset.language ?? DEFAULT_RECORD_LANGUAGE;
    if (language === 'en') filled.keywords = themeLabels;
    else filled.translations = { ...dataset.translations, en: { ...dataset.translations?.en, keywords: themeLabels } };
    warn(dataset.id, 'keywords', `the source gives no keyword (HealthDCAT-AP requires one for non-public data); the labels of its themes stand in: ${themeLabels.join(', ')}`, 'FILLED_FROM_SOURCE');
  }
  return filled;
}

/** The health data access body that answers here for what a source publishes (see StandIns.hdab). */
export async function standInsFor(em: EntityManager, organisation: string): Promise<StandIns> {
  const bodies = await em.find(
    DataAccessBody,
    { kind: DataAccessBodyKind.HDAB, operatedBy: { identifier: organisation }, status: RecordStatus.PUBLISHED },
    { fields: ['identifier'], limit: 2 },
  );
  return { hdab: bodies.length === 1 ? bodies[0].identifier : null };
}

/**
 * The publishing rules (src/datasets/publish-conformance.ts: DCAT-AP 3, and HealthDCAT-AP NON_PUBLIC for
 * non-public data) applied to harvested datasets as written: every gap a data manager would have been asked
 * to fill, as warnings with the record's IRI at the source.
 */
export async function conformanceWarnings(em: EntityManager, identifiers: string[], iriOf: (identifier: string) => string | null): Promise<HarvestError[]> {
  if (identifiers.length === 0) return [];
  const datasets = await em.find(Dataset, { identifier: { $in: identifiers } }, { populate: ['distributions', 'hdab'], orderBy: { identifier: 'asc' } });
  const ids = datasets.map((dataset) => dataset.id);
  const consents = new Map((await em.find(ConsentScope, { dataset: { $in: ids } })).map((consent) => [consent.dataset.id, consent]));
  const routes = new Map((await em.find(AccessRoute, { dataset: { $in: ids } }, { populate: ['accessBody'] })).map((route) => [route.dataset.id, route]));
  return datasets.flatMap((dataset) => {
    const problems = new Problems();
    checkConformance(dataset, consents.get(dataset.id) ?? null, routes.get(dataset.id) ?? null, problems);
    return problems.list.map((problem) => ({
      identifier: dataset.identifier,
      iri: iriOf(dataset.identifier),
      field: problem.field,
      // The rule a data manager meets here is about a link the source, not this catalogue, offers.
      ...(problem.message === NO_DOWNLOAD_URL
        ? { message: 'the source offers a direct download URL for data treated as non-public here; kept as stated, not offered in this catalogue\'s DCAT', code: 'NOT_OFFERED' }
        : { message: problem.message, code: problem.code }),
    }));
  });
}
