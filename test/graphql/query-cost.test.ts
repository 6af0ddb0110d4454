import { readFile } from 'node:fs/promises';
import { buildSchema, Kind, parse, validate, type DefinitionNode, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIST_LIMITS } from '../../src/core/list-limits.js';
import { costLimit, MAX_QUERY_COMPLEXITY } from '../../src/graphql/limits.js';
import { MAX_PAGE_SIZE } from '../../src/records/pagination.js';

let schema: GraphQLSchema;
/** The web catalogue's page sizes: a page of results, and a step of its walk to a page (web/src/lib). */
let PAGE_SIZE: number;
let MAX_API_PAGE: number;
beforeAll(async () => {
  schema = buildSchema(await readFile(new URL('../../schema.graphql', import.meta.url), 'utf8'));
  const constant = async (file: string, name: string) =>
    Number(new RegExp(`export const ${name} = (\\d+);`).exec(await readFile(new URL(`../../web/src/lib/${file}`, import.meta.url), 'utf8'))?.[1]);
  PAGE_SIZE = await constant('discovery.ts', 'PAGE_SIZE');
  MAX_API_PAGE = await constant('paging.ts', 'MAX_API_PAGE');
  expect([PAGE_SIZE, MAX_API_PAGE]).toEqual([expect.any(Number), expect.any(Number)]);
});

/** The cost check's answer for a document: the error messages, none when it is within the limit. */
const refusals = (document: DocumentNode, variables: Record<string, unknown> = {}, maximum = MAX_QUERY_COMPLEXITY) =>
  validate(schema, document, [costLimit(variables, maximum)]).map((error) => error.message);

/** Variables as the web catalogue sends them, its pages at their largest: a page of results, or a walk's step of MAX_API_PAGE. */
const webVariables = () => ({
  first: MAX_API_PAGE,
  assess: true,
  purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['MONDO:0018874'] },
  id: 'urn:example:dataset',
  query: 'leuk',
  input: {},
  expectedVersion: 1,
  reason: 'superseded',
  enabled: true,
});

describe('the query cost counts lists at the most items they can hold', () => {
  const distributionsOfPages = (aliases: number, first: number) =>
    parse(`{ ${Array.from({ length: aliases }, (_, i) => `a${i}: datasets(first: ${first}) { edges { node { distributions { title accessUrl } } } }`).join(' ')} }`);

  it('refuses aliases x page size x distributions, naming the limit', () => {
    expect(refusals(distributionsOfPages(10, MAX_PAGE_SIZE))).toEqual([
      expect.stringMatching(new RegExp(`^query cost \\d+ exceeds the limit ${MAX_QUERY_COMPLEXITY}; ask for smaller pages, fewer lists or fewer fields$`)),
    ]);
    // One full page of datasets with every distribution they may hold fits (as a full /dcat page); three do not.
    expect(refusals(distributionsOfPages(3, MAX_PAGE_SIZE))).toHaveLength(1);
    expect(refusals(distributionsOfPages(1, MAX_PAGE_SIZE))).toEqual([]);
    expect(LIST_LIMITS.distributions).toBe(500);
  });

  it("counts a null page size as the page the resolvers answer with (the field's default), not as one", () => {
    const defaultPages = (first: string) =>
      parse(`query($first: Int) { ${['datasets', 'studies', 'organisations', 'accessBodies'].map((field, i) => `a${i}: ${field}(first: ${first}) { edges { node { id } } }`).join(' ')} }`);
    const defaults = refusals(defaultPages('null'), {}, 1);
    expect(defaults).toHaveLength(1);
    expect(defaults).toEqual(refusals(defaultPages('$first'), { first: null }, 1));
    expect(defaults).toEqual(refusals(parse('{ a0: datasets { edges { node { id } } } a1: studies { edges { node { id } } } a2: organisations { edges { node { id } } } a3: accessBodies { edges { node { id } } } }'), {}, 1));
    // Three pages of the default size with every distribution are refused whether the size is given or left null.
    const distributions = (first: string) =>
      parse(`{ ${[0, 1, 2].map((i) => `a${i}: datasets(first: ${first}) { edges { node { distributions { title accessUrl downloadUrl mediaType byteSize license formats { label } } } } }`).join(' ')} }`);
    expect(refusals(distributions('20'))).toHaveLength(1);
    expect(refusals(distributions('null'))).toEqual(refusals(distributions('20')));
  });

  it('prices lists of a single record too: every access route step of two thousand datasets is refused', () => {
    const steps = parse(
      `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: datasets(first: ${MAX_PAGE_SIZE}) { edges { node { accessRoute { steps { order requirement description body { name contactEmail applicationUrl } } } } } }`).join(' ')} }`,
    );
    expect(refusals(steps)).toHaveLength(1);
  });

  it('keeps every operation the web catalogue sends within the limit', async () => {
    const source = await readFile(new URL('../../web/src/lib/queries.ts', import.meta.url), 'utf8');
    const definitions = parse([...source.matchAll(/graphql\(`([\s\S]*?)`\)/g)].map((match) => match[1]).join('\n')).definitions;
    const fragments = definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
    const operations = definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
    expect(operations.length).toBeGreaterThan(10);
    for (const operation of operations) {
      const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] as DefinitionNode[] };
      const name = operation.name?.value;
      const variables = {
        ...webVariables(),
        ...(name === 'DiscoverDatasets' ? { first: PAGE_SIZE } : {}),
        ...(name === 'CreateHarvestSource' ? { input: { identifier: 'x', title: 'x', url: 'https://x.example/', kind: 'DCAT_AP', organisation: 'x', schedule: 'PT1H' } } : {}),
      };
      expect(refusals(document, variables), name).toEqual([]);
    }
  });

  it("keeps a research portal's page of 50 datasets with every field within the limit (bench/run.ts), and refuses a page of 100", async () => {
    const bench = await readFile(new URL('../../bench/run.ts', import.meta.url), 'utf8');
    const body = /const BODY = '([^']*)'/.exec(bench)![1]!;
    const page = /const PAGE_OF_50 = `([\s\S]*?)`;/.exec(bench)![1]!.replaceAll('${BODY}', body);
    expect(page).toContain('first: 50');
    expect(refusals(parse(page))).toEqual([]);
    expect(refusals(parse(page.replace('first: 50', 'first: 100')))).toHaveLength(1);
  });

  it('keeps the README examples within the limit', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(refusals(parse(example)), example.slice(0, 80)).toEqual([]);
  });
});
