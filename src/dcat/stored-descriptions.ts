import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { repoRoot } from '../core/repo-root.js';
import { RecordStatus } from '../records/record.js';
import type { DatasetRange } from './catalogue-source.js';

/*
 * Each published dataset's description as the last export wrote it (table stored_dataset_description, see
 * Migration20261214100000): describing is most of an export's CPU, and between two exports of a national catalogue
 * few datasets change, so an export describes only the datasets whose row changed since, and copies the rest.
 *
 * A stored text stands for the dataset's row version it was described from (ROW_VERSION). Every change to what a
 * description says updates the dataset's row: its own fields, and through the triggers that keep metadata_modified
 * its parts (consent scope, access route, distributions) and the records it names (organisations, access bodies,
 * study, publications, evaluations, the catalogue and its publisher); those triggers are what incremental
 * harvests (modifiedSince) already rely on. What the text depends on besides the database (the base URL, the
 * small-count threshold, the format, and the code and vocabularies that describe) is its `settings`: any of
 * them changed, every text is described anew.
 */

/**
 * A dataset row's version: its xmin, which every update changes, with its metadata_modified, so that a table restored
 * into another cluster (whose transaction ids start again) cannot pass an old text for the current one.
 */
const ROW_VERSION = `d.xmin::text || '@' || coalesce(d.metadata_modified::text, '')`;

/** A published dataset of a batch, with its stored description when that is still its description. */
export interface StoredDescription {
  id: string;
  identifier: string;
  /** The row version the description is (or is to be) stored for. */
  version: string;
  /** Its own nodes' text, null when it is to be described. */
  text: string | null;
  /** The subjects of the nodes it shares with other datasets. */
  shared: string[] | null;
}

/** A published dataset to describe anew, at its current row version. */
export interface StaleDescription {
  id: string;
  version: string;
}

/** A dataset described anew: its own nodes' text, and the shared nodes' text by subject. */
export interface DescribedDataset {
  id: string;
  version: string;
  text: string;
  shared: Map<string, string>;
}

export class StoredDescriptions {
  constructor(
    private readonly pool: pg.Pool,
    private readonly format: string,
    private readonly settings: string,
  ) {}

  /** The published datasets of `range` in id order, each with its stored description if that is current. */
  async read(range: DatasetRange): Promise<StoredDescription[]> {
    const bounds = [range.after, range.upTo].filter((id) => id !== null);
    // The shared subjects as one text: PostgreSQL's array syntax parsed in JavaScript was most of a batch's CPU.
    const { rows } = await this.pool.query<Omit<StoredDescription, 'shared'> & { shared: string | null }>(
      `select d.id, d.identifier, ${ROW_VERSION} as version, s.text, array_to_string(s.shared, E'\\n') as shared
         from dataset d left join stored_dataset_description s
           on s.dataset_id = d.id and s.format = $1 and s.settings = $2 and s.dataset_version = ${ROW_VERSION}
        where d.status = $3 ${range.after === null ? '' : 'and d.id > $4'} ${range.upTo === null ? '' : `and d.id <= $${bounds.length + 3}`}
        order by d.id`,
      [this.format, this.settings, RecordStatus.PUBLISHED, ...bounds],
    );
    return rows.map((row) => ({ ...row, shared: row.shared === null ? null : row.shared === '' ? [] : row.shared.split('\n') }));
  }

  /**
   * Up to `limit` published datasets after the id `after` (null: from the first), in id order, whose description
   * is not stored for their current row version and these settings; of those changed here since `changedSince`
   * only, if given (as incremental harvests find them: their metadata_modified or harvested_at, both indexed), so
   * that finding the few datasets a write changed does not pass over every stored description. (A dataset whose
   * shared nodes an export with other settings replaced is not found here; the export describes it.)
   */
  async stale(limit: number, after: string | null, changedSince: Date | null): Promise<StaleDescription[]> {
    const values: unknown[] = [this.format, this.settings, RecordStatus.PUBLISHED, limit];
    const parameter = (value: unknown): string => `$${values.push(value)}`;
    const since = changedSince === null ? null : parameter(changedSince);
    const { rows } = await this.pool.query<StaleDescription>(
      `select d.id, ${ROW_VERSION} as version from dataset d
        where d.status = $3 ${after === null ? '' : `and d.id > ${parameter(after)}`}
          ${since === null ? '' : `and (d.metadata_modified >= ${since} or d.harvested_at >= ${since})`}
          and not exists (select 1 from stored_dataset_description s
            where s.dataset_id = d.id and s.format = $1 and s.settings = $2 and s.dataset_version = ${ROW_VERSION})
        order by d.id limit $4`,
      values,
    );
    return rows;
  }

