import { Migration } from '@mikro-orm/migrations';

const OWN_CHANGES = `new.metadata_modified := greatest(coalesce(new.metadata_modified, new.modified), new.modified);`;

/**
 * A dataset new to the catalogue is news to harvesters asking ?modifiedSince= now, whatever dates its source
 * gives: its metadata_modified starts at the time of the insert. Before, only its parts moved it there, by
 * the per-statement triggers of Migration20261201140000, which re-wrote every dataset a bulk import had just
 * inserted (a second version of each row, with all its index entries); now they find nothing to move, and a
 * dataset without parts is listed too. Updates keep following the dataset's own modified, as before.
 */
export class Migration20261203110000_dataset_insert_metadata_modified_now extends Migration {
  override name = 'Migration20261203110000_dataset_insert_metadata_modified_now';

  override up(): void {
    this.addSql(`create or replace function "dataset_metadata_modified_follows_own"() returns trigger language plpgsql as $$
      begin
        ${OWN_CHANGES}
        if tg_op = 'INSERT' then new.metadata_modified := greatest(new.metadata_modified, now()); end if;
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
