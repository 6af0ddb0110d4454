import { Migration } from '@mikro-orm/migrations';

const TRANSLATED_TABLES = ['dataset', 'organisation', 'data_access_body'];

/**
 * Swedish and English content: each record keeps its texts in its own language in the existing columns
 * (everything written so far is English) and the other language's texts in `translations`
 * (see src/records/translations.ts).
 */
export class Migration20261130170000_content_languages extends Migration {
  override name = 'Migration20261130170000_content_languages';

  override up(): void {
    for (const table of TRANSLATED_TABLES) {
      this.addSql(`alter table "${table}" add column "language" text not null default 'en',
        add column "translations" jsonb not null default '{}',
        add constraint "${table}_language_check" check ("language" in ('sv', 'en')),
        add constraint "${table}_translations_check" check (jsonb_typeof("translations") = 'object');`);
    }
  }

  override down(): void {
    for (const table of TRANSLATED_TABLES) {
      this.addSql(`alter table "${table}" drop column "language", drop column "translations";`);
    }
  }
}
