import { randomUUID } from 'node:crypto';
import type { RecordRules } from '../records/record-service.js';
import { checkCount, checkPartialDate, checkText } from '../core/validation.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Publication } from '../publications/publication.entity.js';
import { Study, StudyType } from './study.entity.js';
import type { StudyPatch, StudyInput } from './study.inputs.js';

export const studyRules: RecordRules<Study, StudyInput, StudyPatch> = {
  entity: Study,
  async build(em, input, problems, refs) {
    if (!input.title?.trim()) problems.add('input.title', 'is required', 'REQUIRED');
    if (!input.studyType) problems.add('input.studyType', 'is required', 'REQUIRED');
    const owner = await refs.claim(Organisation, input.ownerOrganisation, 'input.ownerOrganisation', problems);
    const study = Object.assign(new Study(), {
      identifier: input.identifier?.trim() || `urn:gdcat:study:${randomUUID()}`,
      title: input.title?.trim() ?? '',
      studyType: input.studyType ?? StudyType.RESEARCH,
    });
    study.ownerOrganisationId = owner?.id ?? null;
    await studyRules.apply(em, study, input, problems, refs);
    return study;
  },
  async apply(_em, study, patch, problems, refs) {
    if (patch.title !== undefined) {
      if (!patch.title?.trim()) problems.add('input.title', 'cannot be empty', 'REQUIRED');
      else study.title = checkText(problems, 'input.title', patch.title, 500);
    }
    if (patch.acronym !== undefined) study.acronym = patch.acronym;
    if (patch.description != null) study.description = checkText(problems, 'input.description', patch.description, 20_000);
    if (patch.studyType) study.studyType = patch.studyType;
    if (patch.diagnosticArea !== undefined) study.diagnosticArea = patch.diagnosticArea;
    if (patch.progress) study.progress = patch.progress;
    for (const key of ['startDate', 'endDate'] as const) {
      const value = patch[key];
      if (value === undefined) continue;
      checkPartialDate(problems, `input.${key}`, value);
      study[key] = value;
    }
    if (study.startDate && study.endDate && study.endDate < study.startDate) problems.add('input.endDate', 'is before startDate');
    if (patch.plannedSize !== undefined) {
      // Imports bring the size in as JSON: a size whose value the source does not give is no size at all
      // (GraphQL's StudySize.value is required, so keeping it would break every read of the study).
      const size = patch.plannedSize?.value == null ? null : patch.plannedSize;
      if (size) {
        checkCount(problems, 'input.plannedSize.value', size.value);
        if (typeof size.unit !== 'string' || !size.unit.trim()) problems.add('input.plannedSize.unit', 'is required', 'REQUIRED');
      }
      study.plannedSize = size;
    }
    if (patch.actualSize !== undefined) {
      checkCount(problems, 'input.actualSize', patch.actualSize);
      study.actualSize = patch.actualSize;
    }
    if (patch.ethicsApprovals != null) {
      patch.ethicsApprovals.forEach((approval, index) => checkPartialDate(problems, `input.ethicsApprovals[${index}].date`, approval.date));
      study.ethicsApprovals = patch.ethicsApprovals;
    }
    if (patch.healthConditions != null) study.healthConditions = patch.healthConditions;
    if (patch.registration !== undefined) study.registration = patch.registration;
    if (patch.funders != null) study.funders.set(await refs.links(Organisation, patch.funders, 'input.funders', problems));
    if (patch.participatingOrganisations != null) {
      study.participatingOrganisations.set(await refs.links(Organisation, patch.participatingOrganisations, 'input.participatingOrganisations', problems));
    }
    if (patch.publications != null) study.publications.set(await refs.links(Publication, patch.publications, 'input.publications', problems));
  },
};
