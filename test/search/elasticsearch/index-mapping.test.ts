import { describe, expect, it } from 'vitest';
import type { DatasetSearchDocument } from '../../../src/search/engine.js';
import { ElasticsearchSearchEngine } from '../../../src/search/elasticsearch/elasticsearch-engine.js';
import { toIndexedDataset } from '../../../src/search/elasticsearch/index-mapping.js';

const document = (overrides: Partial<DatasetSearchDocument> = {}): DatasetSearchDocument => ({
  id: '0b6f5a4e-8f8a-4c1e-9d55-4d1f6c2b7a10',
  identifier: 'urn:test:dataset:1',
  status: 'PUBLISHED',
  ownerOrganisationId: 'org',
  title: 'Cohort',
  description: 'About a cohort.',
  keywords: [],
  publisherId: 'org',
  publisherName: null,
  texts: [{ language: 'en', title: 'Cohort', description: 'About a cohort.', keywords: [], publisherName: null }],
  diagnosticArea: null,
  assays: [],
  diseaseIds: [],
  diseaseAncestorIds: [],
  diseaseLabels: [],
  phenotypeLabels: [],
  duoPermission: null,
  consentKey: null,
  accessMode: null,
  accessBodyIds: [],
  holdingRegionIds: [],
  genomeBuild: null,
  individuals: null,
  individualsRounded: null,
  issued: null,
  modified: '2026-12-01T00:00:00.000Z',
  ...overrides,
});

describe('the indexed document', () => {
  it('derives the lists documents share (frozen) once, and lists of its own every time', () => {
    const ancestors = Object.freeze(['MONDO:1', 'MONDO:1', 'MONDO:2']) as string[];
    const labels = Object.freeze(['Sjögren syndrome', 'disease']) as string[];
    const shared = () => toIndexedDataset(document({ diseaseAncestorIds: ancestors, diseaseLabels: labels }));
    expect(shared().diseaseAncestorIds).toEqual(['MONDO:1', 'MONDO:2']);
    expect(shared().labelsFolded).toEqual(['Sjogren syndrome', 'disease']);

    const own = ['Skåne', 'x'];
    expect(toIndexedDataset(document({ diseaseLabels: own })).labelsFolded).toEqual(['Skane', 'x']);
    own[0] = 'Örebro';
    expect(toIndexedDataset(document({ diseaseLabels: own })).labelsFolded).toEqual(['Orebro', 'x']);
    expect(toIndexedDataset(document({ phenotypeLabels: ['Ærø'], diseaseLabels: labels })).labelsFolded).toEqual(['Sjogren syndrome', 'disease', 'AEro']);
  });

  it('writes each action line of the _bulk body as JSON.stringify would', () => {
    const engine = new ElasticsearchSearchEngine({ node: 'http://127.0.0.1:1', indexPrefix: 'a"b' });
    const ids = ['plain', 'with "quotes" and \\ and \u2028'];
    const lines = engine.prepareUpsert(ids.map((id) => document({ id }))).ndjson.split('\n');
    expect(lines).toHaveLength(5);
    expect([lines[0], lines[2]]).toEqual(ids.map((id) => JSON.stringify({ index: { _index: 'a"b-datasets', _id: id } })));
    expect(lines[1]).toBe(JSON.stringify(toIndexedDataset(document({ id: ids[0] }))));
  });
});
