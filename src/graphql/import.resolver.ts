import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Ctx, Field, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { type ImportProblem, type ImportReport, importCatalogue } from '../harvest/import.js';
import { importInputSource } from '../harvest/import-file.js';
import type { RequestContext } from './kit/context.js';
import { UserError } from './kit/user-error.js';

@ObjectType({ description: 'A problem with one record of an import (or, as a warning, what it leaves out), and where it is.' })
export class ImportProblemType implements ImportProblem {
  @Field(() => String)
  file!: string;

  @Field(() => String, { nullable: true, description: 'Sheet (XLSX sheet or CSV file) or JSON section (organisations, accessBodies, publications, records).' })
  sheet!: string | null;

  @Field(() => Int, { nullable: true, description: '1-based row (CSV/XLSX) or position in the JSON section.' })
  row!: number | null;

  @Field(() => String, { nullable: true, description: 'Column (CSV/XLSX) or field (JSON) at fault.' })
  field!: string | null;

  @Field(() => String)
  message!: string;

  @Field(() => String)
  code!: string;
}

@ObjectType('ImportReport', { description: 'What an import did (or, on a dry run, would do).' })
export class ImportReportType implements ImportReport {
  @Field(() => String)
  file!: string;

  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => Boolean, { description: 'True when the records were written: a real run without problems (all or nothing).' })
  committed!: boolean;

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => [ImportProblemType])
  problems!: ImportProblemType[];

  @Field(() => [ImportProblemType], {
    description: 'What the import leaves out of records it takes: a JSON key or spreadsheet column it does not read (UNKNOWN_KEY, with the one it is near), a study output naming no dataset of the file. Warnings never keep a record out.',
  })
  warnings!: ImportProblemType[];

  @Field(() => String, { nullable: true, description: 'created, updated, unchanged or skipped (only admins set the catalogue record).' })
  catalogueRecord!: ImportReport['catalogueRecord'];
}

@ObjectType()
class ImportCataloguePayload {
  @Field(() => ImportReportType, { nullable: true })
  report!: ImportReport | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@Resolver()
export class ImportResolver {
  @Mutation(() => ImportCataloguePayload, {
    description:
      'Imports records in the example-catalogue JSON shape (organisations, accessBodies, publications, records), or a spreadsheet in the ' +
      'JSON value ({format: "xlsx", content: base64} or {format: "csv", sheets: {datasets: CSV text or {content: the file in base64}, ...}}), through the same rules as ' +
      'the single-record mutations: all or nothing, matched by identifier. dryRun checks everything and writes nothing.',
  })
  async importCatalogue(
    @Arg('input', () => GraphQLJSON) input: unknown,
    @Arg('dryRun', () => Boolean, { nullable: true }) dryRun: boolean | null,
    @Arg('publish', () => Boolean, { nullable: true, description: 'Publish the records (after the publish checks) unless a dataset gives its status.' })
    publish: boolean | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ImportCataloguePayload> {
    const { viewer } = ctx.policy;
    if (!ctx.policy.isAuthenticated) {
      return { report: null, userErrors: [{ field: null, message: 'sign in as a data manager or admin to import', code: 'UNAUTHENTICATED' }] };
    }
    let source;
    try {
      // A data manager acting for one organisation owns what the file leaves without an owner.
      const owner = viewer.role === 'data_manager' && viewer.organisationIdentifiers.length === 1 ? viewer.organisationIdentifiers[0] : null;
      source = importInputSource(input, 'input', owner);
    } catch (error) {
      return { report: null, userErrors: [{ field: 'input', message: (error as Error).message, code: 'INVALID' }] };
    }
    const report = await importCatalogue(ctx.em, viewer, source, { dryRun: !!dryRun, publish: !!publish, baseUrl: ctx.baseUrl });
    if (report.committed) ctx.afterWrite();
    return { report, userErrors: [] };
  }
}
