import { Migration } from '@mikro-orm/migrations';

/**
 * Wakes indexers in other processes (`gdcat indexer`) when outbox events are written: one notification per
 * inserting statement, delivered at commit, so an indexer does not have to poll quickly to index promptly.
 */
export class Migration20261130093200_outbox_notify extends Migration {
  override name = 'Migration20261130093200_outbox_notify';

  override up(): void {
    this.addSql(`create function outbox_event_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('gdcat_outbox', '');
        return null;
      end $$;`);
    this.addSql(`create trigger outbox_event_notify after insert on outbox_event
      for each statement execute function outbox_event_notify();`);
  }

  override down(): void {
    this.addSql(`drop trigger outbox_event_notify on outbox_event;`);
    this.addSql(`drop function outbox_event_notify();`);
  }
}
