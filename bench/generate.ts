import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * Adds `count` synthetic published datasets to a seeded catalogue, in SQL (set-based, seconds for 100k):
 * titles and descriptions from a domain word list, varied publishers, assays, diseases, cohort sizes,
 * DUO consent and access routes copied from the seed, and one outbox event each.
 */
export async function generateDatasets(orm: MikroORM, count: number): Promise<void> {
  const sql = orm.em.getConnection();
  await sql.execute(`
    create temporary table bench_words as select * from (values
      ('whole-genome'), ('exome'), ('panel'), ('leukaemia'), ('epilepsy'), ('cardiomyopathy'), ('sarcoma'),
      ('neuroblastoma'), ('lymphoma'), ('trio'), ('tumour/normal'), ('paediatric'), ('adult'), ('Skåne'),
      ('Örebro'), ('Västerbotten'), ('Uppsala'), ('Stockholm'), ('pharmacogenomics'), ('rare disease'),
      ('hereditary cancer'), ('myeloid'), ('RNA-seq'), ('long-read'), ('pathogen'), ('surveillance')) w(word)`);
  await sql.execute(`
    insert into dataset (id, identifier, version, status, issued, modified, owner_organisation_id, provenance_source,
                         created_at, title, description, keywords, diagnostic_area, theme, access_rights, other_identifiers,
                         publisher_id, cohort)
    select gen_random_uuid(), 'urn:bench:dataset:' || n, 1, 'PUBLISHED', now(), now() - (n || ' minutes')::interval,
           p.id, 'MANUAL', now(),
           initcap(w1.word) || ' ' || w2.word || ' cohort ' || n,
           'Synthetic benchmark dataset ' || n || ' about ' || w1.word || ' and ' || w2.word || ' sequenced in ' || w3.word || '.',
           array[w1.word, w3.word], a.area::diagnostic_area,
           'http://publications.europa.eu/resource/authority/data-theme/HEAL',
           'http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC', '{}', p.id,
           jsonb_build_object(
             'numberOfUniqueIndividuals', (n * 7919) % 20000,
             'diseases', jsonb_build_array(jsonb_build_object('iri', d.iri, 'label', d.label, 'system', 'MONDO')),
             'phenotypes', '[]'::jsonb, 'sampleTypes', '["blood"]'::jsonb, 'variantTypes', '["SNV"]'::jsonb,
             'sequencing', jsonb_build_object('assays', jsonb_build_array(s.assay)),
             'genomeBuild', jsonb_build_object('name', case when n % 3 = 0 then 'GRCh37' else 'GRCh38' end))
      from generate_series(1, ${Number(count)}) n
      join lateral (select id from organisation where type = 'REGION' order by identifier offset n % 7 limit 1) p on true
      join lateral (select word from bench_words offset n % 26 limit 1) w1 on true
      join lateral (select word from bench_words offset (n / 26) % 26 limit 1) w2 on true
      join lateral (select word from bench_words offset (n / 7) % 26 limit 1) w3 on true
      join lateral (select unnest(enum_range(null::diagnostic_area))::text area offset n % 8 limit 1) a on true
      join lateral (select * from (values ('http://purl.obolibrary.org/obo/MONDO_0018874', 'acute myeloid leukemia'),
                                          ('http://purl.obolibrary.org/obo/MONDO_0005027', 'epilepsy'),
                                          ('http://purl.obolibrary.org/obo/MONDO_0004992', 'cancer'),
                                          ('http://purl.obolibrary.org/obo/MONDO_0005045', 'hypertrophic cardiomyopathy')) v(iri, label)
                    offset n % 4 limit 1) d on true
      join lateral (select * from (values ('WGS'), ('WES'), ('PANEL'), ('WTS')) v(assay) offset n % 4 limit 1) s on true`);
  // Consent scopes and access bodies are copied from small numbered lists, joined on a modulo (set-based).
  await sql.execute(`
    create temporary table bench_consents as
    select row_number() over (order by d.identifier) - 1 as k, c.duo_permission, c.duo_modifiers, c.disease_restrictions,
           c.legal_bases, c.national_legal_basis, c.consent_key
      from consent_scope c join dataset d on d.id = c.dataset_id`);
  await sql.execute(`
    create temporary table bench_bodies as
    select row_number() over (order by identifier) - 1 as k, id from data_access_body where kind = 'REGIONAL_DISCLOSURE_FUNCTION'`);
  await sql.execute(`
    insert into consent_scope (id, dataset_id, duo_permission, duo_modifiers, disease_restrictions, legal_bases, national_legal_basis, consent_key)
    select gen_random_uuid(), d.id, c.duo_permission, c.duo_modifiers, c.disease_restrictions, c.legal_bases, c.national_legal_basis, c.consent_key
      from dataset d
      join bench_consents c on c.k = abs(hashtext(d.identifier)) % (select count(*) from bench_consents)
     where d.identifier like 'urn:bench:%'`);
  await sql.execute(`
    insert into access_route (id, dataset_id, access_body_id, access_mode, languages)
    select gen_random_uuid(), d.id, b.id, 'SECURE_PROCESSING_ENVIRONMENT', '{sv,en}'
      from dataset d
      join bench_bodies b on b.k = abs(hashtext(d.identifier)) % (select count(*) from bench_bodies)
     where d.identifier like 'urn:bench:%'`);
  await sql.execute(`
    insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts)
    select 'Dataset', id, now(), now(), 0 from dataset where identifier like 'urn:bench:%'`);
}

