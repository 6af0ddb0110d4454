import type { EntityManager } from '@mikro-orm/postgresql';
import { executeBound } from '../records/record-inserts.js';
import { parentsFirst } from './catalogue-json.js';
import { FileContext } from './file-context.js';
import type { ImportSource, LocatedProblem, LocatedWarning, SourceLocation, SourceRecord } from './import-source.js';
import type { Json } from './record-inputs.js';
import { isNoteColumn, readRecordKeys, UNKNOWN_KEYS_LISTED, unknownColumn, unknownKeysNotListed } from './record-keys.js';
import { ABOUT_SHEET, type Cell, cellText, type Column, columnPath, fromDecimalComma, getPath, readCell, setPath, type Sheet, SHEETS, SHEETS_BY_NAME } from './spreadsheet-columns.js';
import type { RawRow, Spreadsheet } from './spreadsheet-files.js';

/**
 * Memory the parts' rows may take before every part is staged in a temporary table instead: 32 MiB, counting
 * each part's cells as UTF-8 JSON (held outside the JS heap) and PART_PLACE for where it is (on the heap). The
 * parts of about 24,000 datasets with consent, access route, its steps and distributions (README, "Import").
 */
export const HELD_PARTS_BYTES = 32 * 1024 * 1024;
/** What holding one part takes on the JS heap: its object, and its share of the map by identifier. */
const PART_PLACE = 64;
/** Size of the buffers the held parts are written into. */
const HELD_BUFFER = 1024 * 1024;
/** Rows staged per statement, and records assembled per page. */
const STAGE_BATCH = 1000;
const PAGE = 500;

/** A row as read: its cells by position in its sheet's header (the header stays in memory, see SheetReading). */
interface SheetRow {
  sheet: string;
  row: number;
  /** The record's identifier (record sheets) or the identifier of the record a part belongs to (parts sheets). */
  key: string | null;
  cells: Cell[];
}

/** A part's row as staged: its cells as JSON text. */
interface StagedPart {
  sheet: string;
  row: number;
  key: string | null;
  cells: string;
}

/** A part's row as held: where the UTF-8 JSON of its cells is. */
interface HeldPart {
  sheet: string;
  row: number;
  buffer: Buffer;
  start: number;
  end: number;
}

/** A sheet's header as read: the column at each position (null where the header names none the sheet has). */
type Header = (Column | null)[];

/**
 * An import from spreadsheet rows (XLSX sheets or CSV files; see spreadsheet-columns.ts for the sheets). The
 * parts sheets (consent, access routes and steps, distributions, results) are read first, whatever the file's
 * order, and held by the record they name (staged in the import's transaction beyond HELD_PARTS_BYTES); then the
 * record sheets are streamed, each record taking its parts: memory stays bounded however large the file, and a
 * dataset's parts may be anywhere.
 */
export function spreadsheetSource(
  file: string,
  open: () => Promise<Spreadsheet>,
  defaultOwner: string | null = null,
  heldPartsBytes = HELD_PARTS_BYTES,
): ImportSource {
  const known = new FileContext(defaultOwner);
  const source: ImportSource & { context: { defaultOwner: string | null } } = {
    file,
    catalogue: null,
    // Records are counted as they stream by; the total is known once they are read.
    total: null,
    context: known.input,
    async *records(em: EntityManager) {
      const reading = new SheetReading(file);
      let book: Spreadsheet;
      try {
        book = await open();
      } catch (error) {
        reading.cannotRead(error);
        yield* reading.problems();
        return;
      }
      try {
        reading.unknownSheets(book.sheets);
        const parts = new PartRows(em, heldPartsBytes);
        for (const sheet of SHEETS.filter((s) => s.parent)) {
          for await (const row of reading.rowsOf(book, sheet)) await parts.add(row);
        }
        await parts.ready();
        yield* reading.problems();
        // Records stream by, so their exact count is known at the end; an estimate serves the progress bar until then.
        source.total = await estimatedRecords(book);
        let count = 0;
        let catalogueRow: number | null = null;
        for await (const { data, location } of reading.recordsOf(book, SHEETS_BY_NAME.get('catalogue')!, parts)) {
          // A node has one catalogue record: a second row would replace the first without a word.
          if (catalogueRow !== null) {
            reading.fileProblem(location, 'id', `a second catalogue record (the first is row ${catalogueRow}); the catalogue sheet holds one`);
            continue;
          }
          catalogueRow = location.row;
          source.catalogue = data;
          source.context.defaultOwner ??= data.publisher ?? null;
        }
        for (const sheet of SHEETS.filter((s) => s.kind)) {
          for await (const record of reading.recordsOf(book, sheet, parts)) {
            known.learnFrom(record);
            count++;
            yield record;
          }
          yield* reading.problems();
        }
        // Once a sheet could not be read, a part whose record was never read is no orphan, nor a study's output.
        const orphans = reading.unreadable ? [] : await parts.orphans(file);
        const unlisted = reading.unreadable ? [] : known.unlistedOutputs();
        source.total = count + reading.reportCount + orphans.length + unlisted.length;
        yield* orphans;
        yield* unlisted;
      } finally {
        await book.close();
      }
    },
  };
  return source;
}

