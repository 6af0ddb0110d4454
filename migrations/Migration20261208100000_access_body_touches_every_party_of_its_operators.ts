import { Migration } from '@mikro-orm/migrations';
import { affectedDatasets } from './Migration20261130080000_dataset_metadata_modified.js';

/*
 * An access body answers as the contact point of the organisation operating it (src/dcat/profiles/contacts.ts),
 * and every dataset document describes each of its parties (publisher, holders, contributors) with its contact
 * point. The trigger of Migration20261130080000 moved metadata_modified for the datasets of the body's operator
 * as publisher or holder only, and only of its new operator: a change to a body run by an organisation that only
 * contributes data, or a body handed from one organisation to another, changed dataset documents whose
 * dct:modified stayed put, so incremental harvests (?modifiedSince=, If-Modified-Since) missed them. Now the
 * datasets of every party role of the old and the new operator move, and all datasets when either operator is
 * the catalogue's publisher, whose contact point stands in for every agent without one (as for organisations,
 * Migration20261130140100).
 */

const BODY_DATASETS = `select d.id from dataset d where d.hdab_id = r.id
  union select ar.dataset_id from access_route ar where ar.access_body_id = r.id
  union select ar.dataset_id from access_route ar join access_route_step s on s.route_id = ar.id where s.body_id = r.id
  union select d.id from dataset d where d.publisher_id = any(operators)
  union select dataset_id from dataset_data_holder where organisation_id = any(operators)
  union select dataset_id from dataset_contributor where organisation_id = any(operators)`;

/** The trigger function over the changed body `r`, with `unseen` (what skips a change, Migration20261208120000) first. */
export function accessBodyTouchesDatasets(unseen: string): string {
  return `create or replace function "data_access_body_touches_datasets"() returns trigger language plpgsql as $$
      declare r record; operators uuid[];
      begin
        if tg_op = 'DELETE' then r := old; else r := new; end if;
        ${unseen}
        operators := array[r.operated_by_id];
        if tg_op = 'UPDATE' then operators := operators || old.operated_by_id; end if;
        if exists (select 1 from catalogue c where c.publisher_id = any(operators)) then
          update dataset set metadata_modified = r.modified where metadata_modified < r.modified;
        else
          update dataset set metadata_modified = greatest(metadata_modified, r.modified)
            where id in (${BODY_DATASETS}) and metadata_modified < r.modified;
        end if;
        return null;
      end $$;`;
}

export class Migration20261208100000_access_body_touches_every_party_of_its_operators extends Migration {
  override name = 'Migration20261208100000_access_body_touches_every_party_of_its_operators';

  override up(): void {
    this.addSql(accessBodyTouchesDatasets(''));
  }

  override down(): void {
    this.addSql(`create or replace function "data_access_body_touches_datasets"() returns trigger language plpgsql as $$
      declare r record;
      begin
        if tg_op = 'DELETE' then r := old; else r := new; end if;
        update dataset set metadata_modified = greatest(metadata_modified, r.modified)
          where id in (${affectedDatasets.data_access_body}) and metadata_modified < r.modified;
        return null;
      end $$;`);
  }
}
