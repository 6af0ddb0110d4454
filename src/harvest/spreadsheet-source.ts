import type { EntityManager } from '@mikro-orm/postgresql';
import { executeBound } from '../records/record-inserts.js';
import { parentsFirst } from './catalogue-json.js';
import type { ImportSource, LocatedProblem, SourceLocation, SourceRecord } from './import-source.js';
import type { Json } from './record-inputs.js';
import { ABOUT_SHEET, type Cell, cellText, type Column, columnPath, getPath, readCell, setPath, type Sheet, SHEETS, SHEETS_BY_NAME } from './spreadsheet-columns.js';
import type { RawRow } from './spreadsheet-files.js';

/** Rows staged per statement, and records assembled per page. */
const STAGE_BATCH = 1000;
const PAGE = 500;

/** A row as staged: its cells by position in its sheet's header (the header stays in memory, see Staging). */
interface StagedRow {
  sheet: string;
  row: number;
  key: string | null;
  cells: Cell[];
}

/** A sheet's header as read: the column at each position (null where the header names none the sheet has). */
type Header = (Column | null)[];

/**
 * An import from spreadsheet rows (XLSX sheets or CSV files; see spreadsheet-columns.ts for the sheets).
 * The rows are streamed into a temporary table of the import's transaction and read back record by record,
 * each with its parts (consent, access route and steps, distributions, results) whatever the order of the
 * sheets and rows: memory stays flat however large the file, and a dataset's parts may be anywhere.
 */
export function spreadsheetSource(file: string, rows: () => AsyncIterable<RawRow>, defaultOwner: string | null = null): ImportSource {
  const bodyApplicationUrls = new Map<string, string>();
  const studyIds = new Set<string>();
  const source: ImportSource & { context: { defaultOwner: string | null } } = {
    file,
    catalogue: null,
    total: null,
    context: { defaultOwner, bodyApplicationUrls, studyIds },
    async *records(em: EntityManager) {
      const staging = new Staging(em);
      const fileProblems = await staging.load(file, rows());
      source.total = (await staging.recordCount()) + fileProblems.length;
      yield* fileProblems;
      for await (const { data } of staging.recordsOf(file, SHEETS_BY_NAME.get('catalogue')!)) {
        source.catalogue = data;
        source.context.defaultOwner ??= data.publisher ?? null;
      }
      for (const sheet of SHEETS.filter((s) => s.kind)) {
        for await (const record of staging.recordsOf(file, sheet)) {
          if (sheet.kind === 'DataAccessBody' && record.data.applicationUrl) bodyApplicationUrls.set(record.data.id, record.data.applicationUrl);
          if (sheet.kind === 'Study' && record.data.id) studyIds.add(record.data.id);
          yield record;
        }
      }
      yield* await staging.orphanParts(file);
    },
  };
  return source;
}

class Staging {
  private readonly positions: Positions = new Map();

  constructor(private readonly em: EntityManager) {}

  private sql<T = Json>(query: string, params: unknown[] = []): Promise<T[]> {
    return executeBound<T>(this.em, query, params);
  }

