import type { EntityManager } from '@mikro-orm/postgresql';
import type { InputContext, Json, RecordKind } from './record-inputs.js';

/** Where a record sits in the file it came from, for problem reports. */
export interface SourceLocation {
  file: string;
  /** XLSX sheet or JSON section. */
  sheet: string | null;
  /** 1-based row (CSV/XLSX, counting the header) or position in the JSON section. */
  row: number | null;
}

/** One record of an import file in the example-catalogue shape, with where it came from. */
export interface SourceRecord {
  kind: RecordKind;
  data: Json;
  location: SourceLocation;
  /** Problems found while reading (an unreadable cell), reported like rule violations; at the record's place unless they name their own. */
  readProblems?: LocatedProblem[];
  /** What the import leaves out of the record (a key it does not read), reported; the record is imported all the same. */
  warnings?: LocatedWarning[];
  /** Where a problem the record rules report for an input field sits in the file (spreadsheets: sheet, row, column). */
  locate?(field: string): { location: SourceLocation; field: string | null };
}

export interface LocatedProblem extends Partial<SourceLocation> {
  field: string;
  message: string;
  /** INVALID when not given. */
  code?: string;
}

export interface LocatedWarning extends LocatedProblem {
  code: string;
}

/**
 * An import file, read record by record in dependency order (organisations, access bodies, publications,
 * studies, datasets, evaluations) so every reference points at a record written before it.
 */
export interface ImportSource {
  file: string;
  /** The catalogue record (title, publisher, homepage...), when the file has one. */
  catalogue: Json | null;
  /** Number of records, once known (for the progress bar). */
  total: number | null;
  context: InputContext;
  /** The records, read inside the import's transaction (a source may stage rows there). */
  records(em: EntityManager): AsyncIterable<SourceRecord>;
}
