import { Migration } from '@mikro-orm/migrations';
import { affectedDatasets } from './Migration20261130080000_dataset_metadata_modified.js';
import { accessBodyTouchesDatasets } from './Migration20261208100000_access_body_touches_every_party_of_its_operators.js';

/**
 * The records whose changes touch the datasets naming them (Migration20261130080000, 20261130140100); access bodies
 * have a trigger of their own, which also touches their operators' datasets (Migration20261208100000).
 */
const RECORD_TABLES = ['organisation', 'study', 'publication', 'health_economic_evaluation'];

/** A change the public never sees: to a draft or a withdrawn record, before and after it. */
const UNSEEN_CHANGE = `if tg_op = 'UPDATE' then
            if old.status <> 'PUBLISHED' and new.status <> 'PUBLISHED' then return null; end if;
          elsif r.status <> 'PUBLISHED' then
            return null;
          end if;`;

/** Each record trigger's body over the changed row `r`, with `unseen` (what skips a change) before the datasets it names. */
function touch(table: string, unseen: string): string {
  const named = `${unseen}
          update dataset set metadata_modified = greatest(metadata_modified, r.modified)
            where id in (${affectedDatasets[table]}) and metadata_modified < r.modified;`;
  if (table !== 'organisation') return named;
  // The catalogue's publisher shows in every dataset, whatever its status (Migration20261130140100).
  return `if exists (select 1 from catalogue c where c.publisher_id = r.id) then
            update dataset set metadata_modified = r.modified where metadata_modified < r.modified;
            return null;
          end if;
          ${named}`;
}

function touchFunction(table: string, unseen: string): string {
  return `create or replace function "${table}_touches_datasets"() returns trigger language plpgsql as $$
        declare r record;
        begin
          if tg_op = 'DELETE' then r := old; else r := new; end if;
          ${touch(table, unseen)}
          return null;
        end $$;`;
}

/**
 * A change to a record the public never sees (a draft, or a withdrawn record, before and after the change) shows
 * in no dataset's RDF, which describes related records as the public sees them: it no longer moves the
 * dct:modified, Last-Modified and ?modifiedSince= listing of the published datasets naming it, which told anyone
 * when another organisation's draft was edited. Publishing or withdrawing a record still moves them.
 */
export class Migration20261208120000_unseen_records_touch_no_datasets extends Migration {
  override name = 'Migration20261208120000_unseen_records_touch_no_datasets';

  override up(): void {
    for (const table of RECORD_TABLES) this.addSql(touchFunction(table, UNSEEN_CHANGE));
    this.addSql(accessBodyTouchesDatasets(UNSEEN_CHANGE));
    // A dataset shows only its published evaluations: linking a draft to it (or unlinking one) changes nothing there.
    this.addSql(evaluationLinksFunction(`select c.dataset_id from changed c
              join health_economic_evaluation e on e.id = c.health_economic_evaluation_id where e.status = 'PUBLISHED'`));
  }

  override down(): void {
    for (const table of RECORD_TABLES) this.addSql(touchFunction(table, ''));
    this.addSql(accessBodyTouchesDatasets(''));
    this.addSql(evaluationLinksFunction('select c.dataset_id from changed c'));
  }
}

/** The per-statement trigger function of evaluation links (Migration20261201140000), over the datasets `datasets` selects. */
function evaluationLinksFunction(datasets: string): string {
  return `create or replace function "evaluation_dataset_touches_datasets"() returns trigger language plpgsql as $$
        begin
          update dataset set metadata_modified = now()
            where id in (${datasets}) and metadata_modified < now();
          return null;
        end $$;`;
}
