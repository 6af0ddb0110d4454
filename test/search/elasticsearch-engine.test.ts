import { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { ElasticsearchSearchEngine } from '../../src/search/elasticsearch/elasticsearch-engine.js';
import { elasticsearchForTests, uniqueIndexPrefix } from '../support/elasticsearch.js';
import { STEMMED_QUERIES, STEMMING_FIXTURE, searchEngineContract } from './engine-contract.js';

const url = elasticsearchForTests();

describe.skipIf(!url)('Elasticsearch engine', () => {
  searchEngineContract('elasticsearch', async () => {
    const indexPrefix = uniqueIndexPrefix('engine');
    return {
      engine: new ElasticsearchSearchEngine({ node: url!, indexPrefix }),
      cleanup: async () => {
        const admin = new Client({ node: url! });
        try {
          await admin.indices.delete({ index: `${indexPrefix}-datasets-*`, allow_no_indices: true });
        } finally {
          await admin.close();
        }
      },
    };
  });
});

describe.skipIf(!url)('Elasticsearch engine: languages', () => {
  const prefixes: string[] = [];
  const admin = new Client({ node: url ?? 'http://unused' });

  afterAll(async () => {
    for (const prefix of prefixes) await admin.indices.delete({ index: `${prefix}-datasets-*`, allow_no_indices: true });
    await admin.close();
  });

  async function engineWith(languageAnalyzers: boolean): Promise<ElasticsearchSearchEngine> {
    const indexPrefix = uniqueIndexPrefix('languages');
    prefixes.push(indexPrefix);
    return new ElasticsearchSearchEngine({ node: url!, indexPrefix, languageAnalyzers });
  }

  const found = async (engine: ElasticsearchSearchEngine, query: string) =>
    (
      await engine.search({ query, filter: {}, visibility: { allStatusesForOwners: [] }, sort: 'RELEVANCE', first: 10, facets: [], individuals: { kind: 'EXACT' } })
    ).hits.map((hit) => hit.id);

  async function hasAnalysisCommon(): Promise<boolean> {
    const nodes = await admin.nodes.info({ metric: 'plugins' });
    return Object.values(nodes.nodes).every((node) => (node.modules ?? []).some((module) => module.name === 'analysis-common'));
  }

  it('without language analyzers matches the words of both languages as written, without stemming', async () => {
    const engine = await engineWith(false);
    try {
      await engine.init();
      await engine.upsert([STEMMING_FIXTURE]);
      expect(await found(engine, 'blodprover')).toEqual([STEMMING_FIXTURE.id]);
      expect(await found(engine, 'sequenced')).toEqual([STEMMING_FIXTURE.id]);
      expect(await found(engine, STEMMED_QUERIES.sv)).toEqual([]);
      expect(await found(engine, STEMMED_QUERIES.en)).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('with language analyzers stems each language where the node has them, and refuses to start where it has not', async () => {
    const engine = await engineWith(true);
    try {
      if (!(await hasAnalysisCommon())) {
        await expect(engine.init()).rejects.toThrow(/swedish|english/);
        return;
      }
      await engine.init();
      await engine.upsert([STEMMING_FIXTURE]);
      for (const query of Object.values(STEMMED_QUERIES)) expect(await found(engine, query)).toEqual([STEMMING_FIXTURE.id]);
    } finally {
      await engine.close();
    }
  });
});
