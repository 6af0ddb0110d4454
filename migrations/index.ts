import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123110414_initial_catalogue } from './Migration20261123110414_initial_catalogue.js';
import { Migration20261123120500_consent_key_index } from './Migration20261123120500_consent_key_index.js';
import { Migration20261130074500_source_fingerprint } from './Migration20261130074500_source_fingerprint.js';
import { Migration20261130080000_dataset_metadata_modified } from './Migration20261130080000_dataset_metadata_modified.js';
import { Migration20261130093200_outbox_notify } from './Migration20261130093200_outbox_notify.js';
import { Migration20261130120000_indexing_failure } from './Migration20261130120000_indexing_failure.js';
import { Migration20261130130000_study_size_without_value } from './Migration20261130130000_study_size_without_value.js';
import { Migration20261130140000_access_route_step_position_deferred } from './Migration20261130140000_access_route_step_position_deferred.js';
import { Migration20261130140100_catalogue_changes_touch_datasets } from './Migration20261130140100_catalogue_changes_touch_datasets.js';
import { Migration20261130150000_harvest_sources } from './Migration20261130150000_harvest_sources.js';
import { Migration20261130170000_content_languages } from './Migration20261130170000_content_languages.js';
import { Migration20261201140000_dataset_parts_touch_datasets_per_statement } from './Migration20261201140000_dataset_parts_touch_datasets_per_statement.js';
import { Migration20261201150000_dataset_source_description } from './Migration20261201150000_dataset_source_description.js';
import { Migration20261201150100_harvest_run_warnings } from './Migration20261201150100_harvest_run_warnings.js';
import { Migration20261202130000_search_document_covering_keys } from './Migration20261202130000_search_document_covering_keys.js';
import { Migration20261203110000_dataset_insert_metadata_modified_now } from './Migration20261203110000_dataset_insert_metadata_modified_now.js';
import { Migration20261204100000_evaluation_dataset_by_dataset } from './Migration20261204100000_evaluation_dataset_by_dataset.js';
import { Migration20261204140000_snapshots_compressed_with_lz4 } from './Migration20261204140000_snapshots_compressed_with_lz4.js';
import { Migration20261205100000_outbox_settled } from './Migration20261205100000_outbox_settled.js';
import { Migration20261206130000_audit_snapshots_uncompressed_without_lz4 } from './Migration20261206130000_audit_snapshots_uncompressed_without_lz4.js';
import { Migration20261207100000_search_index_in_use } from './Migration20261207100000_search_index_in_use.js';

/** Migrations in order; listed explicitly so the same list runs from TypeScript sources and compiled output. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261123110414_initial_catalogue', class: Migration20261123110414_initial_catalogue },
  { name: 'Migration20261123120500_consent_key_index', class: Migration20261123120500_consent_key_index },
  { name: 'Migration20261130074500_source_fingerprint', class: Migration20261130074500_source_fingerprint },
  { name: 'Migration20261130080000_dataset_metadata_modified', class: Migration20261130080000_dataset_metadata_modified },
  { name: 'Migration20261130093200_outbox_notify', class: Migration20261130093200_outbox_notify },
  { name: 'Migration20261130120000_indexing_failure', class: Migration20261130120000_indexing_failure },
  { name: 'Migration20261130130000_study_size_without_value', class: Migration20261130130000_study_size_without_value },
  { name: 'Migration20261130140000_access_route_step_position_deferred', class: Migration20261130140000_access_route_step_position_deferred },
  { name: 'Migration20261130140100_catalogue_changes_touch_datasets', class: Migration20261130140100_catalogue_changes_touch_datasets },
  { name: 'Migration20261130150000_harvest_sources', class: Migration20261130150000_harvest_sources },
  { name: 'Migration20261130170000_content_languages', class: Migration20261130170000_content_languages },
  { name: 'Migration20261201140000_dataset_parts_touch_datasets_per_statement', class: Migration20261201140000_dataset_parts_touch_datasets_per_statement },
  { name: 'Migration20261201150000_dataset_source_description', class: Migration20261201150000_dataset_source_description },
  { name: 'Migration20261201150100_harvest_run_warnings', class: Migration20261201150100_harvest_run_warnings },
  { name: 'Migration20261202130000_search_document_covering_keys', class: Migration20261202130000_search_document_covering_keys },
  { name: 'Migration20261203110000_dataset_insert_metadata_modified_now', class: Migration20261203110000_dataset_insert_metadata_modified_now },
  { name: 'Migration20261204100000_evaluation_dataset_by_dataset', class: Migration20261204100000_evaluation_dataset_by_dataset },
  { name: 'Migration20261204140000_snapshots_compressed_with_lz4', class: Migration20261204140000_snapshots_compressed_with_lz4 },
  { name: 'Migration20261205100000_outbox_settled', class: Migration20261205100000_outbox_settled },
  { name: 'Migration20261206130000_audit_snapshots_uncompressed_without_lz4', class: Migration20261206130000_audit_snapshots_uncompressed_without_lz4 },
  { name: 'Migration20261207100000_search_index_in_use', class: Migration20261207100000_search_index_in_use },
];
