import type { DatasetSearchDocument } from '../../src/search/engine.js';

/** A published search document, the n-th of a series (distinct id, identifier, size and modified day). */
export function documentNumbered(n: number): DatasetSearchDocument {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    identifier: `urn:test:dataset:${n}`,
    status: 'PUBLISHED',
    ownerOrganisationId: 'urn:test:org:1',
    title: `Leukaemia cohort ${n}`,
    description: 'Whole genomes of a leukaemia cohort.',
    keywords: ['leukaemia'],
    publisherId: 'urn:test:org:1',
    publisherName: 'Test region',
    texts: [],
    diagnosticArea: 'HEMATOLOGY',
    assays: ['WGS'],
    diseaseIds: [],
    diseaseAncestorIds: [],
    diseaseLabels: [],
    phenotypeLabels: [],
    duoPermission: 'HMB',
    consentKey: null,
    accessMode: null,
    accessBodyIds: [],
    holdingRegionIds: [],
    genomeBuild: 'GRCh38',
    individuals: 100 + n,
    individualsRounded: 100 + n,
    issued: null,
    modified: `2026-01-${String(n).padStart(2, '0')}T00:00:00.000Z`,
  };
}
