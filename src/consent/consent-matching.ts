import type { EntityManager } from '@mikro-orm/postgresql';
import type { Problems } from '../common/user-error.js';
import { ConsentScope } from './consent-scope.entity.js';
import type { ResearchPurposeInput } from './consent.types.js';
import { assessUse, type ResearchPurpose } from './use-assessment.js';
import { checkCountryCode } from '../common/validation.js';
import { normaliseDiseaseId } from '../ontology/disease-hierarchy.js';

/** Maps the GraphQL purpose onto the rule engine's purpose, validating what the rules rely on. */
export function toResearchPurpose(input: ResearchPurposeInput, field: string, problems: Problems): ResearchPurpose {
  return {
    primaryPurpose: input.primaryPurpose,
    diseases: (input.diseases ?? []).map((d) => normaliseDiseaseId(d)),
    commercial: input.commercial ?? false,
    forProfitOrganisation: input.forProfitOrganisation ?? false,
    country: checkCountryCode(problems, `${field}.country`, input.country),
    methodsDevelopment: input.methodsDevelopment ?? false,
    ancestryResearch: input.ancestryResearch ?? false,
    nonGeneticResearch: input.nonGeneticResearch ?? false,
    clinicalCare: input.clinicalCare ?? false,
    researchType: input.researchType ?? null,
    requesterId: input.requesterId ?? null,
    institutionId: input.institutionId ?? null,
    projectId: input.projectId ?? null,
  };
}

/**
 * The consent keys whose rules permit the purpose. The rule engine runs once per distinct consent (far
 * fewer than datasets), so "permittedFor" in search gives exactly the answer of Dataset.useAssessment.
 */
export async function permittedConsentKeys(
  em: EntityManager,
  input: ResearchPurposeInput,
  field: string,
  problems: Problems,
): Promise<string[]> {
  const purpose = toResearchPurpose(input, field, problems);
  const distinct = await em
    .getConnection()
    .execute<{ consent_key: string; duo_permission: string; duo_modifiers: { code: string; value?: string | null }[]; disease_restrictions: string[] }[]>(
      `select distinct on (consent_key) consent_key, duo_permission, duo_modifiers, disease_restrictions
         from ${em.getMetadata(ConsentScope).tableName}`,
    );
  return distinct
    .filter((row) =>
      assessUse({ permission: row.duo_permission, modifiers: row.duo_modifiers, diseaseRestrictions: row.disease_restrictions }, purpose).permitted,
    )
    .map((row) => row.consent_key);
}
