import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { MIGRATIONS } from '../../migrations/index.js';
import type { Orm } from './orm.js';

/*
 * `gdcat backup` and `gdcat restore`: every record, its history (the audit log) and the harvest state, as one
 * gzip-compressed file taken in one consistent snapshot while the catalogue keeps running. It is made with
 * PostgreSQL's COPY over an ordinary connection, so it needs no pg_dump (the embedded PostgreSQL ships none)
 * and restores into any PostgreSQL server version gdcat runs on, embedded or managed.
 *
 * The file: a line naming the format, a JSON line (when, the schema's migrations, the tables), then for each
 * table a JSON line naming it and its columns, its rows in COPY's text format (one per line; COPY escapes
 * line breaks and backslashes inside values, so a line holding only `\.` ends the rows), and a JSON line
 * with the number of rows; a last JSON line marks the end, so a cut-off file is refused.
 */

const FORMAT_LINE = 'gdcat-backup 1';
const END_OF_ROWS = '\\.';
/** Characters of rows sent to COPY at once. */
const COPY_CHUNK = 256 * 1024;

/**
 * Tables of entities a backup leaves out: the search index's bookkeeping, which describes an index of the
 * server backed up, not of the one restored to (a restore queues every dataset for indexing instead).
 */
const NOT_BACKED_UP = ['outbox_event'];

/**
 * The tables a backup holds: those of the catalogue's entities (records, their parts and links, the audit
 * log, harvest sources and runs). Not the PostgreSQL search engine's projection, which it builds itself, nor
 * the migrations' record (the header lists the migrations).
 */
export function catalogueTables(orm: Orm): string[] {
  const tables = [...orm.getMetadata().getAll().values()].filter((meta) => !meta.virtual && !meta.embeddable && !meta.abstract).map((meta) => meta.tableName);
  return [...new Set(tables)].filter((table) => !NOT_BACKED_UP.includes(table));
}

export interface BackupHeader {
  createdAt: string;
  /** The migrations the schema had, in order: a restore recreates that schema before the rows go in. */
  migrations: string[];
  tables: { name: string; columns: string[] }[];
}

interface TableEnd {
  table: string;
  rows: number;
}

/** A backup that cannot be restored, and why, in words. */
export class BackupRefused extends Error {}

/**
 * Writes a backup of the catalogue to `out`, ended when done unless `end` is false (standard output). One
 * read-only, repeatable-read transaction: writes during the backup are either wholly in it or not at all.
 * Tables are written parents first (by their foreign keys), the order a restore inserts them in.
 */
