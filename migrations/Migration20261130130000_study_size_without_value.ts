import { Migration } from '@mikro-orm/migrations';

/**
 * A planned study size whose value the source did not give was stored as { value: null, unit }, which
 * GraphQL's StudySize (value required) cannot return: every read of such a study failed. It is no size.
 */
export class Migration20261130130000_study_size_without_value extends Migration {
  override name = 'Migration20261130130000_study_size_without_value';

  override up(): void {
    this.addSql(`update "study" set "planned_size" = null where "planned_size" is not null and jsonb_typeof("planned_size"::jsonb -> 'value') is distinct from 'number';`);
  }

  override down(): void {
    // The unit of a size without value is gone for good; nothing to restore.
  }
}
