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
  /** A problem found while reading (an unreadable cell), reported like a rule violation. */
  readProblems?: { field: string; message: string }[];
}

/**
 * An import file, read record by record in dependency order (organisations, access bodies, publications,
 * studies, datasets, evaluations) so every reference points at a record written before it.
 */
export interface ImportSource {
  file: string;
  /** The catalogue record (title, publisher, homepage...), when the file has one. */
  catalogue: Json | null;
  /** Number of records when known up front (for the progress bar). */
  total: number | null;
  context: InputContext;
  records(): AsyncIterable<SourceRecord>;
}