/** The rows of the record sheets, less their headers, as the spreadsheet estimates them; null when it cannot. */
async function estimatedRecords(book: Spreadsheet): Promise<number | null> {
  let total = 0;
  for (const sheet of SHEETS.filter((s) => s.kind && book.sheets.includes(s.name))) {
    const rows = await book.estimatedRows(sheet.name);
    if (rows == null) return null;
    total += Math.max(0, rows - 1);
  }
  return total;
}

/** Reading the sheets of one file: their headers, and the problems of the file itself and warnings about it. */
class SheetReading {
  private readonly positions: Positions = new Map();
  private readonly found: SourceRecord[] = [];
  /** The problems and warnings about the file found so far (the progress bar counts them as records). */
  reportCount = 0;
  /** Set once a sheet could not be read: nothing more is read. */
  unreadable = false;

  constructor(private readonly file: string) {}

  fileProblem(location: SourceLocation, field: string | null, message: string): void {
    this.found.push({ kind: 'Dataset', data: {}, location, readProblems: [{ field: field ?? '', message }] });
    this.reportCount++;
  }

  private fileWarning(location: SourceLocation, warning: LocatedWarning): void {
    this.found.push({ kind: 'Dataset', data: {}, location, warnings: [warning] });
    this.reportCount++;
  }

  /** The file problems and warnings found since last asked (unknown sheets, a file that cannot be read, unknown columns). */
  *problems(): Generator<SourceRecord> {
    yield* this.found.splice(0);
  }

  cannotRead(error: unknown): void {
    // A damaged workbook or malformed CSV (the parser names the line) is a problem of the file, not a crash.
    this.fileProblem({ file: this.file, sheet: null, row: null }, null, `cannot read the file: ${(error as Error).message}`);
    this.unreadable = true;
  }

  unknownSheets(names: string[]): void {
    for (const name of names) {
      if (name !== ABOUT_SHEET && !SHEETS_BY_NAME.has(name)) {
        this.fileProblem({ file: this.file, sheet: name, row: null }, null, `unknown sheet; the sheets are ${SHEETS.map((s) => s.name).join(', ')}`);
      }
    }
  }

  /** The rows of a sheet that give a value, after its header (row 1, or the first row the sheet has). */
  async *rowsOf(book: Spreadsheet, sheet: Sheet): AsyncGenerator<SheetRow> {
    if (this.unreadable || !book.sheets.includes(sheet.name)) return;
    let header: Header | null = null;
    let keyAt = -1;
    try {
      for await (const raw of book.rows(sheet.name)) {
        if (!header) {
          header = this.headerOf(sheet, raw);
          const positions = new Map(header.flatMap((column, i) => (column ? [[column.name, i] as const] : [])));
          this.positions.set(sheet.name, positions);
          keyAt = positions.get(sheet.parent?.column ?? 'id') ?? -1;
          continue;
        }
        const cells: Cell[] = [];
        let given = false;
        for (let i = 0; i < header.length; i++) {
          const value = raw.decimalComma ? fromDecimalComma(header[i] ?? null, raw.cells[i] ?? null) : raw.cells[i];
          const present = header[i] !== null && value != null && value !== '';
          cells.push(present ? (value instanceof Date ? cellText(value) : value) : null);
          given ||= present;
        }
        this.checkBeyondHeader(sheet, raw, header.length);
        if (!given) continue;
        const key = cells[keyAt];
        yield { sheet: sheet.name, row: raw.row, key: key == null ? null : String(key).trim(), cells };
      }
    } catch (error) {
      this.cannotRead(error);
    }
  }

