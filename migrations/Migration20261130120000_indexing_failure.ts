import { Migration } from '@mikro-orm/migrations';

/**
 * Datasets the search engine refused to index, set aside with the engine's reason instead of being retried
 * forever and holding up the documents queued after them. A row goes when the dataset is indexed (after it
 * is saved again, or a reindex) or deleted.
 */
export class Migration20261130120000_indexing_failure extends Migration {
  override name = 'Migration20261130120000_indexing_failure';

  override up(): void {
    this.addSql(`create table "indexing_failure" (
      "dataset_id" uuid primary key references "dataset" ("id") on delete cascade,
      "engine" text not null,
      "error" text not null,
      "first_failed_at" timestamptz not null default now(),
      "failed_at" timestamptz not null default now(),
      "attempts" int not null default 1);`);
  }

  override down(): void {
    this.addSql(`drop table "indexing_failure";`);
  }
}
