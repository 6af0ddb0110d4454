import { Migration } from '@mikro-orm/migrations';

/** Per-record warnings of a harvest run: conformance gaps of harvested datasets, and what was filled in. */
export class Migration20261201150100_harvest_run_warnings extends Migration {
  override name = 'Migration20261201150100_harvest_run_warnings';

  override up(): void {
    this.addSql(`alter table "harvest_run" add column "warnings" jsonb not null default '[]';`);
  }

  override down(): void {
    this.addSql(`alter table "harvest_run" drop column "warnings";`);
  }
}