  /**
   * The column at each position of a sheet's header row. A column the sheet does not have is a warning: its
   * cells are not read, the rows are (as a JSON key the import does not read). A column given twice, or a sheet
   * without the column identifying its rows, is a problem: which cell counts, or which record a row is, is unknown.
   */
  private headerOf(sheet: Sheet, raw: RawRow): Header {
    const location: SourceLocation = { file: this.file, sheet: sheet.name, row: raw.row };
    const firstAt = new Map<string, number>();
    let unknownColumns = 0;
    const header = raw.cells.map((cell, at) => {
      const name = cell == null ? '' : String(cell).trim();
      if (!name) return null;
      const column = sheet.columns.find((c) => c.name === name) ?? null;
      const first = firstAt.get(name);
      if (first !== undefined) {
        // A column the sheet does not have is reported once, as such.
        if (column) this.fileProblem(location, name, `is in the header twice (columns ${first + 1} and ${at + 1}); a column is given once`);
        return null;
      }
      firstAt.set(name, at);
      const unknown = column || isNoteColumn(name) || ++unknownColumns > UNKNOWN_KEYS_LISTED ? null : unknownColumn(sheet, name);
      if (unknown) this.fileWarning(location, unknown);
      return column;
    });
    if (unknownColumns > UNKNOWN_KEYS_LISTED) this.fileWarning(location, unknownKeysNotListed('column', unknownColumns - UNKNOWN_KEYS_LISTED));
    const keyColumn = sheet.parent?.column ?? 'id';
    if (!header.some((c) => c?.name === keyColumn)) {
      // Most often a title row, or a header of merged cells, above the column names.
      this.fileProblem(location, keyColumn, `the ${sheet.name} sheet needs a "${keyColumn}" column; row 1 holds the column names, one in each cell, with no title or merged cells above them`);
    }
    return header;
  }

  /**
   * Values past the header's last column belong to no column: reported, not dropped. In a file separated by
   * ";" they are most often a list whose ";" was not quoted (keywords alpha;beta;gamma).
   */
  private checkBeyondHeader(sheet: Sheet, raw: RawRow, headerLength: number): void {
    const beyond = raw.cells.slice(headerLength).flatMap((cell, i) => (cell == null || cell === '' ? [] : [{ column: headerLength + i + 1, cell }]));
    if (beyond.length === 0) return;
    const values = beyond.map(({ cell }) => JSON.stringify(cellText(cell))).join(', ');
    const hint = raw.decimalComma ? '; in a file separated by ";", quote a cell whose value holds ";"' : '';
    this.fileProblem(
      { file: this.file, sheet: sheet.name, row: raw.row },
      `column ${beyond[0].column}`,
      `${values} ${beyond.length === 1 ? 'stands' : 'stand'} past the last column of the header (${headerLength}), under no column${hint}`,
    );
  }

  /** The records of one sheet in row order, each with its parts, a page at a time. */
  async *recordsOf(book: Spreadsheet, sheet: Sheet, parts: PartRows): AsyncGenerator<SourceRecord> {
    const partSheets = SHEETS.filter((s) => s.parent?.sheet === sheet.name);
    const rows = this.rowsOf(book, sheet);
    const cell = (row: SheetRow, column: string) => cellAt(row, this.positions, column);
    if (sheet.kind === 'Organisation') {
      // Organisations are few: held whole, so parents can be ordered before their children.
      const all: SheetRow[] = [];
      for await (const row of rows) all.push(row);
      for (const [i] of parentsFirst(all.map((r) => ({ id: cell(r, 'id'), parentOrg: cell(r, 'parentOrg') })))) {
        yield assemble(this.file, sheet, all[i], [], partSheets, this.positions);
      }
      return;
    }
    // A page's parts are asked for as soon as its rows are read, before the page before is handed on: when
    // staged, the statement then runs before the import's next insert instead of waiting for it.
    const take = (page: SheetRow[]) => {
      const taken = parts.take(partSheets, page);
      taken.catch(() => undefined);
      return { page, taken };
    };
    const self = this;
    async function* assembled({ page, taken }: ReturnType<typeof take>): AsyncGenerator<SourceRecord> {
      const byKey = await taken;
      for (const row of page) {
        // A record's parts go to the first row of its identifier (a second is a duplicate, reported as such).
        const own = row.key ? byKey.get(row.key) : undefined;
        if (own) byKey.delete(row.key!);
        yield assemble(self.file, sheet, row, own ?? [], partSheets, self.positions);
      }
    }
    let waiting: ReturnType<typeof take> | null = null;
    let page: SheetRow[] = [];
    for await (const row of rows) {
      page.push(row);
      if (page.length < PAGE) continue;
      const next = take(page);
      page = [];
      if (waiting) yield* assembled(waiting);
      waiting = next;
    }
    const last = page.length > 0 ? take(page) : null;
    if (waiting) yield* assembled(waiting);
    if (last) yield* assembled(last);
  }
}

