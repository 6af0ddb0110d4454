import { Migration } from '@mikro-orm/migrations';

/*
 * dataset.metadata_modified: when anything a dataset's published description says last changed, including
 * the records it points at (publisher, holders, contributors, access bodies, study, publications,
 * evaluations). Harvesters ask for ?modifiedSince= and read dct:modified; both must move when, say, the
 * publisher is renamed. Triggers keep it, so every write path (GraphQL, seed, import, harvest, SQL) does.
 */

/** For each related table: which datasets a changed row appears in, as SQL over the row `r`. */
export const affectedDatasets: Record<string, string> = {
  organisation: `select d.id from dataset d where d.publisher_id = r.id
    union select dataset_id from dataset_data_holder where organisation_id = r.id
    union select dataset_id from dataset_contributor where organisation_id = r.id`,
  // An access body is named by datasets and routes, and answers as the contact of the organisation running it.
  data_access_body: `select d.id from dataset d where d.hdab_id = r.id
    union select ar.dataset_id from access_route ar where ar.access_body_id = r.id
    union select ar.dataset_id from access_route ar join access_route_step s on s.route_id = ar.id where s.body_id = r.id
    union select d.id from dataset d where d.publisher_id = r.operated_by_id
    union select dataset_id from dataset_data_holder where organisation_id = r.operated_by_id`,
  study: `select d.id from dataset d where d.was_generated_by_id = r.id`,
  publication: `select dataset_id from dataset_publication where publication_id = r.id`,
  health_economic_evaluation: `select dataset_id from evaluation_dataset where health_economic_evaluation_id = r.id`,
  evaluation_dataset: `select r.dataset_id`,
  consent_scope: `select r.dataset_id`,
  access_route: `select r.dataset_id`,
  access_route_step: `select ar.dataset_id from access_route ar where ar.id = r.route_id`,
  distribution: `select r.dataset_id`,
};

export class Migration20261130080000_dataset_metadata_modified extends Migration {
  override name = 'Migration20261130080000_dataset_metadata_modified';

  override up(): void {
    this.addSql(`alter table "dataset" add column "metadata_modified" timestamptz null;`);
    this.addSql(`update "dataset" set "metadata_modified" = "modified";`);
    this.addSql(`alter table "dataset" alter column "metadata_modified" set not null;`);
    this.addSql(`create index "dataset_metadata_modified_index" on "dataset" ("metadata_modified", "id");`);
    // The dataset's own changes count too; a trigger, so callers never have to set it.
    this.addSql(`create function "dataset_metadata_modified_follows_own"() returns trigger language plpgsql as $$
      begin
        new.metadata_modified := greatest(coalesce(new.metadata_modified, new.modified), new.modified);
        return new;
      end $$;`);
    this.addSql(`create trigger "dataset_metadata_modified_own" before insert or update on "dataset"
      for each row execute function "dataset_metadata_modified_follows_own"();`);
    for (const [table, datasets] of Object.entries(affectedDatasets)) {
      // Rows without their own modified time (parts of a dataset, link rows) count as changed now.
      const hasModified = !['evaluation_dataset', 'consent_scope', 'access_route', 'access_route_step', 'distribution'].includes(table);
      const changedAt = hasModified ? 'r.modified' : 'now()';
      this.addSql(`create function "${table}_touches_datasets"() returns trigger language plpgsql as $$
        declare r record;
        begin
          if tg_op = 'DELETE' then r := old; else r := new; end if;
          update dataset set metadata_modified = greatest(metadata_modified, ${changedAt})
            where id in (${datasets}) and metadata_modified < ${changedAt};
          return null;
        end $$;`);
      this.addSql(`create trigger "${table}_touches_datasets" after insert or update or delete on "${table}"
        for each row execute function "${table}_touches_datasets"();`);
    }
  }

  override down(): void {
    for (const table of Object.keys(affectedDatasets)) {
      this.addSql(`drop trigger "${table}_touches_datasets" on "${table}";`);
      this.addSql(`drop function "${table}_touches_datasets"();`);
    }
    this.addSql(`drop trigger "dataset_metadata_modified_own" on "dataset";`);
    this.addSql(`drop function "dataset_metadata_modified_follows_own"();`);
    this.addSql(`alter table "dataset" drop column "metadata_modified";`);
  }
}
