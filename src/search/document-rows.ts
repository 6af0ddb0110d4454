import type { EntityManager } from '@mikro-orm/postgresql';
import { OrganisationType } from '../organisations/organisation.entity.js';
import type { RecordStatus } from '../records/record.js';
import type { Translations } from '../records/translations.js';
import { idArray } from './id-array.js';

type Connection = ReturnType<EntityManager['getConnection']>;

/** One dataset with everything its search document is made of, as one row of documentRowsSql. */
export interface DocumentRow {
  id: string;
  identifier: string;
  status: RecordStatus;
  owner_organisation_id: string | null;
  title: string;
  description: string;
  keywords: string[];
  language: string;
  translations: Translations | null;
  diagnostic_area: string | null;
  /** The parts of the cohort JSON the document uses, as stored (JSON, so numbers stay numbers). */
  diseases: { iri: string; label?: string | null }[] | null;
  phenotypes: { label?: string | null }[] | null;
  assays: string[] | null;
  genome_build: string | null;
  individuals: number | null;
  issued: Date | string | null;
  modified: Date | string;
  publisher_id: string;
  publisher_status: RecordStatus;
  publisher_owner_organisation_id: string | null;
  publisher_name: string;
  publisher_language: string;
  publisher_translations: Translations | null;
  duo_permission: string | null;
  consent_key: string | null;
  access_mode: string | null;
  /** The route's own body, if any. */
  access_body_id: string | null;
  /** The bodies of the route's steps, in step order (repeats kept: toDocument lists each body once). */
  step_body_ids: string[];
  holding_region_ids: string[];
}

/**
 * One statement for a whole batch: the dataset row with its publisher, consent and route joined, and the
 * holders and step bodies listed per dataset, each an index-only lookup (the covering keys of migration
 * 20261202130000), so building N documents costs one round trip whatever N is. Lists come as JSON, which the
 * driver parses natively (several times faster than its array parser). Datasets that no longer exist are
 * simply absent.
 */
const DOCUMENT_ROWS_SQL = `
select d.id, d.identifier, d.status, d.owner_organisation_id, d.title, d.description, to_json(d.keywords) as keywords,
       d.language, d.translations, d.diagnostic_area, d.cohort -> 'diseases' as diseases, d.cohort -> 'phenotypes' as phenotypes,
       d.cohort -> 'sequencing' -> 'assays' as assays, d.cohort -> 'genomeBuild' -> 'name' as genome_build,
       d.cohort -> 'numberOfUniqueIndividuals' as individuals, d.issued, d.modified,
       p.id as publisher_id, p.status as publisher_status, p.owner_organisation_id as publisher_owner_organisation_id,
       p.name as publisher_name, p.language as publisher_language, p.translations as publisher_translations,
       c.duo_permission, c.consent_key, r.access_mode, r.access_body_id,
       to_json(array(select s.body_id from access_route_step s
                      where s.route_id = r.id and s.body_id is not null order by s.position)) as step_body_ids,
       -- The regions are listed once per statement (an uncorrelated subquery), not joined per holder.
       to_json(array(select h.organisation_id from dataset_data_holder h
                      where h.dataset_id = d.id and h.organisation_id = any(array(select id from organisation where type = ?))
                      order by h.organisation_id)) as holding_region_ids
  from dataset d
  join organisation p on p.id = d.publisher_id
  -- One index lookup per dataset (LIMIT keeps the planner from turning these into scans of whole tables).
  left join lateral (select duo_permission, consent_key from consent_scope where dataset_id = d.id limit 1) c on true
  left join lateral (select id, access_mode, access_body_id from access_route where dataset_id = d.id limit 1) r on true
 where d.id = any(?::uuid[])`;

/** The rows of the given datasets (in the caller's transaction when `ctx` is given). */
export async function readDocumentRows(connection: Connection, datasetIds: string[], ctx?: unknown): Promise<DocumentRow[]> {
  if (datasetIds.length === 0) return [];
  return connection.execute<DocumentRow[]>(DOCUMENT_ROWS_SQL, [OrganisationType.REGION, idArray(datasetIds)], 'all', ctx as never);
}
