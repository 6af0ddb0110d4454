import { Migration } from '@mikro-orm/migrations';

/**
 * Access route steps keep their identity (and IRI) when a data manager reorders them, so two kept steps may
 * swap positions in one save: the (route, position) unique key is checked at commit instead of per row.
 */
export class Migration20261130140000_access_route_step_position_deferred extends Migration {
  override name = 'Migration20261130140000_access_route_step_position_deferred';

  override up(): void {
    this.addSql(`alter table "access_route_step" drop constraint "access_route_step_route_id_position_unique";`);
    this.addSql(`alter table "access_route_step" add constraint "access_route_step_route_id_position_unique"
      unique ("route_id", "position") deferrable initially deferred;`);
  }

  override down(): void {
    this.addSql(`alter table "access_route_step" drop constraint "access_route_step_route_id_position_unique";`);
    this.addSql(`alter table "access_route_step" add constraint "access_route_step_route_id_position_unique" unique ("route_id", "position");`);
  }
}
