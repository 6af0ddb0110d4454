/**
 * The dependency direction of ARCHITECTURE.md, checked by test/dependencies.test.ts:
 *   core <- records <- graphql/kit <- domains <- {search, dcat, harvest, db, seed} <- graphql <- http <- cli
 * graphql/kit sits below the domains because domain resolvers build on it. Type-only imports count too.
 * Exceptions the code still needs are listed by path in each rule's `pathNot`, so the rule stays as strict
 * as the code allows and a new exception has to be written down here.
 */
const DOMAINS = '(access|catalogue|consent|datasets|economics|ontology|organisations|publications|studies)';

module.exports = {
  forbidden: [
    {
      name: 'core-is-a-leaf',
      comment: 'src/core imports nothing from the project.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^(src|seed|migrations)/', pathNot: '^src/core/' },
    },
    {
      name: 'records-build-on-core-only',
      severity: 'error',
      from: { path: '^src/records/' },
      to: { path: '^(src|seed|migrations)/', pathNot: '^src/(core|records)/' },
    },
    {
      name: 'graphql-kit-builds-on-records',
      comment: 'Exception: the request context names the loaders and the search engine by type.',
      severity: 'error',
      from: { path: '^src/graphql/kit/' },
      to: {
        path: '^(src|seed|migrations)/',
        pathNot: ['^src/(core|records|graphql/kit)/', '^src/db/loaders\\.ts$', '^src/search/engine\\.ts$'],
      },
    },
    {
      name: 'domains-build-on-records-and-kit',
      comment:
        'Exceptions: datasets read search results through the engine interface, and two write paths queue ' +
        're-indexing through the outbox themselves (until records announce changes and search subscribes); ' +
        'the limits of what search can index are named constants in config.ts.',
      severity: 'error',
      from: { path: `^src/${DOMAINS}/` },
      to: {
        path: '^(src|seed|migrations)/',
        pathNot: [
          `^src/(core|records|graphql/kit|${DOMAINS})/`,
          '^src/search/engine\\.ts$',
          '^src/search/outbox\\.ts$',
          '^src/config\\.ts$',
        ],
      },
    },
    {
      name: 'domain-exceptions-stay-where-they-are',
      comment: 'Only these files may use the search exceptions above.',
      severity: 'error',
      from: {
        path: `^src/${DOMAINS}/`,
        pathNot: ['^src/datasets/dataset-search\\.queries\\.ts$', '^src/datasets/dataset\\.rules\\.ts$', '^src/organisations/organisation\\.rules\\.ts$'],
      },
      to: { path: '^src/search/' },
    },
    {
      name: 'adapters-below-graphql',
      comment: 'search, dcat, harvest, db and the seed do not use the GraphQL layer, HTTP or the CLI.',
      severity: 'error',
      from: { path: '^(src/(search|dcat|harvest|db)|seed)/' },
      to: { path: '^src/(graphql|http|cli)/' },
    },
    {
      name: 'graphql-below-http',
      severity: 'error',
      from: { path: '^src/graphql/' },
      to: { path: '^src/(http|cli)/' },
    },
    {
      name: 'only-cli-imports-http',
      severity: 'error',
      from: { path: '^(src|seed)/', pathNot: '^src/(http|cli)/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      from: { path: '^(src|seed)/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'export-threads-load-no-document-writers',
      comment:
        'Each export thread loads what it imports into a heap of its own: the JSON-LD and RDF/XML writers of the DCAT documents (serialize.ts) cost it about 9 MiB and an export never uses them.',
      severity: 'error',
      from: { path: '^src/dcat/export-worker[.]ts$' },
      to: { path: '^src/dcat/rdf/(json-ld|rdf-xml|serialize)[.]ts$', reachable: true },
    },
    {
      name: 'no-circular',
      comment: 'Cycles across folders hide the direction; within a folder they are allowed.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { circular: true, pathNot: '^src/$1/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
