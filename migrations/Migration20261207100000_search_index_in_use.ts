import { Migration } from '@mikro-orm/migrations';

/**
 * The search index the outbox was last drained into (one row): a catalogue started on another index (moved
 * between engines, or to another index prefix) queues every dataset again, since that index missed every change
 * made meanwhile (src/search/reindex.ts).
 */
export class Migration20261207100000_search_index_in_use extends Migration {
  override name = 'Migration20261207100000_search_index_in_use';

  override up(): void {
    this.addSql(`create table "search_index_in_use" ("single" boolean primary key default true check ("single"),
      "engine" text not null, "index_name" text not null, "since" timestamptz not null default now());`);
  }

  override down(): void {
    this.addSql(`drop table "search_index_in_use";`);
  }
}