/**
 * The parts sheets' rows by the record they name, until that record takes them. Held in memory up to a bound,
 * as UTF-8 outside the JS heap (the collector neither walks them nor grows the heap for them); beyond it every
 * part is staged in a temporary table of the import's transaction instead.
 */
class PartRows {
  /** Held parts by parent sheet, then by the identifier they name; rows naming none apart (orphans for sure). */
  private readonly held = new Map<string, Map<string, HeldPart[]>>();
  private readonly keyless: HeldPart[] = [];
  private heldBytes = 0;
  private buffer = Buffer.alloc(0);
  private used = 0;
  private staged = false;
  private batch: StagedPart[] = [];
  /** The batch before is inserted while the next one is read; what its insert failed with, or null. */
  private inserting: Promise<unknown> = Promise.resolve(null);

  constructor(
    private readonly em: EntityManager,
    private readonly bound: number,
  ) {}

  private sql<T = Json>(query: string, params: unknown[] = []): Promise<T[]> {
    return executeBound<T>(this.em, query, params);
  }

  async add(row: SheetRow): Promise<void> {
    const cells = JSON.stringify(row.cells);
    if (this.staged) return this.stage({ sheet: row.sheet, row: row.row, key: row.key, cells });
    const bytes = Buffer.byteLength(cells);
    if (this.heldBytes + bytes + PART_PLACE > this.bound) {
      await this.stageHeld();
      return this.stage({ sheet: row.sheet, row: row.row, key: row.key, cells });
    }
    if (this.used + bytes > this.buffer.length) {
      this.buffer = Buffer.allocUnsafeSlow(Math.max(HELD_BUFFER, bytes));
      this.used = 0;
    }
    this.buffer.write(cells, this.used);
    const part: HeldPart = { sheet: row.sheet, row: row.row, buffer: this.buffer, start: this.used, end: this.used + bytes };
    this.used += bytes;
    this.heldBytes += bytes + PART_PLACE;
    if (row.key === null) {
      this.keyless.push(part);
      return;
    }
    const parent = SHEETS_BY_NAME.get(row.sheet)!.parent!.sheet;
    const byKey = this.held.get(parent) ?? this.held.set(parent, new Map()).get(parent)!;
    const rows = byKey.get(row.key);
    if (rows) rows.push(part);
    else byKey.set(row.key, [part]);
  }

  /** Past the bound: the table is made and what was held goes into it. */
  private async stageHeld(): Promise<void> {
    // json, not jsonb: the cells are only stored and read back whole, so PostgreSQL need not take them apart.
    await this.sql(`create temporary table import_part (sheet text not null, row integer not null, key text, cells json not null) on commit drop`);
    this.staged = true;
    const text = (part: HeldPart) => part.buffer.toString('utf8', part.start, part.end);
    for (const part of this.keyless) await this.stage({ sheet: part.sheet, row: part.row, key: null, cells: text(part) });
    for (const byKey of this.held.values()) {
      for (const [key, parts] of byKey) for (const part of parts) await this.stage({ sheet: part.sheet, row: part.row, key, cells: text(part) });
    }
    this.held.clear();
    this.keyless.length = 0;
    this.buffer = Buffer.alloc(0);
  }

  private async stage(part: StagedPart): Promise<void> {
    this.batch.push(part);
    if (this.batch.length < STAGE_BATCH) return;
    const rows = this.batch;
    this.batch = [];
    const failure = await this.inserting;
    if (failure) throw failure;
    this.inserting = this.insert(rows).then(
      () => null,
      (error: unknown) => error,
    );
  }

