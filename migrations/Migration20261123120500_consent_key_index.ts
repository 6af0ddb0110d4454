import { Migration } from '@mikro-orm/migrations';

/** permittedFor reads the distinct consent keys on every request; an index makes that an index-only scan. */
export class Migration20261123120500_consent_key_index extends Migration {
  override name = 'Migration20261123120500_consent_key_index';

  override up(): void {
    this.addSql(`create index "consent_scope_consent_key_index" on "consent_scope" ("consent_key");`);
  }

  override down(): void {
    this.addSql(`drop index "consent_scope_consent_key_index";`);
  }
}
