import { Migration } from '@mikro-orm/migrations';

/**
 * The search document statement (src/search/document-rows.ts) reads a dataset's consent scope, access route
 * and route steps by their unique keys. With the columns it reads included in those keys' indexes, each lookup
 * is an index-only scan instead of an index probe plus a heap fetch per row (the statement's PostgreSQL CPU at
 * 100k datasets: about half). Same keys, same deferral; only the indexes carry more.
 */
export class Migration20261202130000_search_document_covering_keys extends Migration {
  override name = 'Migration20261202130000_search_document_covering_keys';

  override up(): void {
    this.addSql(`alter table "consent_scope" drop constraint "consent_scope_dataset_id_unique",
      add constraint "consent_scope_dataset_id_unique" unique ("dataset_id") include ("duo_permission", "consent_key");`);
    this.addSql(`alter table "access_route" drop constraint "access_route_dataset_id_unique",
      add constraint "access_route_dataset_id_unique" unique ("dataset_id") include ("id", "access_mode", "access_body_id");`);
    this.addSql(`alter table "access_route_step" drop constraint "access_route_step_route_id_position_unique",
      add constraint "access_route_step_route_id_position_unique" unique ("route_id", "position") include ("body_id") deferrable initially deferred;`);
  }

  override down(): void {
    this.addSql(`alter table "consent_scope" drop constraint "consent_scope_dataset_id_unique",
      add constraint "consent_scope_dataset_id_unique" unique ("dataset_id");`);
    this.addSql(`alter table "access_route" drop constraint "access_route_dataset_id_unique",
      add constraint "access_route_dataset_id_unique" unique ("dataset_id");`);
    this.addSql(`alter table "access_route_step" drop constraint "access_route_step_route_id_position_unique",
      add constraint "access_route_step_route_id_position_unique" unique ("route_id", "position") deferrable initially deferred;`);
  }
}
