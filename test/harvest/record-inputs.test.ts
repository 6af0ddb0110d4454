import { getNamedType, type GraphQLInputObjectType, isInputObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { gdcatSchema } from '../../src/graphql/schema.js';
import { dataAccessBodyInput, datasetInput, evaluationInput, type InputContext, type Json, organisationInput, type RecordKind, studyInput } from '../../src/harvest/record-inputs.js';
import { type Column, columnPath, setPath, SHEETS, type Sheet } from '../../src/harvest/spreadsheet-columns.js';

/** A study of the same file: an evaluation's `evaluates` names datasets and studies, told apart by the file. */
const STUDY = 'urn:test:inputs:study';
const context: InputContext = { defaultOwner: null, bodyApplicationUrls: new Map(), studyIds: new Set([STUDY]), studyOfOutput: new Map() };

/** Each record kind the import writes through a GraphQL input type, with its converter (publications have no such input). */
const CONVERTERS: [RecordKind, string, (record: Json) => object][] = [
  ['Organisation', 'OrganisationInput', organisationInput],
  ['DataAccessBody', 'DataAccessBodyInput', (record) => dataAccessBodyInput(record, context)],
  ['Study', 'StudyInput', (record) => studyInput(record, context)],
  ['Dataset', 'DatasetInput', (record) => datasetInput(record, context)],
  ['HealthEconomicEvaluation', 'HealthEconomicEvaluationInput', (record) => evaluationInput(record, context)],
];

/**
 * A value for a column, as a filled cell reads: its last choice (the first is often the default), a number, two
 * entries of a list (a dataset's identifier and the study's, for `evaluates`), an entry with every part.
 */
function valueOf(column: Column): unknown {
  switch (column.type) {
    case 'text':
      return column.choices?.at(-1) ?? 'x';
    case 'integer':
    case 'numberOrText':
      return 7;
    case 'number':
      return 1.5;
    case 'digits':
      return '7';
    case 'boolean':
      return true;
    case 'list':
      return ['x', STUDY];
    case 'terms':
      return [Object.fromEntries(column.parts!.map((part) => [part, 'x']))];
  }
}

/** A record of a sheet with every column given, its parts sheets' rows included, in the JSON form a row becomes. */
function filled(sheet: Sheet): Json {
  const record: Json = {};
  for (const column of sheet.columns) if (column.name !== sheet.parent?.column) setPath(record, columnPath(column), valueOf(column));
  for (const part of SHEETS.filter((s) => s.parent?.sheet === sheet.name)) {
    const row = filled(part);
    setPath(record, part.parent!.path, part.parent!.many ? [row] : row);
  }
  return record;
}

/**
 * The fields of an input type (at any depth) that the input converted from a record with every column leaves
 * empty, or as the record with none of them has it: fields no column of the import reaches.
 */
function unread(type: GraphQLInputObjectType, full: Json, bare: Json | undefined, at = ''): string[] {
  return Object.values(type.getFields()).flatMap((field) => {
    const path = `${at}${field.name}`;
    const given = full[field.name];
    const without = bare?.[field.name];
    if (given == null || (Array.isArray(given) && given.length === 0) || JSON.stringify(given) === JSON.stringify(without)) return [path];
    const named = getNamedType(field.type);
    if (!isInputObjectType(named)) return [];
    const items: Json[] = Array.isArray(given) ? given : [given];
    const bareItems: (Json | undefined)[] = Array.isArray(without) ? without : [without];
    return items.flatMap((item, i) => unread(named, item, bareItems[i], `${path}.`));
  });
}

describe('the record inputs the import makes', () => {
  it('fill every field of the GraphQL input types, at every depth, from a column (so a field added to an input is not left out of the import)', async () => {
    const schema = await gdcatSchema();
    for (const [kind, typeName, convert] of CONVERTERS) {
      const sheet = SHEETS.find((s) => s.kind === kind)!;
      const type = schema.getType(typeName);
      if (!isInputObjectType(type)) throw new Error(`${typeName} is not an input type`);
      const full = convert(filled(sheet)) as Json;
      const bare = convert({}) as Json;
      expect(unread(type, full, bare), typeName).toEqual([]);
    }
  });
});
