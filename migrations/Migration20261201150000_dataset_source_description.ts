import { Migration } from '@mikro-orm/migrations';

/**
 * What a harvested dataset's source states that the record has no field for (themes, spatial and temporal
 * coverage, its contact point) moves from harvested_dataset to the dataset itself, so the DCAT writers, which
 * describe datasets from their rows, write it out again.
 */
export class Migration20261201150000_dataset_source_description extends Migration {
  override name = 'Migration20261201150000_dataset_source_description';

  override up(): void {
    this.addSql(`alter table "dataset" add column "source_description" jsonb null;`);
    this.addSql(`update "dataset" d set "source_description" = h."description"
      from "harvested_dataset" h where h."identifier" = d."identifier" and h."description" is not null;`);
    this.addSql(`alter table "harvested_dataset" drop column "description";`);
  }

  override down(): void {
    this.addSql(`alter table "harvested_dataset" add column "description" jsonb null;`);
    this.addSql(`update "harvested_dataset" h set "description" = d."source_description"
      from "dataset" d where d."identifier" = h."identifier";`);
    this.addSql(`alter table "dataset" drop column "source_description";`);
  }
}