/**
 * Gives every synthetic dataset what a real one names, so a result page reads lists of several records:
 * three holders (the publisher and two other regions), two contributors, the seed's studies and HDAB, two
 * distributions, three route steps with their bodies, two publications and one or two evaluations.
 */
export async function addDatasetRelations(orm: MikroORM): Promise<void> {
  const sql = orm.em.getConnection();
  const BENCH = `select id, publisher_id, abs(hashtext(identifier)) as h from dataset where identifier like 'urn:bench:dataset:%'`;
  await sql.execute(`
    create temporary table bench_pick as
    select 'region' as kind, row_number() over (order by identifier) - 1 as k, id from organisation where type = 'REGION' and status = 'PUBLISHED'
    union all select 'organisation', row_number() over (order by identifier) - 1, id from organisation where type <> 'REGION' and status = 'PUBLISHED'
    union all select 'study', row_number() over (order by identifier) - 1, id from study where status = 'PUBLISHED'
    union all select 'body', row_number() over (order by identifier) - 1, id from data_access_body where status = 'PUBLISHED'
    union all select 'publication', row_number() over (order by identifier) - 1, id from publication where status = 'PUBLISHED'
    union all select 'evaluation', row_number() over (order by identifier) - 1, id from health_economic_evaluation where status = 'PUBLISHED'`);
  // The record of a kind at `offset` (a number or an SQL expression) from a dataset's hash: distinct offsets
  // give distinct records as long as the kind has as many.
  const pick = (kind: string, offset: number | string) =>
    `(select id from bench_pick where kind = '${kind}' and k = (d.h + ${offset}) % (select count(*) from bench_pick where kind = '${kind}'))`;
  await sql.execute(`
    insert into dataset_data_holder (dataset_id, organisation_id)
    select distinct d.id, o.id from (${BENCH}) d cross join lateral (values (d.publisher_id), (${pick('region', 1)}), (${pick('region', 3)})) o(id)`);
  await sql.execute(`
    insert into dataset_contributor (dataset_id, organisation_id)
    select distinct d.id, o.id from (${BENCH}) d cross join lateral (values (${pick('organisation', 0)}), (${pick('organisation', 1)})) o(id)`);
  await sql.execute(`
    update dataset set was_generated_by_id = ${pick('study', 0)}, hdab_id = (select id from data_access_body where identifier = 'urn:example:gms-catalogue:dab:se-hdab')
      from (${BENCH}) d where dataset.id = d.id`);
  await sql.execute(`
    insert into distribution (id, dataset_id, title, formats, position)
    select gen_random_uuid(), d.id, 'Files ' || p, '[{"label": "CRAM"}, {"label": "VCF"}]', p from (${BENCH}) d cross join generate_series(1, 2) p`);
  await sql.execute(`
    insert into access_route_step (id, route_id, position, requirement, body_id)
    select gen_random_uuid(), r.id, p, (array['ETHICS_APPROVAL', 'DAC_REVIEW', 'CONTROLLER_DISCLOSURE_DECISION'])[p]::access_requirement, ${pick('body', 'p')}
      from (${BENCH}) d join access_route r on r.dataset_id = d.id cross join generate_series(1, 3) p`);
  await sql.execute(`
    insert into dataset_publication (dataset_id, publication_id)
    select distinct d.id, o.id from (${BENCH}) d cross join lateral (values (${pick('publication', 0)}), (${pick('publication', 1)})) o(id)`);
  await sql.execute(`
    insert into evaluation_dataset (health_economic_evaluation_id, dataset_id)
    select distinct o.id, d.id from (${BENCH}) d cross join lateral (values (${pick('evaluation', 0)}), (${pick('evaluation', 'd.h % 2')})) o(id)`);
}
