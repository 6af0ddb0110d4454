import pg from 'pg';
import { it } from 'vitest';
import { PostgresSearchEngine } from '../../src/search/postgres/postgres-engine.js';
import { ElasticsearchSearchEngine } from '../../src/search/elasticsearch/elasticsearch-engine.js';
import { createTestDatabase } from '../support/database.js';
import { FIXTURES } from './engine-contract.js';

it('compare', async () => {
  const db = await createTestDatabase();
  const p = new PostgresSearchEngine({ pool: new pg.Pool({ connectionString: db.url }) });
  const e = new ElasticsearchSearchEngine({ node: 'http://127.0.0.1:9200', indexPrefix: 'gdcat-test-cmp' });
  for (const x of [p, e]) { await x.init(); await x.upsert([...FIXTURES]); }
  const n = (id: string) => Number(id.slice(-3));
  for (const query of ['cancer genomes', 'acute myeloid leukaemia', 'epilepsy', 'leukamia', 'epilepsie', 'genome', 'cancer', 'whole genome sequencing', 'Skane', 'exomes', 'rare disease', 'tumour', 'myeloid', 'genomics', 'panel']) {
    const r = [];
    for (const x of [p, e]) { const res = await x.search({ query, filter: {}, visibility: { allStatusesForOwners: 'ALL' }, sort: 'RELEVANCE', first: 100, facets: [] }); r.push(res.hits.map(h => n(h.id)).join(',')); }
    console.log(`${r[0] === r[1] ? 'SAME' : 'DIFF'} ${query}\n  pg: ${r[0]}\n  es: ${r[1]}`);
  }
  await p.close(); await e.close(); await db.drop();
  await fetch('http://127.0.0.1:9200/gdcat-test-cmp-datasets-*', { method: 'DELETE' });
});
