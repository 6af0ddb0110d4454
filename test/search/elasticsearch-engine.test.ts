import { Client } from '@elastic/elasticsearch';
import { describe } from 'vitest';
import { ElasticsearchSearchEngine } from '../../src/search/elasticsearch/elasticsearch-engine.js';
import { elasticsearchForTests, uniqueIndexPrefix } from '../support/elasticsearch.js';
import { searchEngineContract } from './engine-contract.js';

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
