import type { Problems } from '../core/problems.js';
import { normaliseDiseaseId } from '../ontology/disease-hierarchy.js';
import type { DuoModifier } from './consent-scope.entity.js';
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
