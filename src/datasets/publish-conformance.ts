import { ConsentType } from '../consent/consent-scope.entity.js';
import type { Problems } from '../core/problems.js';
import type { Dataset } from './dataset.entity.js';
import type { Distribution } from './distribution.entity.js';

/** What the checks read of a dataset's parts: their entities, or the same fields read in one statement. */
export interface ConsentFacts {
  consentType?: string | null;
}
export interface AccessRouteFacts {
  applicationUrl?: string | null;
  accessBody?: { applicationUrl?: string | null } | null;
}
export type DistributionFacts = Pick<Distribution, 'position' | 'accessUrl' | 'downloadUrl'>;

export const NO_DOWNLOAD_URL =
  'a non-public dataset cannot offer a direct download URL; give the access URL where access is requested instead';

/**
 * What the official shapes demand of a published dataset that only its data manager can supply, in the data
 * manager's words: DCAT-AP 3.0.1 for every dataset, and the HealthDCAT-AP NON_PUBLIC shapes (Release 5 and 6)
 * for non-public ones. The rest (types, labels, legislation, provenance, contact fallbacks) the RDF writers
 * supply. test/datasets/publish-conformance.test.ts holds each rule against the shapes: a dataset these rules
 * pass conforms, and breaking each rule breaks the shape it names.
 */
export function checkConformance(
  dataset: Dataset,
  consent: ConsentFacts | null,
  route: AccessRouteFacts | null,
  problems: Problems,
  ofDataset: readonly DistributionFacts[] = [...dataset.distributions],
): void {
  // DCAT-AP: dct:description is mandatory.
  if (!dataset.description.trim()) problems.add('description', 'a published dataset needs a description', 'REQUIRED');
  const distributions = [...ofDataset].sort((a, b) => a.position - b.position);
  // DCAT-AP: every distribution has a dcat:accessURL. The RDF falls back, for public data, to the download
  // URL, then to the access route's application page, then its access body's.
  const fallbackUrl = route?.applicationUrl ?? route?.accessBody?.applicationUrl ?? null;
  for (const [index, distribution] of distributions.entries()) {
    const downloadable = !dataset.isNonPublic && distribution.downloadUrl;
    if (!distribution.accessUrl && !fallbackUrl && !downloadable) {
      problems.add(
        `distributions[${index}].accessUrl`,
        'a distribution needs an access URL (where access is requested) before publishing, or an application page on the access route',
        'REQUIRED',
      );
    }
  }
  if (!dataset.isNonPublic) return;

  // HealthDCAT-AP NON_PUBLIC: exactly one healthdcatap:hdab.
  if (!dataset.hdab) problems.add('hdab', 'a health data access body is required for non-public data', 'REQUIRED');
  // HealthDCAT-AP NON_PUBLIC: at least one dcat:distribution.
  if (distributions.length === 0) {
    problems.add('distributions', 'non-public data needs at least one distribution, saying where access is requested', 'REQUIRED');
  }
  // HealthDCAT-AP NON_PUBLIC: at least one dcat:keyword (the diagnostic area and assays are written as keywords too).
  const assays = dataset.cohort?.sequencing?.assays ?? [];
  if (!dataset.keywords.some((keyword) => keyword.trim()) && !dataset.diagnosticArea && assays.length === 0) {
    problems.add('keywords', 'non-public data needs at least one keyword (or a diagnostic area or assay) so that it can be found', 'REQUIRED');
  }
  // HealthDCAT-AP NON_PUBLIC: at least one dct:type and healthdcatap:healthCategory; the catalogue types
  // data about people as personal data, and has neither for non-human data.
  if (consent?.consentType === ConsentType.NOT_APPLICABLE_NON_HUMAN) {
    problems.add(
      'consent.consentType',
      'non-public data must be health data about people (personal data); publish data with no human participants as public or restricted',
    );
  }
  // Sensitive data is never one click away.
  for (const [index, distribution] of distributions.entries()) {
    if (distribution.downloadUrl) problems.add(`distributions[${index}].downloadUrl`, NO_DOWNLOAD_URL);
  }
}
