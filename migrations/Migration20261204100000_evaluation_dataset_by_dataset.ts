import { Migration } from '@mikro-orm/migrations';

/**
 * The evaluations of a dataset are read by dataset (a result page's statement, src/db/loaders.ts, once per
 * dataset shown): the link table's primary key leads with the evaluation, so without an index of its own each
 * dataset's lookup was a sequential scan of every link (50 of them per page, 175 ms at 10k datasets) unless
 * the planner had statistics to skip through the key instead.
 */
export class Migration20261204100000_evaluation_dataset_by_dataset extends Migration {
  override name = 'Migration20261204100000_evaluation_dataset_by_dataset';

  override up(): void {
    this.addSql(`create index "evaluation_dataset_dataset_id_index" on "evaluation_dataset" ("dataset_id", "health_economic_evaluation_id");`);
  }

  override down(): void {
    this.addSql(`drop index "evaluation_dataset_dataset_id_index";`);
  }
}