  /** Streams every row into the staging table; returns the problems of the file itself (unknown sheets and columns). */
  async load(file: string, rows: AsyncIterable<RawRow>): Promise<SourceRecord[]> {
    // json, not jsonb: the cells are only stored and read back whole, so PostgreSQL need not take them apart.
    await this.sql(`create temporary table import_row (sheet text not null, row integer not null, key text, cells json not null) on commit drop`);
    const problems: SourceRecord[] = [];
    const fileProblem = (location: SourceLocation, field: string | null, message: string) =>
      problems.push({ kind: 'Dataset', data: {}, location, readProblems: [{ field: field ?? '', message }] });
    const headers = new Map<string, Header>();
    const unknownSheets = new Set<string>();
    let batch: StagedRow[] = [];
    // The batch before is inserted while the next one is read; what its insert failed with, or null.
    let inserting: Promise<unknown> = Promise.resolve(null);
    const stage = async (rows: StagedRow[]) => {
      const failure = await inserting;
      if (failure) throw failure;
      inserting = this.insert(rows).then(
        () => null,
        (error: unknown) => error,
      );
    };
    try {
      for await (const raw of rows) {
      if (raw.sheet === ABOUT_SHEET || unknownSheets.has(raw.sheet)) continue;
      const sheet = SHEETS_BY_NAME.get(raw.sheet);
      if (!sheet) {
        unknownSheets.add(raw.sheet);
        fileProblem({ file, sheet: raw.sheet, row: null }, null, `unknown sheet; the sheets are ${SHEETS.map((s) => s.name).join(', ')}`);
        continue;
      }
      const header = headers.get(sheet.name);
      if (!header) {
        const read = headerOf(file, sheet, raw, fileProblem);
        headers.set(sheet.name, read);
        this.positions.set(sheet.name, new Map(read.flatMap((column, i) => (column ? [[column.name, i] as const] : []))));
        continue;
      }
      const cells: Cell[] = [];
      let given = false;
      for (let i = 0; i < header.length; i++) {
        const value = raw.cells[i];
        const present = header[i] !== null && value != null && value !== '';
        cells.push(present ? (value instanceof Date ? cellText(value) : value) : null);
        given ||= present;
      }
      if (!given) continue;
      const key = cells[this.positions.get(sheet.name)!.get(sheet.parent?.column ?? 'id') ?? -1];
      batch.push({ sheet: sheet.name, row: raw.row, key: key == null ? null : String(key).trim(), cells });
      if (batch.length >= STAGE_BATCH) {
        await stage(batch);
        batch = [];
      }
      }
    } catch (error) {
      // A damaged workbook or malformed CSV (the parser names the line) is a problem of the file, not a crash.
      fileProblem({ file, sheet: null, row: null }, null, `cannot read the file: ${(error as Error).message}`);
    }
    if (batch.length > 0) await stage(batch);
    const failure = await inserting;
    if (failure) throw failure;
    await this.sql('create index on import_row (sheet, row)');
    await this.sql('create index on import_row (sheet, key)');
    await this.sql('analyze import_row');
    return problems;
  }

  private async insert(rows: StagedRow[]): Promise<void> {
    await this.sql(
      `insert into import_row (sheet, row, key, cells)
       select sheet, row, key, cells from json_to_recordset($1::json) as r(sheet text, row integer, key text, cells json)`,
      [JSON.stringify(rows)],
    );
  }

  async recordCount(): Promise<number> {
    const sheets = SHEETS.filter((s) => s.kind).map((s) => s.name);
    const [{ count }] = await this.sql<{ count: string }>(`select count(*) from import_row where sheet = any($1::text[])`, [sheets]);
    return Number(count);
  }

  /** The records of one sheet in row order, each with its parts from the parts sheets, a page at a time. */
  async *recordsOf(file: string, sheet: Sheet): AsyncGenerator<SourceRecord> {
    const partSheets = SHEETS.filter((s) => s.parent?.sheet === sheet.name);
    // Organisations are few: one page holds them all, so parents can be ordered before their children.
    const limit = sheet.kind === 'Organisation' ? 1_000_000 : PAGE;
    // Each page is asked for as soon as the one before has arrived: its statement then runs before the import's
    // next insert instead of waiting for it. A failure is the caller's once the page is awaited.
    const pageAfter = (after: number) => {
      const read = this.page(sheet, partSheets, after, limit);
      read.catch(() => undefined);
      return read;
    };
    let reading: Promise<StagedRow[]> | null = pageAfter(0);
    while (reading) {
      const rows: StagedRow[] = await reading;
      const page: StagedRow[] = rows.filter((r) => r.sheet === sheet.name);
      reading = page.length === limit ? pageAfter(page.at(-1)!.row) : null;
      const parts = new Map<string, StagedRow[]>();
      for (const row of rows) {
        if (row.sheet !== sheet.name) (parts.get(row.key!) ?? parts.set(row.key!, []).get(row.key!)!).push(row);
      }
      const cell = (row: StagedRow, column: string) => cellAt(row, this.positions, column);
      const ordered = sheet.kind === 'Organisation' ? parentsFirst(page.map((r) => ({ id: cell(r, 'id'), parentOrg: cell(r, 'parentOrg') }))).map(([i]) => page[i]) : page;
      for (const row of ordered) yield assemble(file, sheet, row, row.key ? (parts.get(row.key) ?? []) : [], partSheets, this.positions);
    }
  }

