import type { Problems } from '../core/problems.js';
import { checkPartialDate } from '../core/validation.js';
import type { Dataset } from '../datasets/dataset.entity.js';
import { normaliseDiseaseId } from '../ontology/disease-hierarchy.js';
import { ConsentScope, type DuoModifier } from './consent-scope.entity.js';
import type { ConsentScopeInput } from './consent-scope.inputs.js';
import { findDuoTerm, validateConsentCodes } from './duo-vocabulary.js';
import { consentKey, type ConsentRules } from './use-assessment.js';

export interface NormalisedConsent extends ConsentRules {
  modifiers: DuoModifier[];
  key: string;
}

/**
 * Turns consent input (CURIEs, IRIs or shorthands) into stored form: DUO CURIEs and disease CURIEs,
 * checked against the pinned DUO release. Returns null and reports problems when it is not valid.
 */
export function normaliseConsent(
  input: { duoPermission: string; duoModifiers?: DuoModifier[] | null; diseaseRestrictions?: string[] | null },
  field: string,
  problems: Problems,
): NormalisedConsent | null {
  const toCode = (value: string) => findDuoTerm(value)?.code ?? value;
  const permission = toCode(input.duoPermission.trim());
  const modifiers = (input.duoModifiers ?? []).map((m) => ({ code: toCode(m.code.trim()), value: m.value ?? null }));
  const diseaseRestrictions = (input.diseaseRestrictions ?? []).map((d) => normaliseDiseaseId(d));
  const errors = validateConsentCodes(permission, modifiers, diseaseRestrictions).map((e) => ({
    ...e,
    field: `${field}.${e.field.replace(/^consent\./, '')}`,
  }));
  problems.addAll(errors);
  if (errors.length > 0) return null;
  const rules = { permission, modifiers, diseaseRestrictions };
  return { ...rules, key: consentKey(rules) };
}

/**
 * A dataset's consent scope as `input` gives it, replaced whole: the stored one (read by `stored`, only once the
 * input is valid) keeps its row with the new values, or a new one is made. Null, with the problems reported,
 * when the input is not valid.
 */
export async function consentScopeFrom(
  dataset: Dataset,
  stored: () => Promise<ConsentScope | null>,
  input: ConsentScopeInput,
  field: string,
  problems: Problems,
): Promise<ConsentScope | null> {
  const rules = normaliseConsent(input, field, problems);
  checkPartialDate(problems, `${field}.ethicsApproval.date`, input.ethicsApproval?.date);
  if (!rules) return null;
  const consent = (await stored()) ?? Object.assign(new ConsentScope(), { dataset, duoPermission: rules.permission, consentKey: rules.key });
  return Object.assign(consent, {
    duoPermission: rules.permission,
    duoModifiers: rules.modifiers,
    diseaseRestrictions: rules.diseaseRestrictions,
    consentKey: rules.key,
    consentType: input.consentType ?? null,
    consentFormVersion: input.consentFormVersion ?? null,
    legalBases: input.legalBases ?? [],
    nationalLegalBasis: input.nationalLegalBasis ?? [],
    ethicsApproval: input.ethicsApproval ?? null,
    returnOfResults: input.returnOfResults ?? null,
    withdrawalProcess: input.withdrawalProcess ?? null,
  });
}
