import { Migration } from '@mikro-orm/migrations';

/**
 * A server built without lz4 (the embedded PostgreSQL is one) compresses the audit entries' snapshots with pglz:
 * a third of the CPU of inserting them (one batch of 500 imported datasets: 70 ms, 45 ms uncompressed), and a bulk
 * import writes one per record. There they are stored out of line uncompressed (~4.5 kB instead of ~3 kB for a
 * new dataset's); a server with lz4 keeps compressing them with it (Migration20261204140000), which costs little.
 */
export class Migration20261206130000_audit_snapshots_uncompressed_without_lz4 extends Migration {
  override name = 'Migration20261206130000_audit_snapshots_uncompressed_without_lz4';

  override up(): void {
    this.addSql(`do $$ begin
      if (select attcompression from pg_attribute where attrelid = 'audit_entry'::regclass and attname = 'after') <> 'l' then
        alter table "audit_entry" alter column "before" set storage external, alter column "after" set storage external;
      end if;
    end $$;`);
  }

  override down(): void {
    this.addSql(`alter table "audit_entry" alter column "before" set storage extended, alter column "after" set storage extended;`);
  }
}