export async function backUp(
  client: pg.ClientBase,
  tableNames: string[],
  out: Writable,
  { end = true, onTable }: { end?: boolean; onTable?: (table: string, rows: number) => void } = {},
): Promise<{ rows: number }> {
  await client.query('begin isolation level repeatable read read only');
  try {
    const migrations = (await client.query<{ name: string }>('select name from mikro_orm_migrations order by id')).rows.map((row) => row.name);
    const tables = await inInsertOrder(client, tableNames);
    let total = 0;
    async function* text(): AsyncGenerator<string | Buffer> {
      const header: BackupHeader = { createdAt: new Date().toISOString(), migrations, tables };
      yield `${FORMAT_LINE}\n${JSON.stringify(header)}\n`;
      for (const { name, columns } of tables) {
        yield `${JSON.stringify({ table: name, columns })}\n`;
        const rows = client.query(copyTo(`copy ${quoted(name)} (${columns.map(quoted).join(', ')}) to stdout`));
        yield* rows as AsyncIterable<Buffer>;
        yield `${END_OF_ROWS}\n${JSON.stringify({ table: name, rows: rows.rowCount } satisfies TableEnd)}\n`;
        total += rows.rowCount;
        onTable?.(name, rows.rowCount);
      }
      yield `${JSON.stringify({ end: true, rows: total })}\n`;
    }
    // Backpressure throughout: a backup of any size runs in constant memory.
    await pipeline(text, createGzip(), out, { end });
    await client.query('commit');
    return { rows: total };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

/** Reads a backup: its header first, then its tables' rows, one table at a time. */
export class BackupReader {
  private readonly lines: AsyncIterator<string>;

  private constructor(input: Readable) {
    const gunzip = createGunzip();
    // A file that is not gzip, or is cut off, fails the gunzip; reading the lines fails with it.
    input.on('error', (error) => gunzip.destroy(error));
    this.lines = linesOf(input.pipe(gunzip));
  }

  /** Opens a backup and reads its header; refuses anything else. */
  static async open(input: Readable): Promise<{ reader: BackupReader; header: BackupHeader }> {
    const reader = new BackupReader(input);
    let first: string | undefined;
    try {
      first = await reader.line();
    } catch (error) {
      throw new BackupRefused(`not a gdcat backup (${(error as Error).message})`);
    }
    if (first !== FORMAT_LINE) {
      throw new BackupRefused(first?.startsWith('gdcat-backup ') ? `a backup of format "${first}", which this gdcat cannot read` : 'not a gdcat backup');
    }
    const header = reader.json<BackupHeader>(await reader.line());
    if (!Array.isArray(header.migrations) || !Array.isArray(header.tables)) throw new BackupRefused('the backup header is damaged');
    return { reader, header };
  }

  /**
   * Copies each table's rows into the database through `client`, in the backup's order, and checks each
   * table's count against the backup's; the file must end as a whole backup ends.
   */
  async copyInto(client: pg.ClientBase, header: BackupHeader, onTable?: (table: string, rows: number) => void): Promise<number> {
    let total = 0;
    for (const expected of header.tables) {
      const { table, columns } = this.json<{ table: string; columns: string[] }>(await this.line());
      if (table !== expected.name) throw new BackupRefused(`the backup is damaged: table ${table} where ${expected.name} was listed`);
      const copy = client.query(copyFrom(`copy ${quoted(table)} (${columns.map(quoted).join(', ')}) from stdin`));
      const copied = finished(copy);
      copied.catch(() => undefined);
      try {
        // Rows go to PostgreSQL some hundred kilobytes at a time, not a write per row.
        let rows: string[] = [];
        let size = 0;
        const send = async (): Promise<void> => {
          const chunk = rows.join('\n') + '\n';
          rows = [];
          size = 0;
          if (!copy.write(chunk)) await Promise.race([once(copy, 'drain'), copied]);
        };
        for (let line = await this.line(); line !== END_OF_ROWS; line = await this.line()) {
          rows.push(line);
          size += line.length;
          if (size >= COPY_CHUNK) await send();
        }
        if (rows.length > 0) await send();
      } catch (error) {
        // Ends the COPY with a failure, so the connection takes the rollback.
        copy.destroy(error as Error);
        throw error;
      }
      copy.end();
      await copied;
      const end = this.json<TableEnd>(await this.line());
      if (end.table !== table || end.rows !== copy.rowCount) {
        throw new BackupRefused(`the backup is damaged: ${copy.rowCount} rows of ${table} read where it says ${end.rows}`);
      }
      total += copy.rowCount;
      onTable?.(table, copy.rowCount);
    }
    const end = this.json<{ end?: boolean; rows?: number }>(await this.line());
    if (end.end !== true || end.rows !== total) throw new BackupRefused('the backup is damaged: it does not end as a backup ends');
    return total;
  }

  private async line(): Promise<string> {
    const next = await this.lines.next();
    if (next.done) throw new BackupRefused('the backup ends early (cut off while written or copied?)');
    return next.value;
  }

  private json<T>(line: string): T {
    try {
      return JSON.parse(line) as T;
    } catch {
      throw new BackupRefused('the backup is damaged: a line that should describe a table does not');
    }
  }
}

/**
 * Restores a backup into the database `orm` is connected to (without migrations applied: connectOrm), which
 * must hold no catalogue rows: its schema is brought to the backup's (the backup's migrations), the rows go in
 * (restoreRows), and the migrations made since the backup was taken run over them, as on any upgrade.
 */
export async function restoreBackup(orm: Orm, input: Readable, onTable?: (table: string, rows: number) => void): Promise<{ rows: number; datasets: number }> {
  const { reader, header } = await BackupReader.open(input);
  const known = MIGRATIONS.map((migration) => migration.name);
  const unknown = header.migrations.find((name, index) => known[index] !== name);
  if (unknown) throw new BackupRefused(`the backup was made by a newer gdcat (its schema has migration ${unknown}, unknown here); restore it with that version or a later one`);
  const applied = (await orm.migrator.getExecuted()).map((migration) => migration.name);
  if (applied.some((name, index) => header.migrations[index] !== name)) {
    throw new BackupRefused('this database already has a newer schema than the backup; restore into a new, empty database');
  }
  const pool = (await orm.em.getConnection().getNativeClient()) as pg.Pool;
  const client = await pool.connect();
  try {
    // Checked before the schema changes as well as in the restore's transaction: a database holding a
    // catalogue is left as it was.
    const present = await client.query<{ name: string }>(
      'select name from unnest($1::text[]) as name where to_regclass(quote_ident(name)) is not null',
      [header.tables.map((table) => table.name)],
    );
    const nonEmpty = await tablesWithRows(client, present.rows.map((row) => row.name));
    if (nonEmpty.length > 0) throw new BackupRefused(`a backup is restored into an empty catalogue; this one holds rows in ${nonEmpty.join(', ')}`);
    const last = header.migrations.at(-1);
    if (last && applied.length < header.migrations.length) await orm.migrator.up({ to: last });
    const rows = await restoreRows(client, reader, header, onTable);
    await orm.migrator.up();
    const { rows: [counted] } = await client.query<{ count: string }>('select count(*) from dataset');
    return { rows, datasets: Number(counted!.count) };
  } finally {
    client.release();
  }
}

/**
 * Restores the rows of a backup into a database whose schema is the backup's (restoreBackup sees to that), in one
 * transaction: a damaged or cut-off backup, or rows the schema refuses, leave no row behind. The tables'
 * own triggers are off while their rows go in (a dataset's part inserted would otherwise move its dataset's
 * modified time to now); sequences continue after the restored ids; every dataset is queued for indexing.
 */
async function restoreRows(client: pg.ClientBase, reader: BackupReader, header: BackupHeader, onTable?: (table: string, rows: number) => void): Promise<number> {
  await client.query('begin');
  try {
    const nonEmpty = await tablesWithRows(client, header.tables.map((table) => table.name));
    if (nonEmpty.length > 0) {
      throw new BackupRefused(`a backup is restored into an empty catalogue; this one holds rows in ${nonEmpty.join(', ')}`);
    }
    for (const { name } of header.tables) await client.query(`alter table ${quoted(name)} disable trigger user`);
    const rows = await reader.copyInto(client, header, onTable);
    // Deferred foreign keys are checked now: a table's triggers cannot change while its checks are pending.
    await client.query('set constraints all immediate');
    for (const { name } of header.tables) {
      await client.query(`alter table ${quoted(name)} enable trigger user`);
      await continueSequences(client, name);
    }
    await client.query(
      `insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts)
       select 'Dataset', id, now(), now(), 0 from dataset`,
    );
    await client.query('commit');
    return rows;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

/** `tables` with the columns a row is written with, parents first (by their foreign keys). */
async function inInsertOrder(client: pg.ClientBase, tables: string[]): Promise<BackupHeader['tables']> {
  const { rows } = await client.query<{ name: string; columns: string[]; parents: string[] }>(
    `select c.relname as name,
            array(select a.attname from pg_attribute a
                   where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
                   order by a.attnum)::text[] as columns,
            array(select distinct p.relname from pg_constraint f join pg_class p on p.oid = f.confrelid
                   where f.conrelid = c.oid and f.contype = 'f' and f.confrelid <> c.oid)::text[] as parents
       from pg_class c
      where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p') and c.relname = any($1::text[])
      order by c.relname`,
    [tables],
  );
  // A table's own rows may name each other (an organisation's parent): one COPY checks them at its end.
  const ordered: BackupHeader['tables'] = [];
  const placed = new Set<string>();
  const remaining = [...rows];
  while (remaining.length > 0) {
    const ready = remaining.filter((table) => table.parents.every((parent) => placed.has(parent) || !tables.includes(parent)));
    if (ready.length === 0) throw new Error(`the tables ${remaining.map((table) => table.name).join(', ')} name each other; a backup cannot order them`);
    for (const table of ready) {
      ordered.push({ name: table.name, columns: table.columns });
      placed.add(table.name);
      remaining.splice(remaining.indexOf(table), 1);
    }
  }
  return ordered;
}

async function tablesWithRows(client: pg.ClientBase, tables: string[]): Promise<string[]> {
  const withRows: string[] = [];
  for (const table of tables) {
    const { rows } = await client.query(`select exists (select 1 from ${quoted(table)}) as found`);
    if (rows[0].found) withRows.push(table);
  }
  return withRows;
}

/** Moves the sequences of `table`'s serial columns past the ids restored. */
async function continueSequences(client: pg.ClientBase, table: string): Promise<void> {
  const { rows } = await client.query<{ column: string; sequence: string }>(
    `select a.attname as column, pg_get_serial_sequence(quote_ident($1), a.attname) as sequence
       from pg_attribute a where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped`,
    [table],
  );
  for (const { column, sequence } of rows) {
    if (!sequence) continue;
    await client.query(`select setval($1, coalesce((select max(${quoted(column)}) from ${quoted(table)}), 0) + 1, false)`, [sequence]);
  }
}

/** The lines of UTF-8 text read from `stream`, without their line feeds. */
async function* linesOf(stream: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop()!;
    yield* lines;
  }
  rest += decoder.end();
  if (rest) yield rest;
}

const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;
