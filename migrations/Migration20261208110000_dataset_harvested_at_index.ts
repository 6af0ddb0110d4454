import { Migration } from '@mikro-orm/migrations';

/**
 * The harvest listing's ?modifiedSince= and the catalogue's dct:modified read dataset.harvested_at beside
 * metadata_modified (a harvested dataset keeps its source's older dates, src/dcat/catalogue-source.ts), on every
 * request: indexed as metadata_modified is.
 */
export class Migration20261208110000_dataset_harvested_at_index extends Migration {
  override name = 'Migration20261208110000_dataset_harvested_at_index';

  override up(): void {
    this.addSql(`create index "dataset_harvested_at_index" on "dataset" ("harvested_at", "id");`);
  }

  override down(): void {
    this.addSql(`drop index "dataset_harvested_at_index";`);
  }
}