  private async insert(rows: StagedPart[]): Promise<void> {
    // The cells are JSON already: the batch's JSON is put together around them.
    const json = rows.map((r) => `{"sheet":${JSON.stringify(r.sheet)},"row":${r.row},"key":${JSON.stringify(r.key)},"cells":${r.cells}}`).join(',');
    await this.sql(
      `insert into import_part (sheet, row, key, cells)
       select sheet, row, key, cells from json_to_recordset($1::json) as r(sheet text, row integer, key text, cells json)`,
      [`[${json}]`],
    );
  }

  /** Every part read: the staged ones' last batch inserted and indexed. */
  async ready(): Promise<void> {
    if (!this.staged) return;
    if (this.batch.length > 0) await this.insert(this.batch.splice(0));
    const failure = await this.inserting;
    if (failure) throw failure;
    await this.sql('create index on import_part (key)');
    await this.sql('analyze import_part');
  }

  /** The parts of a page of records, by the identifier they name, each in sheet and row order; taken, so never given twice. */
  async take(partSheets: Sheet[], page: SheetRow[]): Promise<Map<string, SheetRow[]>> {
    const byKey = new Map<string, SheetRow[]>();
    if (partSheets.length === 0) return byKey;
    const keys = page.flatMap((r) => (r.key === null ? [] : [r.key]));
    let taken: SheetRow[] = [];
    if (this.staged) {
      taken = await this.sql<SheetRow>(`delete from import_part where sheet = any($1::text[]) and key = any($2::text[]) returning sheet, row, key, cells`, [
        partSheets.map((s) => s.name),
        keys,
      ]);
    } else {
      const held = this.held.get(partSheets[0].parent!.sheet);
      for (const key of keys) {
        for (const part of held?.get(key) ?? []) {
          taken.push({ sheet: part.sheet, row: part.row, key, cells: JSON.parse(part.buffer.toString('utf8', part.start, part.end)) as Cell[] });
        }
        held?.delete(key);
      }
    }
    taken.sort((a, b) => (a.sheet < b.sheet ? -1 : a.sheet > b.sheet ? 1 : a.row - b.row));
    for (const part of taken) {
      const rows = byKey.get(part.key!);
      if (rows) rows.push(part);
      else byKey.set(part.key!, [part]);
    }
    return byKey;
  }

  /** Parts no record took, each reported where it is, sheet by sheet in row order. */
  async orphans(file: string): Promise<SourceRecord[]> {
    const orphans: SourceRecord[] = [];
    for (const sheet of SHEETS.filter((s) => s.parent)) {
      const { column, sheet: parentSheet } = sheet.parent!;
      const rows = this.staged
        ? await this.sql<{ row: number; key: string | null }>(`select row, key from import_part where sheet = $1 order by row`, [sheet.name])
        : [
            ...this.keyless.map((part) => ({ ...part, key: null })),
            ...[...(this.held.get(parentSheet) ?? [])].flatMap(([key, parts]) => parts.map((part) => ({ ...part, key }))),
          ]
            .filter((part) => part.sheet === sheet.name)
            .sort((a, b) => a.row - b.row);
      for (const { row, key } of rows) {
        const message = key == null ? 'is required' : `no record "${key}" on the ${parentSheet} sheet`;
        orphans.push({ kind: 'Dataset', data: {}, location: { file, sheet: sheet.name, row }, readProblems: [{ field: column, message }] });
      }
    }
    return orphans;
  }
}

