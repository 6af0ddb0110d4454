import { Migration } from '@mikro-orm/migrations';

/**
 * Each published dataset's description as an export writes it, kept for the next export (src/dcat/stored-descriptions.ts):
 * describing is most of an export's CPU, and between two exports of a national catalogue few datasets change. A
 * dataset's own nodes are kept with it, with the subjects of the nodes it shares with other datasets (publishers,
 * studies, vocabulary terms), whose text is kept once in a table of its own. A text is used only while the
 * dataset's row is the version it was described from and the settings and describing code are the same. A cache,
 * which the next export fills again: not backed up.
 */
export class Migration20261214100000_stored_dataset_descriptions extends Migration {
  override name = 'Migration20261214100000_stored_dataset_descriptions';

  override up(): void {
    this.addSql(`create table "stored_dataset_description" (
      "dataset_id" uuid not null references "dataset" ("id") on delete cascade,
      "format" text not null,
      "settings" text not null,
      "dataset_version" text not null,
      "text" text not null,
      "shared" text[] not null,
      primary key ("dataset_id", "format"));`);
    this.addSql(`create table "stored_node_description" (
      "subject" text not null,
      "format" text not null,
      "settings" text not null,
      "text" text not null,
      primary key ("subject", "format"));`);
    this.addSql(`do $$ begin
      alter table "stored_dataset_description" alter column "text" set compression lz4;
    exception when feature_not_supported then null;
    end $$;`);
  }

  override down(): void {
    this.addSql('drop table "stored_node_description";');
    this.addSql('drop table "stored_dataset_description";');
  }
}