  /** A page of a sheet's rows in row order, then the rows of its parts sheets naming them, by sheet and row: one statement. */
  private page(sheet: Sheet, partSheets: Sheet[], after: number, limit: number): Promise<StagedRow[]> {
    const page = `select sheet, row, key, cells from import_row where sheet = $1 and row > $2 order by row limit $3`;
    if (partSheets.length === 0) return this.sql<StagedRow>(page, [sheet.name, after, limit]);
    return this.sql<StagedRow>(
      `with page as (${page})
       select sheet, row, key, cells from (
         select 0 as part, * from page
         union all
         select 1, p.sheet, p.row, p.key, p.cells from import_row p
          where p.sheet = any($4::text[]) and p.key in (select key from page where key is not null)
       ) rows order by part, sheet, row`,
      [sheet.name, after, limit, partSheets.map((s) => s.name)],
    );
  }

  /** Parts naming no record of their parent sheet, each reported where it is. */
  async orphanParts(file: string): Promise<SourceRecord[]> {
    const orphans: SourceRecord[] = [];
    for (const sheet of SHEETS.filter((s) => s.parent)) {
      const { column, sheet: parentSheet } = sheet.parent!;
      const rows = await this.sql<StagedRow>(
        `select row, key from import_row c where c.sheet = $1
            and (c.key is null or not exists (select 1 from import_row p where p.sheet = $2 and p.key = c.key)) order by row`,
        [sheet.name, parentSheet],
      );
      for (const { row, key } of rows) {
        const message = key == null ? 'is required' : `no record "${key}" on the ${parentSheet} sheet`;
        orphans.push({ kind: 'Dataset', data: {}, location: { file, sheet: sheet.name, row }, readProblems: [{ field: column, message }] });
      }
    }
    return orphans;
  }
}

function headerOf(
  file: string,
  sheet: Sheet,
  raw: RawRow,
  fileProblem: (location: SourceLocation, field: string | null, message: string) => void,
): (Column | null)[] {
  const header = raw.cells.map((cell) => {
    const name = cell == null ? '' : String(cell).trim();
    if (!name) return null;
    const column = sheet.columns.find((c) => c.name === name);
    if (!column) fileProblem({ file, sheet: sheet.name, row: raw.row }, name, `unknown column on the ${sheet.name} sheet (the template lists the columns)`);
    return column ?? null;
  });
  const keyColumn = sheet.parent?.column ?? 'id';
  if (!header.some((c) => c?.name === keyColumn)) {
    fileProblem({ file, sheet: sheet.name, row: raw.row }, keyColumn, `the ${sheet.name} sheet needs a "${keyColumn}" column`);
  }
  return header;
}

/** A sheet row and its parts as the JSON record they stand for, with where each of its fields came from. */
function assemble(file: string, sheet: Sheet, row: StagedRow, parts: StagedRow[], partSheets: Sheet[], positions: Positions): SourceRecord {
  const location: SourceLocation = { file, sheet: sheet.name, row: row.row };
  const problems: LocatedProblem[] = [];
  const data = fromCells(sheet, row, location, problems, positions);
  if (sheet.recordType) data.recordType = sheet.recordType;
  const partRows = new Map<Sheet, StagedRow[]>();
  for (const part of parts) {
    const partSheet = SHEETS_BY_NAME.get(part.sheet)!;
    const partLocation: SourceLocation = { file, sheet: part.sheet, row: part.row };
    const value = fromCells(partSheet, part, partLocation, problems, positions);
    delete value[partSheet.parent!.column];
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
  return {
    kind: sheet.kind!,
    data,
    location,
    readProblems: problems.length > 0 ? problems : undefined,
    locate: (field) => locate(field, sheet, location, partSheets, partRows, file),
  };
}

/** Per sheet, the position of each of its columns in the file's header (the last, if it names one twice). */
type Positions = Map<string, Map<string, number>>;

function cellAt(row: StagedRow, positions: Positions, column: string): Cell | undefined {
  const at = positions.get(row.sheet)?.get(column);
  return at === undefined ? undefined : row.cells[at];
}

function fromCells(sheet: Sheet, row: StagedRow, location: SourceLocation, problems: LocatedProblem[], positions: Positions): Json {
  const data: Json = {};
  for (const column of sheet.columns) {
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
  partRows: Map<Sheet, StagedRow[]>,
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
    if (!row) return { location, field: prefix };
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
