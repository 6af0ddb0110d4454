import { Migration } from '@mikro-orm/migrations';

/** Harvest sources, their runs, and which source each harvested dataset came from. */
export class Migration20261130150000_harvest_sources extends Migration {
  override name = 'Migration20261130150000_harvest_sources';

  override up(): void {
    this.addSql(`create type "harvest_source_kind" as enum ('DCAT_AP', 'FDP');`);
    this.addSql(`create type "harvest_mode" as enum ('FULL', 'INCREMENTAL');`);
    this.addSql(`create type "harvest_outcome" as enum ('SUCCEEDED', 'PARTIAL', 'FAILED');`);
    this.addSql(`create table "harvest_source" (
      "id" uuid not null primary key,
      "identifier" text not null unique,
      "title" text not null,
      "url" text not null,
      "kind" "harvest_source_kind" not null,
      "organisation_id" uuid not null references "organisation" ("id") on delete restrict,
      "schedule" text not null,
      "enabled" boolean not null default true,
      "version" integer not null default 1,
      "harvested_up_to" timestamptz null,
      "last_run_at" timestamptz null,
      "created_at" timestamptz not null);`);
    this.addSql(`create table "harvest_run" (
      "id" uuid not null primary key,
      "source_id" uuid null references "harvest_source" ("id") on delete cascade,
      "url" text not null,
      "kind" "harvest_source_kind" not null,
      "mode" "harvest_mode" not null,
      "outcome" "harvest_outcome" not null,
      "actor" text not null,
      "started_at" timestamptz not null,
      "finished_at" timestamptz not null,
      "duration_ms" integer not null,
      "documents" integer not null,
      "created" integer not null,
      "updated" integer not null,
      "unchanged" integer not null,
      "withdrawn" integer not null,
      "failed" integer not null,
      "errors" jsonb not null,
      "unknown_properties" jsonb not null);`);
    this.addSql(`create index "harvest_run_source_started_index" on "harvest_run" ("source_id", "started_at" desc);`);
    this.addSql(`create table "harvested_dataset" (
      "identifier" text not null primary key,
      "source_id" uuid null references "harvest_source" ("id") on delete cascade,
      "source_url" text not null,
      "source_iri" text not null,
      "description" jsonb null);`);
    this.addSql(`create index "harvested_dataset_source_index" on "harvested_dataset" ("source_id", "source_url");`);
  }

  override down(): void {
    this.addSql(`drop table "harvested_dataset";`);
    this.addSql(`drop table "harvest_run";`);
    this.addSql(`drop table "harvest_source";`);
    this.addSql(`drop type "harvest_outcome";`);
    this.addSql(`drop type "harvest_mode";`);
    this.addSql(`drop type "harvest_source_kind";`);
  }
}
