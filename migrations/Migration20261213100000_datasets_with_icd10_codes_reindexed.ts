import { Migration } from '@mikro-orm/migrations';

/**
 * A dataset's search document now lists the ICD-10 categories above its ICD-10 codes (C92.0 under C92), so a
 * disease filter on a category finds it (src/ontology/disease-hierarchy.ts). Documents indexed before lack them:
 * the datasets with an ICD-10 code are queued for indexing once, as any change queues them.
 */
export class Migration20261213100000_datasets_with_icd10_codes_reindexed extends Migration {
  override name = 'Migration20261213100000_datasets_with_icd10_codes_reindexed';

  override up(): void {
    this.addSql(`insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts)
      select 'Dataset', d.id, now(), now(), 0 from dataset d
       where (d.cohort -> 'diseases')::text ~* 'icd'
         and not exists (select 1 from outbox_event o where o.aggregate_type = 'Dataset' and o.aggregate_id = d.id);`);
  }

  override down(): void {
    // Queued indexing is harmless to keep: the older documents it would restore are a subset of the new.
  }
}