  /** The stored text of each of these shared nodes that has one for these settings, by subject. */
  async sharedNodes(subjects: readonly string[]): Promise<Map<string, string>> {
    if (subjects.length === 0) return new Map();
    const { rows } = await this.pool.query<{ subject: string; text: string }>(
      'select subject, text from stored_node_description where format = $1 and settings = $2 and subject = any($3::text[])',
      [this.format, this.settings, subjects],
    );
    return new Map(rows.map((row) => [row.subject, row.text]));
  }

  /**
   * Keeps the descriptions of `described` for the next export, in one transaction. A text described from a newer
   * row than its `version` is only described again next time; of two exports storing at once, either's is kept.
   */
  async store(described: readonly DescribedDataset[]): Promise<void> {
    if (described.length === 0) return;
    const nodes = new Map<string, string>();
    for (const dataset of described) for (const [subject, text] of dataset.shared) nodes.set(subject, text);
    const subjects = [...nodes.keys()];
    // One statement: a dataset is never stored without the shared nodes it names. The nodes are written in one
    // order for every writer, so two export threads storing the same ones wait for each other instead of deadlocking.
    await this.pool.query(
      `with nodes as (
         insert into stored_node_description (subject, format, settings, text)
           select subject, $1, $2, text from unnest($3::text[], $4::text[]) as given (subject, text) order by subject collate "C"
         on conflict (subject, format) do update set settings = excluded.settings, text = excluded.text
           where (stored_node_description.settings, stored_node_description.text) is distinct from (excluded.settings, excluded.text))
       insert into stored_dataset_description (dataset_id, format, settings, dataset_version, text, shared)
         select given.id, $1, $2, given.version, given.text, string_to_array(given.shared, E'\\n')
           from unnest($5::uuid[], $6::text[], $7::text[], $8::text[]) as given (id, version, text, shared)
          where exists (select 1 from dataset d where d.id = given.id)
       on conflict (dataset_id, format) do update
         set settings = excluded.settings, dataset_version = excluded.dataset_version, text = excluded.text, shared = excluded.shared`,
      [
        this.format,
        this.settings,
        subjects,
        subjects.map((subject) => nodes.get(subject)!),
        described.map((dataset) => dataset.id),
        described.map((dataset) => dataset.version),
        described.map((dataset) => dataset.text),
        // Subjects are IRIs, which hold no line breaks.
        described.map((dataset) => [...dataset.shared.keys()].join('\n')),
      ],
    );
  }
}

/**
 * What a stored description depends on besides the database: the export's settings and the code and data it is
 * described with (every source file and shipped vocabulary, read once by each export thread: an upgrade changing any
 * of them describes every dataset anew, which is only slower once).
 */
export function descriptionSettings(options: { baseUrl: string; smallCountThreshold: number; format: string }): string {
  describingCode ??= digestOf([path.dirname(path.dirname(fileURLToPath(import.meta.url))), path.join(repoRoot(), 'data')]);
  return createHash('sha256')
    .update(JSON.stringify({ baseUrl: options.baseUrl, smallCountThreshold: options.smallCountThreshold, format: options.format, code: describingCode }))
    .digest('base64url');
}

let describingCode: string | undefined;

function digestOf(folders: string[]): string {
  const hash = createHash('sha256');
  for (const folder of folders) {
    const files = readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.endsWith('.map'))
      .map((entry) => path.join(entry.parentPath, entry.name))
      .sort();
    for (const file of files) hash.update(path.relative(folder, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('base64url');
}
