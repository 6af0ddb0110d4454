import { GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { gdcatSchema } from '../../src/graphql/schema.js';

const info = {} as GraphQLResolveInfo;
const context = { acceptedLanguages: ['en'] };

async function datasetField(name: string) {
  const type = (await gdcatSchema()).getType('Dataset') as GraphQLObjectType;
  return type.getFields()[name]!.resolve!;
}

/** A dataset as the page read gives it: an instance of the entity without its constructor run. */
function readDataset(values: Partial<Dataset>): Dataset {
  return Object.assign(Object.create(Dataset.prototype) as Dataset, { language: 'sv', translations: {}, ...values });
}

describe('field resolvers', () => {
  it('resolve a field taking an argument synchronously (a page resolves thousands of them)', async () => {
    const title = await datasetField('title');
    const dataset = readDataset({ title: 'Kohort', translations: { en: { title: 'Cohort' } } });
    expect(title(dataset, { language: null }, context, info)).toBe('Cohort');
    expect(title(dataset, { language: 'sv' }, context, info)).toBe('Kohort');
  });

  it('read a plain field of the record as given', async () => {
    const language = await datasetField('language');
    expect(language(readDataset({ language: 'en' }), {}, context, info)).toBe('en');
  });

  it('leave a root that is not yet an instance of its type to type-graphql, which converts it', async () => {
    const title = await datasetField('title');
    const plain = { title: 'Kohort', language: 'sv', translations: { en: { title: 'Cohort' } } };
    expect(await title(plain, { language: null }, context, info)).toBe('Cohort');
  });
});
