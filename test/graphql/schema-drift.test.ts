import { printSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gdcatSchema } from '../../src/graphql/schema.js';

describe('schema.graphql', () => {
  it('is the printed schema of the code (regenerate with: node dist/src/cli/main.js print-schema > schema.graphql)', async () => {
    const committed = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(`${printSchema(await gdcatSchema())}\n`).toBe(committed);
  });

  it('keeps the contract names of the specification', async () => {
    const schema = await gdcatSchema();
    const query = schema.getQueryType()!.getFields();
    for (const name of ['node', 'dataset', 'datasets', 'studies', 'organisations', 'accessBodies', 'healthEconomicEvaluations', 'duoTerms']) {
      expect(query[name], name).toBeDefined();
    }
    const mutation = schema.getMutationType()!.getFields();
    for (const type of ['Dataset', 'Study', 'HealthEconomicEvaluation', 'Organisation', 'DataAccessBody']) {
      for (const verb of ['create', 'update', 'publish', 'withdraw']) expect(mutation[`${verb}${type}`], `${verb}${type}`).toBeDefined();
    }
    expect(query.datasets.args.map((a) => a.name)).toEqual(['query', 'filter', 'sort', 'first', 'after']);
  });
});
