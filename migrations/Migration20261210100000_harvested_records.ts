import { Migration } from '@mikro-orm/migrations';

/**
 * Which harvest source brought each harvested record that is no dataset (src/harvest/harvest.ts): a harvest took
 * such a record again from any source stating the IRI it was first read from, so one source could rewrite the
 * organisations and access bodies another brought (their names, e-mail addresses, application pages).
 *
 * Records harvested before are given the source whose harvested datasets name them, when one source alone does;
 * one that several sources name, or none, is left to no source: harvests then link to it as it is and none
 * rewrites it.
 */
export class Migration20261210100000_harvested_records extends Migration {
  override name = 'Migration20261210100000_harvested_records';

  override up(): void {
    this.addSql(`create table "harvested_record" (
      "kind" text not null,
      "identifier" text not null,
      "source_id" uuid null references "harvest_source" ("id") on delete cascade,
      "source_url" text not null,
      primary key ("kind", "identifier"));`);
    this.addSql(`create index "harvested_record_source_index" on "harvested_record" ("source_id", "source_url");`);
    this.addSql(`insert into "harvested_record" ("kind", "identifier", "source_id", "source_url")
      select n.kind, n.identifier, (array_agg(n.source_id))[1], min(n.source_url)
      from (
        ${NAMED_BY_HARVESTED_DATASETS}
      ) n
      group by n.kind, n.identifier
      having count(distinct (n.source_id, n.source_url)) = 1;`);
  }

  override down(): void {
    this.addSql(`drop table "harvested_record";`);
  }
}

/** Each harvested record a harvested dataset names, with that dataset's source (h: harvested_dataset, d: dataset). */
const NAMED_BY_HARVESTED_DATASETS = [
  [`'Organisation'`, 'organisation', 'd.publisher_id', ''],
  [`'Organisation'`, 'organisation', 'x.organisation_id', 'join dataset_data_holder x on x.dataset_id = d.id'],
  [`'Organisation'`, 'organisation', 'x.organisation_id', 'join dataset_contributor x on x.dataset_id = d.id'],
  [`'DataAccessBody'`, 'data_access_body', 'd.hdab_id', ''],
  [`'DataAccessBody'`, 'data_access_body', 'x.access_body_id', 'join access_route x on x.dataset_id = d.id'],
  [`'DataAccessBody'`, 'data_access_body', 's.body_id', 'join access_route x on x.dataset_id = d.id join access_route_step s on s.route_id = x.id'],
  [`'Study'`, 'study', 'd.was_generated_by_id', ''],
  [`'Publication'`, 'publication', 'x.publication_id', 'join dataset_publication x on x.dataset_id = d.id'],
  [`'HealthEconomicEvaluation'`, 'health_economic_evaluation', 'x.health_economic_evaluation_id', 'join evaluation_dataset x on x.dataset_id = d.id'],
]
  .map(
    ([kind, table, named, joins]) => `select ${kind} as kind, r.identifier, h.source_id, h.source_url
        from harvested_dataset h join dataset d on d.identifier = h.identifier ${joins}
        join "${table}" r on r.id = ${named} and r.provenance_source = 'HARVESTED'`,
  )
  .join('\n        union all ');
