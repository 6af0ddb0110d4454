import type { CodegenConfig } from '@graphql-codegen/cli';

/** Types for every query and mutation the pages send, generated from the API's printed schema. */
const config: CodegenConfig = {
  schema: '../schema.graphql',
  // Every operation the pages send is in one file, so the API surface the web uses is visible at a glance.
  documents: ['src/lib/queries.ts'],
  ignoreNoDocuments: true,
  generates: {
    'src/lib/graphql/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      // Queries travel as plain strings: the page bundle carries no GraphQL parser or printer.
      config: { documentMode: 'string', enumsAsTypes: true, useTypeImports: true, scalars: { DateTimeISO: 'string' } },
    },
  },
};
export default config;
