import { Migration } from '@mikro-orm/migrations';

const RECORD_TABLES = ['organisation', 'data_access_body', 'publication', 'study', 'dataset', 'health_economic_evaluation'];

/** Imports and harvests remember what they last wrote, so an unchanged source record is left alone. */
export class Migration20261130074500_source_fingerprint extends Migration {
  override name = 'Migration20261130074500_source_fingerprint';

  override up(): void {
    for (const table of RECORD_TABLES) this.addSql(`alter table "${table}" add column "source_fingerprint" text null;`);
  }

  override down(): void {
    for (const table of RECORD_TABLES) this.addSql(`alter table "${table}" drop column "source_fingerprint";`);
  }
}