/** A sheet row and its parts as the JSON record they stand for, with where each of its fields came from. */
function assemble(file: string, sheet: Sheet, row: SheetRow, parts: SheetRow[], partSheets: Sheet[], positions: Positions): SourceRecord {
  const location: SourceLocation = { file, sheet: sheet.name, row: row.row };
  const problems: LocatedProblem[] = [];
  const data = fromCells(sheet, row, location, problems, positions);
  if (sheet.recordType) data.recordType = sheet.recordType;
  const partRows = new Map<Sheet, SheetRow[]>();
  for (const part of parts) {
    const partSheet = SHEETS_BY_NAME.get(part.sheet)!;
    const partLocation: SourceLocation = { file, sheet: part.sheet, row: part.row };
    const value = fromCells(partSheet, part, partLocation, problems, positions);
    const seen = partRows.get(partSheet) ?? [];
    partRows.set(partSheet, [...seen, part]);
    if (partSheet.parent!.many) {
      const list = (getPath(data, partSheet.parent!.path) ?? []) as Json[];
      setPath(data, partSheet.parent!.path, [...list, value]);
    } else if (seen.length > 0) {
      problems.push({ ...partLocation, field: partSheet.parent!.column, message: `a second ${partSheet.name} row for "${row.key}" (the first is row ${seen[0].row})` });
    } else {
      // A part sheet may fill a part other sheets add to (accessRoutes and accessRouteSteps).
      const current = getPath(data, partSheet.parent!.path);
      setPath(data, partSheet.parent!.path, { ...(current as Json), ...value });
    }
  }
  // Read as a JSON record is, for what a cell alone cannot tell: a part without a value it requires (a
  // distribution's title, an ontology term's IRI); placed by `locate`.
  problems.push(...readRecordKeys(sheet.kind ?? 'catalogue', data).problems);
  return {
    kind: sheet.kind!,
    data,
    location,
    readProblems: problems.length > 0 ? problems : undefined,
    locate: (field) => locate(field, sheet, location, partSheets, partRows, file),
  };
}

/** Per sheet, the position of each of its columns in the file's header. */
type Positions = Map<string, Map<string, number>>;

function cellAt(row: SheetRow, positions: Positions, column: string): Cell | undefined {
  const at = positions.get(row.sheet)?.get(column);
  return at === undefined ? undefined : row.cells[at];
}

function fromCells(sheet: Sheet, row: SheetRow, location: SourceLocation, problems: LocatedProblem[], positions: Positions): Json {
  const data: Json = {};
  for (const column of sheet.columns) {
    // A part's column naming its record is no field of the part (left out, not deleted: a deletion makes the
    // object a slow dictionary for every later reader).
    if (column.name === sheet.parent?.column) continue;
    const { value, problem } = readCell(column, cellAt(row, positions, column.name));
    if (problem) problems.push({ ...location, field: column.name, message: problem });
    else if (value !== undefined) setPath(data, columnPath(column), value);
  }
  return data;
}

/**
 * Where a problem the record rules found (named by their input field, e.g. `input.accessRoute.steps[1].body`)
 * sits in the spreadsheet: the sheet and row of the part it concerns and the column it came from.
 */
function locate(
  field: string,
  sheet: Sheet,
  location: SourceLocation,
  partSheets: Sheet[],
  partRows: Map<Sheet, SheetRow[]>,
  file: string,
): { location: SourceLocation; field: string | null } {
  const name = field.replace(/^input\./, '');
  const bySpecificity = [...partSheets].sort((a, b) => b.parent!.input.length - a.parent!.input.length);
  for (const part of bySpecificity) {
    // The rules name a part by their input (consent), the text limits by the file's shape (consentScope).
    const prefix = [part.parent!.input, part.parent!.path].find((p) => name === p || name.startsWith(`${p}.`) || name.startsWith(`${p}[`));
    if (!prefix) continue;
    let rest = name.slice(prefix.length);
    const rows = partRows.get(part) ?? [];
    let row = rows[0];
    const index = /^\[(\d+)\]/.exec(rest);
    if (index) {
      row = rows[Number(index[1])] ?? row;
      rest = rest.slice(index[0].length);
    }
    // No row of the part's sheet (steps without their access route): the record's row, naming the field in full.
    if (!row) return { location, field: name };
    return { location: { file, sheet: part.name, row: row.row }, field: columnFor(part, rest.replace(/^\./, '')) ?? part.parent!.wholeColumn ?? part.parent!.column };
  }
  return { location, field: name === 'identifier' ? 'id' : (columnFor(sheet, name) ?? name) };
}

function columnFor(sheet: Sheet, field: string): string | null {
  if (!field) return null;
  const plain = field.replace(/\[\d+\]/g, '');
  const matches = (key: string) => plain === key || plain.startsWith(`${key}.`);
  const column = sheet.columns.find((c) => (c.input && matches(c.input)) || matches(columnPath(c)) || matches(c.name));
  return column?.name ?? null;
}
