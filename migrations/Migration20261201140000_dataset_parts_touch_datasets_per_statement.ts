import { Migration } from '@mikro-orm/migrations';
import { affectedDatasets } from './Migration20261130080000_dataset_metadata_modified.js';

/**
 * A dataset's parts and link rows (consent scope, access route, steps, distributions, evaluation links) move
 * its metadata_modified to now() when they change (Migration20261130080000). Row by row, that was one UPDATE
 * run by a trigger per part: an import writing 500 datasets in one statement ran some 3,000 of them. Once per
 * statement, over the rows the statement changed, it is one UPDATE per table, with the same result.
 */
const parts: Record<string, string> = {
  evaluation_dataset: `select c.dataset_id from changed c`,
  consent_scope: `select c.dataset_id from changed c`,
  access_route: `select c.dataset_id from changed c`,
  access_route_step: `select ar.dataset_id from access_route ar join changed c on ar.id = c.route_id`,
  distribution: `select c.dataset_id from changed c`,
};

export class Migration20261201140000_dataset_parts_touch_datasets_per_statement extends Migration {
  override name = 'Migration20261201140000_dataset_parts_touch_datasets_per_statement';

  override up(): void {
    for (const [table, datasets] of Object.entries(parts)) {
      this.addSql(`drop trigger "${table}_touches_datasets" on "${table}";`);
      this.addSql(`drop function "${table}_touches_datasets"();`);
      this.addSql(`create function "${table}_touches_datasets"() returns trigger language plpgsql as $$
        begin
          update dataset set metadata_modified = now()
            where id in (${datasets}) and metadata_modified < now();
          return null;
        end $$;`);
      // A transition table is named per trigger, so each event has its own trigger over "changed".
      for (const [event, rows] of [['insert', 'new'], ['update', 'new'], ['delete', 'old']]) {
        this.addSql(`create trigger "${table}_${event}_touches_datasets" after ${event} on "${table}"
          referencing ${rows} table as changed for each statement execute function "${table}_touches_datasets"();`);
      }
    }
  }

  override down(): void {
    // The row-level originals of Migration20261130080000.
    for (const table of Object.keys(parts)) {
      const datasets = affectedDatasets[table];
      for (const event of ['insert', 'update', 'delete']) this.addSql(`drop trigger "${table}_${event}_touches_datasets" on "${table}";`);
      this.addSql(`drop function "${table}_touches_datasets"();`);
      this.addSql(`create function "${table}_touches_datasets"() returns trigger language plpgsql as $$
        declare r record;
        begin
          if tg_op = 'DELETE' then r := old; else r := new; end if;
          update dataset set metadata_modified = greatest(metadata_modified, now())
            where id in (${datasets}) and metadata_modified < now();
          return null;
        end $$;`);
      this.addSql(`create trigger "${table}_touches_datasets" after insert or update or delete on "${table}"
        for each row execute function "${table}_touches_datasets"();`);
    }
  }
}
