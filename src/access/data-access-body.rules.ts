import { randomUUID } from 'node:crypto';
import type { RecordRules } from '../records/record-service.js';
import { recordsNaming, refuseRemovalWhileNamed } from '../records/named-by.js';
import { RecordStatus } from '../records/record.js';
import { checkCountryCode, checkEmail, checkUrl } from '../core/validation.js';
import { applyTranslatedFields, NAME_TEXTS } from '../records/translations.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { DataAccessBody, DataAccessBodyKind } from './data-access-body.entity.js';
import type { DataAccessBodyPatch, DataAccessBodyInput } from './data-access-body.inputs.js';

export const dataAccessBodyRules: RecordRules<DataAccessBody, DataAccessBodyInput, DataAccessBodyPatch> = {
  entity: DataAccessBody,
  async build(em, input, problems, refs) {
    if (!input.kind) problems.add('input.kind', 'is required', 'REQUIRED');
    const body = Object.assign(new DataAccessBody(), {
      identifier: input.identifier?.trim() || `urn:gdcat:access-body:${randomUUID()}`,
      name: '',
      kind: input.kind ?? DataAccessBodyKind.DAC,
    });
    await dataAccessBodyRules.apply(em, body, input, problems, refs);
    const owner = input.ownerOrganisation
      ? await refs.claim(Organisation, input.ownerOrganisation, 'input.ownerOrganisation', problems)
      : null;
    body.ownerOrganisationId = owner?.id ?? body.operatedBy?.id ?? null;
    if (!input.ownerOrganisation && !input.operatedBy) {
      problems.add('input.ownerOrganisation', 'give the owning or operating organisation', 'REQUIRED');
    }
    return body;
  },
  async apply(_em, body, patch, problems, refs) {
    applyTranslatedFields(body, NAME_TEXTS, { ...patch }, problems);
    if (patch.kind) body.kind = patch.kind;
    if (patch.operatedBy !== undefined) {
      body.operatedBy = patch.operatedBy ? await refs.claim(Organisation, patch.operatedBy, 'input.operatedBy', problems) : null;
    }
    if (patch.hostedBy !== undefined) {
      body.hostedBy = patch.hostedBy ? await refs.link(Organisation, patch.hostedBy, 'input.hostedBy', problems) : null;
    }
    if (patch.contactEmail !== undefined) body.contactEmail = checkEmail(problems, 'input.contactEmail', patch.contactEmail);
    if (patch.applicationUrl !== undefined) body.applicationUrl = checkUrl(problems, 'input.applicationUrl', patch.applicationUrl);
    if (patch.jurisdiction != null) body.jurisdiction = checkCountryCode(problems, 'input.jurisdiction', patch.jurisdiction) ?? 'SE';
    if (patch.operationalStatus) body.operationalStatus = patch.operationalStatus;
    if (patch.note !== undefined) body.note = patch.note;
  },
  async checkRemovable(em, body, problems, policy) {
    // Published datasets keep the bodies they name published: their hdab (HealthDCAT-AP requires one of non-public
    // data) and the bodies on their access route, or researchers lose whom to ask for a step. A draft goes only when
    // no dataset names it at all, which the database would refuse anyway.
    const draft = body.status === RecordStatus.DRAFT;
    const naming = await recordsNaming(em, draft ? namingDatasets('') : namingDatasets("and d.status = 'PUBLISHED'"), body.id);
    refuseRemovalWhileNamed(problems, naming, `${draft ? 'name' : 'are published naming'} this body (as hdab or on their access route)`, policy);
  },
};

/** The datasets naming a body as hdab, as their route's first contact or on a route step; `where` narrows them. */
const namingDatasets = (where: string): string[] => [
  `select 'dataset' as kind, d.identifier, d.status, d.owner_organisation_id as "ownerOrganisationId" from dataset d where d.hdab_id = ? ${where}`,
  `select 'dataset', d.identifier, d.status, d.owner_organisation_id from dataset d join access_route r on r.dataset_id = d.id where r.access_body_id = ? ${where}`,
  `select 'dataset', d.identifier, d.status, d.owner_organisation_id from dataset d join access_route r on r.dataset_id = d.id join access_route_step s on s.route_id = r.id where s.body_id = ? ${where}`,
];
