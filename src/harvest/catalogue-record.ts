import type { EntityManager } from '@mikro-orm/postgresql';
import { Catalogue } from '../catalogue/catalogue.entity.js';
import type { CatalogueConfig } from '../config.js';
import { systemActor } from '../records/viewer.js';
import { catalogueJsonSource } from './catalogue-json.js';
import { importCatalogue, type ImportReport } from './import.js';

/**
 * Gives a node without a catalogue record (a national node that starts empty and harvests regional ones)
 * the one its configuration describes, with its publisher, through the import's write path. A node that
 * has one keeps it. Returns null when there was nothing to do.
 */
export async function ensureCatalogueRecord(em: EntityManager, config: CatalogueConfig): Promise<ImportReport | null> {
  if (await em.count(Catalogue, {})) return null;
  const { publisher } = config;
  const document = {
    catalogue: {
      id: config.identifier,
      title: config.title,
      description: config.description,
      publisher: publisher.identifier,
      homepage: config.homepage,
      spatial: config.spatial,
      language: config.languages,
      themeTaxonomy: ['http://publications.europa.eu/resource/authority/data-theme'],
    },
    organisations: [{ id: publisher.identifier, name: publisher.name, type: 'PROGRAMME', homepage: publisher.homepage, contactEmail: publisher.contactEmail }],
  };
  const report = await importCatalogue(em, systemActor('setup'), catalogueJsonSource(document, 'configuration'), { publish: true });
  if (!report.committed) throw new Error(`the configured catalogue record is not valid: ${report.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  return report;
}

/**
 * Why the catalogue's publisher falls short as the contact of last resort, or null when it does not: organisations
 * and access bodies without contact details of their own (those a harvested gdcat region names among them) answer
 * through it in the DCAT output, and the HealthDCAT-AP NON_PUBLIC shapes require a contact point of every publisher
 * and health data access body.
 */
export async function catalogueContactGap(em: EntityManager): Promise<string | null> {
  const [record] = await em.find(Catalogue, {}, { populate: ['publisher'], orderBy: [{ issued: 'asc' }, { id: 'asc' }], limit: 1 });
  const publisher = record?.publisher;
  if (!publisher || publisher.contactEmail || publisher.homepage) return null;
  return (
    `the catalogue's publisher ${publisher.identifier} has no e-mail address or homepage: organisations and access bodies without contact ` +
    'details of their own then state no contact point in the DCAT output, which HealthDCAT-AP requires of the publishers and access bodies ' +
    'of non-public datasets; give it one (CATALOGUE_PUBLISHER_EMAIL or CATALOGUE_PUBLISHER_HOMEPAGE on a node that starts empty, else ' +
    'updateOrganisation)'
  );
}
