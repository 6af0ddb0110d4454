import { Migration } from '@mikro-orm/migrations';

const OWN_CHANGES = `new.metadata_modified := greatest(coalesce(new.metadata_modified, new.modified), new.modified);
        if tg_op = 'INSERT' then new.metadata_modified := greatest(new.metadata_modified, now()); end if;`;

/**
 * A dataset a harvest writes counts as changed here by its harvested_at (src/dcat/catalogue-source.ts), which was
 * the harvest run's start: minutes before the import's transaction began, after reading the source. A harvester of
 * this catalogue that read the listing while that transaction was open, and asks next from the instant the listing
 * said it was complete up to (the start of the oldest open transaction), missed it. Now harvested_at is at least
 * the start of the transaction writing it, as every other stamp a listing reads is.
 */
export class Migration20261209100000_dataset_harvested_at_when_written extends Migration {
  override name = 'Migration20261209100000_dataset_harvested_at_when_written';

  override up(): void {
    this.addSql(`create or replace function "dataset_metadata_modified_follows_own"() returns trigger language plpgsql as $$
      begin
        ${OWN_CHANGES}
        if new.harvested_at is not null and (tg_op = 'INSERT' or new.harvested_at is distinct from old.harvested_at) then
          new.harvested_at := greatest(new.harvested_at, now());
        end if;
        return new;
      end $$;`);
  }

  override down(): void {
    this.addSql(`create or replace function "dataset_metadata_modified_follows_own"() returns trigger language plpgsql as $$
      begin
        ${OWN_CHANGES}
        return new;
      end $$;`);
  }
}
