import { Migration } from '@mikro-orm/migrations';

/*
 * Two ways a dataset's RDF changes that Migration20261130080000_dataset_metadata_modified missed:
 * - the catalogue's publisher answers (its contact point) for every agent without contact details of its own,
 *   such as a planned health data access body, so a change to that organisation may show in any dataset;
 * - every dataset states the catalogue's dct:spatial, so a change to the catalogue record shows in all.
 * Both touch every dataset: such changes are rare, and a harvester re-reading too much loses nothing.
 */

const ORGANISATION_DATASETS = `select d.id from dataset d where d.publisher_id = r.id
  union select dataset_id from dataset_data_holder where organisation_id = r.id
  union select dataset_id from dataset_contributor where organisation_id = r.id`;

export class Migration20261130140100_catalogue_changes_touch_datasets extends Migration {
  override name = 'Migration20261130140100_catalogue_changes_touch_datasets';

  override up(): void {
    this.addSql(`create or replace function "organisation_touches_datasets"() returns trigger language plpgsql as $$
      declare r record;
      begin
        if tg_op = 'DELETE' then r := old; else r := new; end if;
        if exists (select 1 from catalogue c where c.publisher_id = r.id) then
          update dataset set metadata_modified = r.modified where metadata_modified < r.modified;
        else
          update dataset set metadata_modified = greatest(metadata_modified, r.modified)
            where id in (${ORGANISATION_DATASETS}) and metadata_modified < r.modified;
        end if;
        return null;
      end $$;`);
    this.addSql(`create function "catalogue_touches_datasets"() returns trigger language plpgsql as $$
      begin
        update dataset set metadata_modified = new.modified where metadata_modified < new.modified;
        return null;
      end $$;`);
    this.addSql(`create trigger "catalogue_touches_datasets" after update on "catalogue"
      for each row execute function "catalogue_touches_datasets"();`);
  }

  override down(): void {
    this.addSql(`drop trigger "catalogue_touches_datasets" on "catalogue";`);
    this.addSql(`drop function "catalogue_touches_datasets"();`);
    this.addSql(`create or replace function "organisation_touches_datasets"() returns trigger language plpgsql as $$
      declare r record;
      begin
        if tg_op = 'DELETE' then r := old; else r := new; end if;
        update dataset set metadata_modified = greatest(metadata_modified, r.modified)
          where id in (${ORGANISATION_DATASETS}) and metadata_modified < r.modified;
        return null;
      end $$;`);
  }
}
