import { Migration } from '@mikro-orm/migrations';

/**
 * Settled outbox events are deleted instead of marked processed, and each settled batch is kept as one row of
 * outbox_settled (for a day, for a reindex to replay): an outbox of updated events bloated, so the drain's
 * claims walked dead tuples and autovacuum ran during the drain. Events already processed become one row each.
 */
export class Migration20261205100000_outbox_settled extends Migration {
  override name = 'Migration20261205100000_outbox_settled';

  override up(): void {
    this.addSql(`create table "outbox_settled" ("id" bigserial primary key, "settled_at" timestamptz not null default now(),
      "aggregate_ids" uuid[] not null, "failed_attempts" integer not null default 0);`);
    this.addSql(`create index "outbox_settled_settled_at" on "outbox_settled" ("settled_at");`);
    this.addSql(`insert into "outbox_settled" ("settled_at", "aggregate_ids", "failed_attempts")
      select "processed_at", array["aggregate_id"], "attempts" from "outbox_event" where "processed_at" is not null;`);
    this.addSql(`delete from "outbox_event" where "processed_at" is not null;`);
    this.addSql(`drop index "outbox_event_due";`);
    this.addSql(`alter table "outbox_event" drop column "processed_at";`);
    this.addSql(`create index "outbox_event_due" on "outbox_event" ("available_at", "id");`);
  }

  override down(): void {
    this.addSql(`drop index "outbox_event_due";`);
    this.addSql(`alter table "outbox_event" add column "processed_at" timestamptz null;`);
    this.addSql(`create index "outbox_event_due" on "outbox_event" ("available_at", "id") where "processed_at" is null;`);
    this.addSql(`drop table "outbox_settled";`);
  }
}
