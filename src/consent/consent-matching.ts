import type { EntityManager } from '@mikro-orm/postgresql';
import type { Problems } from '../core/problems.js';
import type { ResearchPurposeInput } from './consent.types.js';
import { assessUse, type ConsentRules, type ResearchPurpose } from './use-assessment.js';
import { checkCountryCode } from '../core/validation.js';
import { diseaseIdSyntaxProblem, normaliseDiseaseId } from '../ontology/disease-hierarchy.js';

/** Maps the GraphQL purpose onto the rule engine's purpose, validating what the rules rely on. */
export function toResearchPurpose(input: ResearchPurposeInput, field: string, problems: Problems): ResearchPurpose {
  const diseases = input.diseases ?? [];
  diseases.forEach((disease, i) => {
    const syntax = diseaseIdSyntaxProblem(disease);
    if (syntax) problems.add(`${field}.diseases[${i}]`, syntax);
  });
  return {
    primaryPurpose: input.primaryPurpose,
    diseases: diseases.map((d) => normaliseDiseaseId(d)),
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
 * The distinct consent keys by a loose index scan: one index probe per distinct key (a few dozen) instead of
 * reading every consent scope (100k at national scale) as `select distinct` does.
 */
const DISTINCT_CONSENT_KEYS = `
  with recursive distinct_keys(consent_key) as (
    (select consent_key from consent_scope order by consent_key limit 1)
    union all
    select (select c.consent_key from consent_scope c where c.consent_key > k.consent_key order by c.consent_key limit 1)
      from distinct_keys k where k.consent_key is not null
  )
  select consent_key from distinct_keys where consent_key is not null`;

/** Rules by consent key. A key is a hash of the rules, so an entry never goes stale. */
const rulesByKey = new Map<string, ConsentRules>();

/**
 * The consent keys whose rules permit the purpose (outcome PERMITTED; never NEEDS_REVIEW). The rule engine runs once per distinct consent (far
 * fewer than datasets), so "permittedFor" in search gives exactly the answer of Dataset.useAssessment.
 */
export async function permittedConsentKeys(
  em: EntityManager,
  input: ResearchPurposeInput,
  field: string,
  problems: Problems,
): Promise<string[]> {
  const purpose = toResearchPurpose(input, field, problems);
  const connection = em.getConnection();
  const keys = (await connection.execute<{ consent_key: string }[]>(DISTINCT_CONSENT_KEYS)).map((r) => r.consent_key);
  const unknown = keys.filter((key) => !rulesByKey.has(key));
  if (unknown.length > 0) {
    const rows = await connection.execute<{ consent_key: string; duo_permission: string; duo_modifiers: ConsentRules['modifiers']; disease_restrictions: string[] }[]>(
      `select distinct on (consent_key) consent_key, duo_permission, duo_modifiers, disease_restrictions
         from consent_scope where consent_key in (?)`,
      [unknown],
    );
    for (const row of rows) {
      rulesByKey.set(row.consent_key, { permission: row.duo_permission, modifiers: row.duo_modifiers, diseaseRestrictions: row.disease_restrictions });
    }
  }
  return keys.filter((key) => {
    const rules = rulesByKey.get(key);
    return !!rules && assessUse(rules, purpose).permitted;
  });
}
