import { Migration } from '@mikro-orm/migrations';

export class Migration20261123110414_initial_catalogue extends Migration {

  override name = 'Migration20261123110414_initial_catalogue';

  override up(): void | Promise<void> {
    this.addSql(`create type "record_status" as enum ('DRAFT', 'PUBLISHED', 'WITHDRAWN');`);
    this.addSql(`create type "provenance_source" as enum ('MANUAL', 'HARVESTED', 'IMPORTED');`);
    this.addSql(`create type "organisation_type" as enum ('REGION', 'UNIVERSITY', 'GMC', 'PROGRAMME', 'BIOBANK', 'AUTHORITY', 'INFRASTRUCTURE', 'FUNDER', 'COMPANY');`);
    this.addSql(`create type "data_access_body_kind" as enum ('DAC', 'REGIONAL_DISCLOSURE_FUNCTION', 'BIOBANK', 'HDAB', 'ETHICS_AUTHORITY');`);
    this.addSql(`create type "data_access_body_operational_status" as enum ('ACTIVE', 'PLANNED');`);
    this.addSql(`create type "publication_relation" as enum ('DESCRIBES', 'USES', 'CITES', 'PROTOCOL');`);
    this.addSql(`create type "evaluation_type" as enum ('CEA', 'CUA', 'CBA', 'CMA', 'COST_ANALYSIS', 'MICRO_COSTING', 'BUDGET_IMPACT', 'COST_CONSEQUENCE', 'YIELD_ONLY');`);
    this.addSql(`create type "evaluation_perspective" as enum ('HEALTHCARE_PAYER', 'HEALTHCARE_SYSTEM', 'SOCIETAL', 'HOSPITAL', 'PATIENT');`);
    this.addSql(`create type "study_type" as enum ('NATIONAL_IMPLEMENTATION', 'VALIDATION', 'CLINICAL_ROUTINE', 'RESEARCH', 'PILOT');`);
    this.addSql(`create type "diagnostic_area" as enum ('RARE_DISEASES', 'HEREDITARY_CANCER', 'SOLID_TUMOURS', 'HAEMATOLOGICAL_MALIGNANCIES', 'CHILDHOOD_CANCER', 'INFECTIOUS_DISEASES', 'PHARMACOGENOMICS', 'COMPLEX_DISEASES');`);
    this.addSql(`create type "study_progress" as enum ('PLANNED', 'RECRUITING', 'ONGOING', 'COMPLETED');`);
    this.addSql(`create type "consent_type" as enum ('INFORMED_BROAD', 'INFORMED_SPECIFIC', 'OPT_OUT', 'NOT_REQUIRED_CLINICAL', 'WAIVED_BY_ETHICS', 'NOT_APPLICABLE_NON_HUMAN');`);
    this.addSql(`create type "access_mode" as enum ('SECURE_PROCESSING_ENVIRONMENT', 'CONTROLLED_DOWNLOAD', 'FEDERATED_QUERY', 'AGGREGATE_ONLY', 'OPEN');`);
    this.addSql(`create type "access_requirement" as enum ('ETHICS_APPROVAL', 'DAC_REVIEW', 'CONTROLLER_DISCLOSURE_DECISION', 'BIOBANK_DECISION', 'DATA_TRANSFER_AGREEMENT', 'JOINT_CONTROLLER_AGREEMENT', 'HDAB_PERMIT', 'DPA');`);
    this.addSql(`create table "audit_entry" ("id" bigserial primary key, "at" timestamptz not null, "actor" text not null, "actor_role" text not null, "action" text not null, "entity_type" text not null, "entity_id" uuid not null, "before" jsonb null, "after" jsonb null);`);
    this.addSql(`create index "audit_entry_entity_type_entity_id_index" on "audit_entry" ("entity_type", "entity_id");`);

    this.addSql(`create table "organisation" ("id" uuid not null, "identifier" text not null, "version" int not null default 1, "status" "record_status" not null default 'DRAFT', "issued" timestamptz null, "modified" timestamptz not null, "withdrawal_reason" text null, "owner_organisation_id" uuid null, "provenance_source" "provenance_source" not null default 'MANUAL', "harvested_from" text null, "harvested_at" timestamptz null, "created_at" timestamptz not null, "name" text not null, "type" "organisation_type" not null, "publisher_type" text null, "roles" text[] not null, "homepage" text null, "org_number" text null, "contact_email" text null, "parent_id" uuid null, primary key ("id"));`);
    this.addSql(`alter table "organisation" add constraint "organisation_identifier_unique" unique ("identifier");`);

    this.addSql(`create table "data_access_body" ("id" uuid not null, "identifier" text not null, "version" int not null default 1, "status" "record_status" not null default 'DRAFT', "issued" timestamptz null, "modified" timestamptz not null, "withdrawal_reason" text null, "owner_organisation_id" uuid null, "provenance_source" "provenance_source" not null default 'MANUAL', "harvested_from" text null, "harvested_at" timestamptz null, "created_at" timestamptz not null, "name" text not null, "kind" "data_access_body_kind" not null, "operated_by_id" uuid null, "hosted_by_id" uuid null, "contact_email" text null, "application_url" text null, "jurisdiction" text not null default 'SE', "operational_status" "data_access_body_operational_status" not null default 'ACTIVE', "note" text null, primary key ("id"));`);
    this.addSql(`alter table "data_access_body" add constraint "data_access_body_identifier_unique" unique ("identifier");`);

    this.addSql(`create table "catalogue" ("id" uuid not null, "identifier" text not null, "title" text not null, "description" text not null default '', "publisher_id" uuid null, "languages" text[] not null, "spatial" text null, "theme_taxonomies" text[] not null, "homepage" text null, "issued" timestamptz not null, "modified" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "catalogue" add constraint "catalogue_identifier_unique" unique ("identifier");`);

    this.addSql(`create table "outbox_event" ("id" bigserial primary key, "aggregate_type" text not null, "aggregate_id" uuid not null, "created_at" timestamptz not null, "available_at" timestamptz not null, "attempts" int not null default 0, "last_error" text null, "processed_at" timestamptz null);`);
    this.addSql(`create index "outbox_event_due" on "outbox_event" ("available_at");`);

    this.addSql(`create table "publication" ("id" uuid not null, "identifier" text not null, "version" int not null default 1, "status" "record_status" not null default 'DRAFT', "issued" timestamptz null, "modified" timestamptz not null, "withdrawal_reason" text null, "owner_organisation_id" uuid null, "provenance_source" "provenance_source" not null default 'MANUAL', "harvested_from" text null, "harvested_at" timestamptz null, "created_at" timestamptz not null, "title" text not null, "doi" text null, "pmid" text null, "authors_short" text null, "journal" text null, "year" int null, "volume_pages" text null, "url" text null, "relation_type" "publication_relation" null, primary key ("id"));`);
    this.addSql(`alter table "publication" add constraint "publication_identifier_unique" unique ("identifier");`);
    this.addSql(`alter table "publication" add constraint "publication_doi_unique" unique ("doi");`);

    this.addSql(`create table "health_economic_evaluation" ("id" uuid not null, "identifier" text not null, "version" int not null default 1, "status" "record_status" not null default 'DRAFT', "issued" timestamptz null, "modified" timestamptz not null, "withdrawal_reason" text null, "owner_organisation_id" uuid null, "provenance_source" "provenance_source" not null default 'MANUAL', "harvested_from" text null, "harvested_at" timestamptz null, "created_at" timestamptz not null, "title" text not null, "evaluation_type" "evaluation_type" not null, "decision_problem" text null, "analysis_plan_url" text null, "population" text null, "country" text null, "setting" text null, "intervention" text null, "comparators" text[] not null, "perspective" "evaluation_perspective" null, "time_horizon" text null, "discount_rate_costs" double precision null, "discount_rate_outcomes" double precision null, "outcome_measures" text[] not null, "utility_instrument" text null, "costing_method" text null, "currency" text not null, "price_year" int null, "price_year_note" text null, "model_types" text[] not null, "model_available" boolean null, "sensitivity_analyses" text[] not null, "subgroups" text null, "engagement_described" boolean null, "funding" text null, "conflicts_of_interest" text null, "cheers_compliant" boolean null, "willingness_to_pay_amount" double precision null, "willingness_to_pay_unit" text null, "note" text null, "publication_id" uuid null, primary key ("id"));`);
    this.addSql(`alter table "health_economic_evaluation" add constraint "health_economic_evaluation_identifier_unique" unique ("identifier");`);

    this.addSql(`create table "health_economic_result" ("id" uuid not null, "evaluation_id" uuid not null, "position" int not null default 0, "measure" text not null, "value" double precision null, "range_low" double precision null, "range_high" double precision null, "statement" text null, "unit" text null, "currency" text null, "price_year" int null, "price_year_not_reported" boolean not null default false, "ci95low" double precision null, "ci95high" double precision null, "p_value" double precision null, "comparator" text null, "comparator_value" double precision null, "note" text null, primary key ("id"));`);

    this.addSql(`create table "study" ("id" uuid not null, "identifier" text not null, "version" int not null default 1, "status" "record_status" not null default 'DRAFT', "issued" timestamptz null, "modified" timestamptz not null, "withdrawal_reason" text null, "owner_organisation_id" uuid null, "provenance_source" "provenance_source" not null default 'MANUAL', "harvested_from" text null, "harvested_at" timestamptz null, "created_at" timestamptz not null, "title" text not null, "acronym" text null, "description" text not null default '', "study_type" "study_type" not null, "diagnostic_area" "diagnostic_area" null, "progress" "study_progress" not null default 'PLANNED', "start_date" text null, "end_date" text null, "planned_size" jsonb null, "actual_size" int null, "ethics_approvals" jsonb not null, "health_conditions" jsonb not null, "registration" text null, primary key ("id"));`);
    this.addSql(`alter table "study" add constraint "study_identifier_unique" unique ("identifier");`);

    this.addSql(`create table "evaluation_study" ("health_economic_evaluation_id" uuid not null, "study_id" uuid not null, primary key ("health_economic_evaluation_id", "study_id"));`);

    this.addSql(`create table "dataset" ("id" uuid not null, "identifier" text not null, "version" int not null default 1, "status" "record_status" not null default 'DRAFT', "issued" timestamptz null, "modified" timestamptz not null, "withdrawal_reason" text null, "owner_organisation_id" uuid null, "provenance_source" "provenance_source" not null default 'MANUAL', "harvested_from" text null, "harvested_at" timestamptz null, "created_at" timestamptz not null, "title" text not null, "description" text not null default '', "keywords" text[] not null, "diagnostic_area" "diagnostic_area" null, "theme" text not null default 'http://publications.europa.eu/resource/authority/data-theme/HEAL', "access_rights" text not null default 'http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC', "other_identifiers" text[] not null, "release_version" text null, "publisher_id" uuid not null, "was_generated_by_id" uuid null, "hdab_id" uuid null, "cohort" jsonb null, primary key ("id"));`);
    this.addSql(`alter table "dataset" add constraint "dataset_identifier_unique" unique ("identifier");`);

    this.addSql(`create table "evaluation_dataset" ("health_economic_evaluation_id" uuid not null, "dataset_id" uuid not null, primary key ("health_economic_evaluation_id", "dataset_id"));`);

    this.addSql(`create table "distribution" ("id" uuid not null, "dataset_id" uuid not null, "title" text not null, "access_url" text null, "download_url" text null, "formats" jsonb not null, "media_type" text null, "byte_size" bigint null, "license" text null, "access_mode" text null, "hosting_location" text null, "encryption" text null, "position" int not null default 0, primary key ("id"));`);

    this.addSql(`create table "dataset_publication" ("dataset_id" uuid not null, "publication_id" uuid not null, primary key ("dataset_id", "publication_id"));`);

    this.addSql(`create table "dataset_data_holder" ("dataset_id" uuid not null, "organisation_id" uuid not null, primary key ("dataset_id", "organisation_id"));`);

    this.addSql(`create table "dataset_contributor" ("dataset_id" uuid not null, "organisation_id" uuid not null, primary key ("dataset_id", "organisation_id"));`);

    this.addSql(`create table "consent_scope" ("id" uuid not null, "dataset_id" uuid not null, "duo_permission" text not null, "duo_modifiers" jsonb not null, "disease_restrictions" text[] not null, "consent_type" "consent_type" null, "consent_form_version" text null, "legal_bases" text[] not null, "national_legal_basis" text[] not null, "ethics_approval" jsonb null, "return_of_results" text null, "withdrawal_process" text null, "consent_key" text not null, primary key ("id"));`);
    this.addSql(`alter table "consent_scope" add constraint "consent_scope_dataset_id_unique" unique ("dataset_id");`);

    this.addSql(`create table "access_route" ("id" uuid not null, "dataset_id" uuid not null, "access_body_id" uuid null, "access_mode" "access_mode" not null, "application_url" text null, "contact_email" text null, "expected_turnaround_days" int null, "fees" text null, "languages" text[] not null, primary key ("id"));`);
    this.addSql(`alter table "access_route" add constraint "access_route_dataset_id_unique" unique ("dataset_id");`);

    this.addSql(`create table "access_route_step" ("id" uuid not null, "route_id" uuid not null, "position" int not null, "requirement" "access_requirement" not null, "body_id" uuid null, "description" text null, primary key ("id"));`);
    this.addSql(`alter table "access_route_step" add constraint "access_route_step_route_id_position_unique" unique ("route_id", "position");`);

    this.addSql(`create table "study_funder" ("study_id" uuid not null, "organisation_id" uuid not null, primary key ("study_id", "organisation_id"));`);

    this.addSql(`create table "study_participant" ("study_id" uuid not null, "organisation_id" uuid not null, primary key ("study_id", "organisation_id"));`);

    this.addSql(`create table "study_publication" ("study_id" uuid not null, "publication_id" uuid not null, primary key ("study_id", "publication_id"));`);

    this.addSql(`alter table "organisation" add constraint "organisation_parent_id_foreign" foreign key ("parent_id") references "organisation" ("id") on delete restrict;`);

    this.addSql(`alter table "data_access_body" add constraint "data_access_body_operated_by_id_foreign" foreign key ("operated_by_id") references "organisation" ("id") on delete restrict;`);
    this.addSql(`alter table "data_access_body" add constraint "data_access_body_hosted_by_id_foreign" foreign key ("hosted_by_id") references "organisation" ("id") on delete restrict;`);

    this.addSql(`alter table "catalogue" add constraint "catalogue_publisher_id_foreign" foreign key ("publisher_id") references "organisation" ("id") on delete restrict;`);

    this.addSql(`alter table "health_economic_evaluation" add constraint "health_economic_evaluation_publication_id_foreign" foreign key ("publication_id") references "publication" ("id") on delete restrict;`);
    this.addSql(`alter table "health_economic_evaluation" add constraint "hee_discount_rates_range" check ((discount_rate_costs is null or discount_rate_costs between 0 and 100) and (discount_rate_outcomes is null or discount_rate_outcomes between 0 and 100));`);
    this.addSql(`alter table "health_economic_evaluation" add constraint "hee_price_year_known_or_not_reported" check (price_year is not null or price_year_note is not null);`);

    this.addSql(`alter table "health_economic_result" add constraint "health_economic_result_evaluation_id_foreign" foreign key ("evaluation_id") references "health_economic_evaluation" ("id") on delete cascade;`);
    this.addSql(`alter table "health_economic_result" add constraint "her_has_a_value" check (value is not null or (range_low is not null and range_high is not null) or statement is not null);`);
    this.addSql(`alter table "health_economic_result" add constraint "her_monetary_has_price_year" check (currency is null or price_year is not null or price_year_not_reported);`);

    this.addSql(`alter table "evaluation_study" add constraint "evaluation_study_health_economic_evaluation_id_foreign" foreign key ("health_economic_evaluation_id") references "health_economic_evaluation" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "evaluation_study" add constraint "evaluation_study_study_id_foreign" foreign key ("study_id") references "study" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "dataset" add constraint "dataset_publisher_id_foreign" foreign key ("publisher_id") references "organisation" ("id") on delete restrict;`);
    this.addSql(`alter table "dataset" add constraint "dataset_was_generated_by_id_foreign" foreign key ("was_generated_by_id") references "study" ("id") on delete set null;`);
    this.addSql(`alter table "dataset" add constraint "dataset_hdab_id_foreign" foreign key ("hdab_id") references "data_access_body" ("id") on delete restrict;`);

    this.addSql(`alter table "evaluation_dataset" add constraint "evaluation_dataset_health_economic_evaluation_id_foreign" foreign key ("health_economic_evaluation_id") references "health_economic_evaluation" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "evaluation_dataset" add constraint "evaluation_dataset_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "distribution" add constraint "distribution_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on delete cascade;`);

    this.addSql(`alter table "dataset_publication" add constraint "dataset_publication_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "dataset_publication" add constraint "dataset_publication_publication_id_foreign" foreign key ("publication_id") references "publication" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "dataset_data_holder" add constraint "dataset_data_holder_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "dataset_data_holder" add constraint "dataset_data_holder_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "dataset_contributor" add constraint "dataset_contributor_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "dataset_contributor" add constraint "dataset_contributor_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "consent_scope" add constraint "consent_scope_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on delete cascade;`);

    this.addSql(`alter table "access_route" add constraint "access_route_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on delete cascade;`);
    this.addSql(`alter table "access_route" add constraint "access_route_access_body_id_foreign" foreign key ("access_body_id") references "data_access_body" ("id") on delete restrict;`);

    this.addSql(`alter table "access_route_step" add constraint "access_route_step_route_id_foreign" foreign key ("route_id") references "access_route" ("id") on delete cascade;`);
    this.addSql(`alter table "access_route_step" add constraint "access_route_step_body_id_foreign" foreign key ("body_id") references "data_access_body" ("id") on delete restrict;`);

    this.addSql(`alter table "study_funder" add constraint "study_funder_study_id_foreign" foreign key ("study_id") references "study" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "study_funder" add constraint "study_funder_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "study_participant" add constraint "study_participant_study_id_foreign" foreign key ("study_id") references "study" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "study_participant" add constraint "study_participant_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "study_publication" add constraint "study_publication_study_id_foreign" foreign key ("study_id") references "study" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "study_publication" add constraint "study_publication_publication_id_foreign" foreign key ("publication_id") references "publication" ("id") on update cascade on delete cascade;`);
    // Written by hand: ownership foreign keys (the base record keeps the owner as a plain column, so the ORM
    // cannot order inserts by it; the keys are checked at commit), value
    // checks, and the append-only audit log.
    for (const table of ['organisation', 'data_access_body', 'publication', 'study', 'dataset', 'health_economic_evaluation']) {
      this.addSql(`alter table "${table}" add constraint "${table}_owner_organisation_id_foreign" foreign key ("owner_organisation_id") references "organisation" ("id") on delete restrict deferrable initially deferred;`);
      this.addSql(`create index "${table}_owner_organisation_id_index" on "${table}" ("owner_organisation_id");`);
      this.addSql(`alter table "${table}" add constraint "${table}_version_positive" check ("version" >= 1);`);
      this.addSql(`alter table "${table}" add constraint "${table}_identifier_not_blank" check (btrim("identifier") <> '');`);
      this.addSql(`alter table "${table}" add constraint "${table}_withdrawn_has_reason" check ("status" <> 'WITHDRAWN' or "withdrawal_reason" is not null);`);
      this.addSql(`alter table "${table}" add constraint "${table}_published_has_issued" check ("status" = 'DRAFT' or "issued" is not null);`);
    }
    this.addSql(`create index "dataset_publisher_id_index" on "dataset" ("publisher_id");`);
    this.addSql(`create index "dataset_was_generated_by_id_index" on "dataset" ("was_generated_by_id");`);
    this.addSql(`create index "distribution_dataset_id_index" on "distribution" ("dataset_id");`);
    this.addSql(`create index "dataset_modified_index" on "dataset" ("modified", "id");`);
    this.addSql(`create index "access_route_step_body_id_index" on "access_route_step" ("body_id");`);
    this.addSql(`create index "health_economic_result_evaluation_id_index" on "health_economic_result" ("evaluation_id");`);
    this.addSql(`drop index "outbox_event_due";`);
    this.addSql(`create index "outbox_event_due" on "outbox_event" ("available_at", "id") where "processed_at" is null;`);
    this.addSql(`alter table "consent_scope" add constraint "consent_scope_permission_is_duo" check ("duo_permission" ~ '^DUO:[0-9]{7}$');`);
    this.addSql(`alter table "access_route" add constraint "access_route_turnaround_positive" check ("expected_turnaround_days" is null or "expected_turnaround_days" > 0);`);
    this.addSql(`alter table "access_route_step" add constraint "access_route_step_position_positive" check ("position" >= 1);`);
    this.addSql(`alter table "health_economic_evaluation" add constraint "hee_currency_iso4217" check ("currency" ~ '^[A-Z]{3}$');`);
    this.addSql(`alter table "health_economic_evaluation" add constraint "hee_price_year_range" check ("price_year" is null or "price_year" between 1950 and 2100);`);
    this.addSql(`alter table "health_economic_result" add constraint "her_currency_iso4217" check ("currency" is null or "currency" ~ '^[A-Z]{3}$');`);
    this.addSql(`alter table "publication" add constraint "publication_year_range" check ("year" is null or "year" between 1900 and 2100);`);
    this.addSql(`alter table "distribution" add constraint "distribution_byte_size_non_negative" check ("byte_size" is null or "byte_size" >= 0);`);
    this.addSql(`create function "audit_entry_is_append_only"() returns trigger language plpgsql as $$ begin raise exception 'audit_entry is append-only'; end $$;`);
    this.addSql(`create trigger "audit_entry_append_only" before update or delete on "audit_entry" for each row execute function "audit_entry_is_append_only"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "organisation" drop constraint "organisation_parent_id_foreign";`);
    this.addSql(`alter table "data_access_body" drop constraint "data_access_body_operated_by_id_foreign";`);
    this.addSql(`alter table "data_access_body" drop constraint "data_access_body_hosted_by_id_foreign";`);
    this.addSql(`alter table "catalogue" drop constraint "catalogue_publisher_id_foreign";`);
    this.addSql(`alter table "dataset" drop constraint "dataset_publisher_id_foreign";`);
    this.addSql(`alter table "dataset_data_holder" drop constraint "dataset_data_holder_organisation_id_foreign";`);
    this.addSql(`alter table "dataset_contributor" drop constraint "dataset_contributor_organisation_id_foreign";`);
    this.addSql(`alter table "study_funder" drop constraint "study_funder_organisation_id_foreign";`);
    this.addSql(`alter table "study_participant" drop constraint "study_participant_organisation_id_foreign";`);
    this.addSql(`alter table "dataset" drop constraint "dataset_hdab_id_foreign";`);
    this.addSql(`alter table "access_route" drop constraint "access_route_access_body_id_foreign";`);
    this.addSql(`alter table "access_route_step" drop constraint "access_route_step_body_id_foreign";`);
    this.addSql(`alter table "health_economic_evaluation" drop constraint "health_economic_evaluation_publication_id_foreign";`);
    this.addSql(`alter table "dataset_publication" drop constraint "dataset_publication_publication_id_foreign";`);
    this.addSql(`alter table "study_publication" drop constraint "study_publication_publication_id_foreign";`);
    this.addSql(`alter table "health_economic_result" drop constraint "health_economic_result_evaluation_id_foreign";`);
    this.addSql(`alter table "evaluation_study" drop constraint "evaluation_study_health_economic_evaluation_id_foreign";`);
    this.addSql(`alter table "evaluation_dataset" drop constraint "evaluation_dataset_health_economic_evaluation_id_foreign";`);
    this.addSql(`alter table "evaluation_study" drop constraint "evaluation_study_study_id_foreign";`);
    this.addSql(`alter table "dataset" drop constraint "dataset_was_generated_by_id_foreign";`);
    this.addSql(`alter table "study_funder" drop constraint "study_funder_study_id_foreign";`);
    this.addSql(`alter table "study_participant" drop constraint "study_participant_study_id_foreign";`);
    this.addSql(`alter table "study_publication" drop constraint "study_publication_study_id_foreign";`);
    this.addSql(`alter table "evaluation_dataset" drop constraint "evaluation_dataset_dataset_id_foreign";`);
    this.addSql(`alter table "distribution" drop constraint "distribution_dataset_id_foreign";`);
    this.addSql(`alter table "dataset_publication" drop constraint "dataset_publication_dataset_id_foreign";`);
    this.addSql(`alter table "dataset_data_holder" drop constraint "dataset_data_holder_dataset_id_foreign";`);
    this.addSql(`alter table "dataset_contributor" drop constraint "dataset_contributor_dataset_id_foreign";`);
    this.addSql(`alter table "consent_scope" drop constraint "consent_scope_dataset_id_foreign";`);
    this.addSql(`alter table "access_route" drop constraint "access_route_dataset_id_foreign";`);
    this.addSql(`alter table "access_route_step" drop constraint "access_route_step_route_id_foreign";`);

    this.addSql(`drop table if exists "audit_entry" cascade;`);
    this.addSql(`drop table if exists "organisation" cascade;`);
    this.addSql(`drop table if exists "data_access_body" cascade;`);
    this.addSql(`drop table if exists "catalogue" cascade;`);
    this.addSql(`drop table if exists "outbox_event" cascade;`);
    this.addSql(`drop table if exists "publication" cascade;`);
    this.addSql(`drop table if exists "health_economic_evaluation" cascade;`);
    this.addSql(`drop table if exists "health_economic_result" cascade;`);
    this.addSql(`drop table if exists "study" cascade;`);
    this.addSql(`drop table if exists "evaluation_study" cascade;`);
    this.addSql(`drop table if exists "dataset" cascade;`);
    this.addSql(`drop table if exists "evaluation_dataset" cascade;`);
    this.addSql(`drop table if exists "distribution" cascade;`);
    this.addSql(`drop table if exists "dataset_publication" cascade;`);
    this.addSql(`drop table if exists "dataset_data_holder" cascade;`);
    this.addSql(`drop table if exists "dataset_contributor" cascade;`);
    this.addSql(`drop table if exists "consent_scope" cascade;`);
    this.addSql(`drop table if exists "access_route" cascade;`);
    this.addSql(`drop table if exists "access_route_step" cascade;`);
    this.addSql(`drop table if exists "study_funder" cascade;`);
    this.addSql(`drop table if exists "study_participant" cascade;`);
    this.addSql(`drop table if exists "study_publication" cascade;`);

    this.addSql(`drop type "record_status";`);
    this.addSql(`drop type "provenance_source";`);
    this.addSql(`drop type "organisation_type";`);
    this.addSql(`drop type "data_access_body_kind";`);
    this.addSql(`drop type "data_access_body_operational_status";`);
    this.addSql(`drop type "publication_relation";`);
    this.addSql(`drop type "evaluation_type";`);
    this.addSql(`drop type "evaluation_perspective";`);
    this.addSql(`drop type "study_type";`);
    this.addSql(`drop type "diagnostic_area";`);
    this.addSql(`drop type "study_progress";`);
    this.addSql(`drop type "consent_type";`);
    this.addSql(`drop type "access_mode";`);
    this.addSql(`drop type "access_requirement";`);
  }

}
