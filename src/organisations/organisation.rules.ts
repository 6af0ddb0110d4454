import { randomUUID } from 'node:crypto';
import type { RecordRules } from '../records/record-service.js';
import { recordsNaming, refuseRemovalWhileNamed } from '../records/named-by.js';
import { RecordStatus } from '../records/record.js';
import { checkEmail, checkUrl } from '../core/validation.js';
import { applyTranslatedFields, NAME_TEXTS } from '../records/translations.js';
import { Catalogue } from '../catalogue/catalogue.entity.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { enqueueDatasetIndexing } from '../search/outbox.js';
import { Organisation, OrganisationType } from './organisation.entity.js';
import type { OrganisationPatch, OrganisationInput } from './organisation.inputs.js';

/** Organisations own themselves: their data managers maintain them; only admins register new ones. */
export const organisationRules: RecordRules<Organisation, OrganisationInput, OrganisationPatch> = {
  entity: Organisation,
  async build(em, input, problems, refs) {
    if (!input.type) problems.add('input.type', 'is required', 'REQUIRED');
    const organisation = Object.assign(new Organisation(), {
      identifier: input.identifier?.trim() || `urn:gdcat:organisation:${randomUUID()}`,
      name: '',
      type: input.type ?? OrganisationType.REGION,
    });
    organisation.ownerOrganisationId = organisation.id;
    await organisationRules.apply(em, organisation, input, problems, refs);
    return organisation;
  },
  async apply(_em, organisation, patch, problems, refs) {
    applyTranslatedFields(organisation, NAME_TEXTS, { ...patch }, problems);
    if (patch.type) organisation.type = patch.type;
    if (patch.publisherType !== undefined) organisation.publisherType = checkUrl(problems, 'input.publisherType', patch.publisherType);
    if (patch.roles != null) organisation.roles = patch.roles;
    if (patch.homepage !== undefined) organisation.homepage = checkUrl(problems, 'input.homepage', patch.homepage);
    if (patch.orgNumber !== undefined) organisation.orgNumber = patch.orgNumber;
    if (patch.contactEmail !== undefined) organisation.contactEmail = checkEmail(problems, 'input.contactEmail', patch.contactEmail);
    if (patch.parent !== undefined) {
      const parent = patch.parent ? await refs.link(Organisation, patch.parent, 'input.parent', problems) : null;
      if (parent && parent.id === organisation.id) problems.add('input.parent', 'an organisation cannot be its own parent');
      else organisation.parent = parent;
    }
  },
  // The catalogue's own dct:publisher, and the contact point of agents without one, come from this organisation.
  async checkRemovable(em, organisation, problems, policy) {
    if (await em.count(Catalogue, { publisher: organisation.id })) {
      problems.add('id', 'this organisation publishes the catalogue itself; give the catalogue record another publisher first', 'INVALID_TRANSITION');
    }
    // Withdrawn, an organisation leaves every published record naming it (holders, whom to ask, study participants),
    // whoever owns them; a draft goes only when nothing names it.
    const draft = organisation.status === RecordStatus.DRAFT;
    const naming = await recordsNaming(em, draft ? [...namingOrganisation(''), HARVEST_SOURCES_SPEAKING_FOR] : namingOrganisation("and x.status = 'PUBLISHED'"), organisation.id);
    refuseRemovalWhileNamed(problems, naming, draft ? 'name this organisation' : 'are published naming this organisation', policy);
  },
  // Publisher names are part of the dataset search documents.
  async afterChange(em, organisation) {
    const published = await em.find(Dataset, { publisher: organisation.id }, { fields: ['id'] });
    enqueueDatasetIndexing(em, published.map((d) => d.id));
  },
};

const HARVEST_SOURCES_SPEAKING_FOR = "select 'harvest source', x.identifier, null, x.organisation_id from harvest_source x where x.organisation_id = ?";

/** The records naming an organisation (`published`: a condition on each naming record `x`). */
function namingOrganisation(published: string): string[] {
  return [
    `select 'dataset' as kind, x.identifier, x.status, x.owner_organisation_id as "ownerOrganisationId" from dataset x where x.publisher_id = ? ${published}`,
    `select 'dataset', x.identifier, x.status, x.owner_organisation_id from dataset x join dataset_data_holder h on h.dataset_id = x.id where h.organisation_id = ? ${published}`,
    `select 'dataset', x.identifier, x.status, x.owner_organisation_id from dataset x join dataset_contributor c on c.dataset_id = x.id where c.organisation_id = ? ${published}`,
    `select 'study', x.identifier, x.status, x.owner_organisation_id from study x join study_funder f on f.study_id = x.id where f.organisation_id = ? ${published}`,
    `select 'study', x.identifier, x.status, x.owner_organisation_id from study x join study_participant p on p.study_id = x.id where p.organisation_id = ? ${published}`,
    `select 'access body', x.identifier, x.status, x.owner_organisation_id from data_access_body x where x.operated_by_id = ? ${published}`,
    `select 'access body', x.identifier, x.status, x.owner_organisation_id from data_access_body x where x.hosted_by_id = ? ${published}`,
    `select 'organisation', x.identifier, x.status, x.owner_organisation_id from organisation x where x.parent_id = ? ${published}`,
  ];
}
