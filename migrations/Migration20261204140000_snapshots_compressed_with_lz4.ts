import { Migration } from '@mikro-orm/migrations';

/** The JSON every record write stores, and the columns compressed with it. */
const COLUMNS: Record<string, string[]> = {
  audit_entry: ['before', 'after'],
  dataset: ['cohort', 'translations', 'source_description'],
};

/**
 * Values over about 2 kB are compressed before they are stored: a dataset's audit snapshot always is, and its
 * cohort often. PostgreSQL's own method (pglz) took most of the time of inserting an audit entry (`EXPLAIN
 * ANALYZE` of one import batch of 500 datasets: 100-140 ms for the audit entries, 40-55 ms with lz4), and a
 * bulk import writes one per record. lz4 compresses and decompresses several times faster for a slightly
 * larger result; values stored before keep their method. A server built without lz4 keeps pglz.
 */
export class Migration20261204140000_snapshots_compressed_with_lz4 extends Migration {
  override name = 'Migration20261204140000_snapshots_compressed_with_lz4';

  override up(): void {
    this.addSql(`do $$ begin
      ${this.alter('lz4')}
    exception when feature_not_supported then null;
    end $$;`);
  }

  override down(): void {
    this.addSql(this.alter('default'));
  }

  private alter(method: string): string {
    return Object.entries(COLUMNS)
      .map(([table, columns]) => `alter table "${table}" ${columns.map((c) => `alter column "${c}" set compression ${method}`).join(', ')};`)
      .join('\n      ');
  }
}
