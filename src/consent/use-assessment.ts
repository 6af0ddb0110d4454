import { isIsoCalendarDate } from '../core/validation.js';
import { createHash } from 'node:crypto';
import { diseaseCodeStatus, diseaseWithin, labelOf, normaliseDiseaseId, type DiseaseCodeStatus } from '../ontology/disease-hierarchy.js';
import {
  DUO,
  canonicalDuoCode,
  findDuoTerm,
  geographicRestrictionCountries,
  timeLimitMonths,
  type DuoTerm,
} from './duo-vocabulary.js';

/**
 * Decides whether a dataset's DUO consent allows a stated research purpose, following the definitions in
 * the pinned DUO release (data/standards/duo/duo.owl). Pure: no database, no clock unless `today` is
 * omitted.
 */

export interface ConsentModifier {
  /** DUO compact id, IRI or shorthand. */
  code: string;
  value?: string | null;
}

export interface ConsentRules {
  /** DUO compact id of the one data use permission. */
  permission: string;
  modifiers: ConsentModifier[];
  /** Disease ids (MONDO preferred) for DS; empty otherwise. */
  diseaseRestrictions: string[];
}

/**
 * The primary purpose, one per branch of DUO's permission hierarchy ("data use permission" DUO:0000001):
 * - GENERAL_RESEARCH: research that is not health/medical/biomedical, e.g. fundamental biology or social
 *   science. Covered by NRES and GRU ("general research use for any research purpose").
 * - HEALTH_MEDICAL_BIOMEDICAL: health/medical/biomedical research. Covered by NRES, GRU, HMB, and by DS
 *   when every disease listed in `diseases` is within the restriction.
 * - DISEASE_SPECIFIC: health research into the diseases in `diseases` (at least one). Covered like
 *   HEALTH_MEDICAL_BIOMEDICAL.
 * - POPULATION_ORIGINS_ANCESTRY: the study of population origins or ancestry. Covered by NRES, GRU and POA;
 *   HMB and its subclass DS exclude it by definition.
 * Methods development and clinical care are not purposes of their own in DUO but aspects a modifier
 * speaks to (NMDS, CC), so they are flags below.
 */
export type PrimaryPurpose =
  | 'GENERAL_RESEARCH'
  | 'HEALTH_MEDICAL_BIOMEDICAL'
  | 'DISEASE_SPECIFIC'
  | 'POPULATION_ORIGINS_ANCESTRY';

/** What a requester intends; each field is what one DUO term needs to be decided. */
export interface ResearchPurpose {
  primaryPurpose: PrimaryPurpose;
  /** Diseases studied (MONDO ids preferred); decides DS. */
  diseases: string[];
  /** The use itself is commercial (a product, a paid service); decides NCU and NPUNCU. */
  commercial: boolean;
  /** The requesting organisation is for-profit; decides NPU and NPUNCU. */
  forProfitOrganisation: boolean;
  /** ISO 3166-1 alpha-2 country where the data will be used; decides GS. Unknown: GS becomes a condition. */
  country?: string | null;
  /** The work develops methods, software or algorithms; decides NMDS. */
  methodsDevelopment: boolean;
  /** The work studies population origins or ancestry (implied by that primary purpose); decides NPOA, HMB, DS. */
  ancestryResearch: boolean;
  /** Phenotype-only research, no genotype data analysed; decides GSO. */
  nonGeneticResearch: boolean;
  /** Use in clinical care or clinical decision making rather than research; decides CC. */
  clinicalCare: boolean;
  /** Research type (free text or an ontology id such as an EDAM topic); decides RS when the consent names one. */
  researchType?: string | null;
  /** Requesting user; decides US when the consent lists approved users. */
  requesterId?: string | null;
  /** Requesting institution; decides IS when the consent lists approved institutions. */
  institutionId?: string | null;
  /** Project the data will be used in; decides PS when the consent lists approved projects. */
  projectId?: string | null;
}

export interface UseCondition {
  code: string;
  shorthand: string;
  description: string;
  value?: string | null;
}

/**
 * PERMITTED: no term blocks the use. NOT_PERMITTED: at least one term rules it out. NEEDS_REVIEW: nothing
 * rules it out, but the answer depends on something the catalogue does not understand (a disease code outside
 * the shipped MONDO, a consent that is not stated), so a person must decide.
 */
export type UseOutcome = 'PERMITTED' | 'NOT_PERMITTED' | 'NEEDS_REVIEW';

export interface UseReason {
  code: string;
  shorthand: string;
  description: string;
  /** What this reason leads to: NOT_PERMITTED (it rules the use out) or NEEDS_REVIEW. */
  outcome: Exclude<UseOutcome, 'PERMITTED'>;
}

export interface UseAssessment {
  outcome: UseOutcome;
  /** outcome === 'PERMITTED'. */
  permitted: boolean;
  /** Obligations the requester must accept; only for a PERMITTED answer. */
  conditions: UseCondition[];
  /** The obligations that would apply if the use were allowed (after a review), whatever the outcome. */
  conditionsIfPermitted: UseCondition[];
  /** One per term (code): why the use is not permitted or needs review; empty when permitted. */
  reasons: UseReason[];
}

interface Context {
  consent: ConsentRules;
  purpose: ResearchPurpose;
  /** YYYY-MM-DD, UTC. */
  today: string;
  ancestry: boolean;
  diseases: string[];
  restrictions: string[];
  hasClinicalCareModifier: boolean;
}

function reason(term: DuoTerm | undefined, code: string, description: string): UseReason {
  return { code: term?.code ?? code.trim(), shorthand: term?.shorthand ?? '', description, outcome: 'NOT_PERMITTED' };
}

function review(term: DuoTerm, description: string): UseReason {
  return { ...reason(term, term.code, description), outcome: 'NEEDS_REVIEW' };
}

const NOT_UNDERSTOOD: Record<Exclude<DiseaseCodeStatus, 'MONDO'>, string> = {
  OBSOLETE: 'is obsolete in the shipped MONDO release',
  UNKNOWN_MONDO: 'is not a class of the shipped MONDO release',
  LOCAL: 'is not a MONDO class',
  OTHER_VOCABULARY: 'is not a MONDO class',
};

/** Why the catalogue cannot place a disease code in MONDO, or undefined when it can. */
function notUnderstood(id: string): string | undefined {
  const status = diseaseCodeStatus(id);
  return status === 'MONDO' ? undefined : `${id} ${NOT_UNDERSTOOD[status]}`;
}

function condition(term: DuoTerm, description: string, value?: string | null): UseCondition {
  return { code: term.code, shorthand: term.shorthand ?? '', description, value: value ?? null };
}

function name(term: DuoTerm): string {
  return term.shorthand ? `${term.shorthand} (${term.code})` : term.code;
}

function quote(term: DuoTerm): string {
  return `DUO: "${term.definition}"`;
}

function diseaseList(ids: string[]): string {
  return ids.map((id) => (labelOf(id) ? `${labelOf(id)} (${id})` : id)).join(', ');
}

/**
 * The purpose's diseases against a DS restriction: covered (the same code, a MONDO descendant of a restricted MONDO
 * class, an ICD-10 code within a restricted ICD-10 category), outside it, or undecidable because the two sides are
 * not of one vocabulary the catalogue can place (MONDO classes of the shipped release, or ICD-10 codes), or the
 * purpose's disease is a class whose superclasses the shipped extract does not carry.
 */
function diseaseCoverage(ctx: Context): { outside: string[]; undecided: string[] } {
  const outside: string[] = [];
  const undecided: string[] = [];
  for (const disease of ctx.diseases) {
    const within = ctx.restrictions.map((restriction) => diseaseWithin(disease, restriction));
    if (within.includes(true)) continue;
    if (within.every((answer) => answer === false)) {
      outside.push(disease);
      continue;
    }
    ctx.restrictions.forEach((restriction, i) => {
      if (within[i] !== undefined) return;
      const unclear = [disease, restriction].map(notUnderstood).filter((why): why is string => !!why);
      if (unclear.length > 0) undecided.push(...unclear);
      else undecided.push(`the shipped MONDO extract does not say which classes ${diseaseList([disease])} falls under`);
    });
  }
  return { outside, undecided: [...new Set(undecided)] };
}

function clinicalCareReason(term: DuoTerm, ctx: Context): UseReason[] {
  if (!ctx.purpose.clinicalCare || ctx.hasClinicalCareModifier) return [];
  return [reason(term, term.code, `${name(term)} allows research use only; clinical care use needs the modifier CC (${DUO.CC}), which this consent does not carry.`)];
}

function permissionReasons(term: DuoTerm, ctx: Context): UseReason[] {
  const { purpose } = ctx;
  switch (term.code) {
    case DUO.NRES:
      return [];
    case DUO.GRU:
      return clinicalCareReason(term, ctx);
    case DUO.HMB:
    case DUO.DS: {
      const reasons: UseReason[] = [];
      if (purpose.primaryPurpose === 'GENERAL_RESEARCH') {
        reasons.push(reason(term, term.code, `${name(term)} allows only health/medical/biomedical research; the purpose is general research. ${quote(term)}`));
      }
      if (ctx.ancestry) {
        reasons.push(reason(term, term.code, `${name(term)} excludes the study of population origins or ancestry. ${quote(findDuoTerm(DUO.HMB) as DuoTerm)}`));
      }
      if (term.code === DUO.DS) {
        if (ctx.diseases.length === 0) {
          reasons.push(reason(term, term.code, `${name(term)} allows use only related to ${diseaseList(ctx.restrictions)}; the purpose names no disease. ${quote(term)}`));
        } else {
          const { outside, undecided } = diseaseCoverage(ctx);
          if (outside.length > 0) {
            reasons.push(reason(term, term.code, `${name(term)} allows use only related to ${diseaseList(ctx.restrictions)} or their subtypes; ${diseaseList(outside)} ${outside.length === 1 ? 'is' : 'are'} outside it. ${quote(term)}`));
          }
          if (undecided.length > 0) {
            reasons.push(review(term, `${name(term)} allows use only related to ${diseaseList(ctx.restrictions)} or their subtypes; whether the purpose is within it cannot be decided automatically: ${undecided.join('; ')}. A data access body must review it.`));
          }
        }
      }
      return [...reasons, ...clinicalCareReason(term, ctx)];
    }
    case DUO.POA: {
      const reasons: UseReason[] = [];
      if (purpose.primaryPurpose !== 'POPULATION_ORIGINS_ANCESTRY') {
        reasons.push(reason(term, term.code, `${name(term)} limits use to the study of population origins or ancestry. ${quote(term)}`));
      }
      return [...reasons, ...clinicalCareReason(term, ctx)];
    }
    default:
      // A permission added by a later DUO release that this code does not know yet: never match blindly.
      return [reason(term, term.code, `${name(term)} is a data use permission this catalogue cannot evaluate yet.`)];
  }
}

/** Matches an id against a modifier value listing approved ids ("a, b; c"). */
function listedIn(value: string, id: string): boolean {
  return value
    .split(/[,;\n]+/)
    .map((v) => v.trim().toLowerCase())
    .includes(id.trim().toLowerCase());
}

/** US, IS and PS: decided when both the consent lists approved ids and the purpose says who/where/what. */
function approvalCheck(term: DuoTerm, value: string | null | undefined, requested: string | null | undefined, subject: string): { reasons: UseReason[]; conditions: UseCondition[] } {
  const approved = value?.trim() ?? '';
  if (approved !== '' && requested && requested.trim() !== '') {
    return listedIn(approved, requested)
      ? { reasons: [], conditions: [] }
      : { reasons: [reason(term, term.code, `${name(term)} limits use to approved ${subject}s (${approved}); ${requested} is not one of them. ${quote(term)}`)], conditions: [] };
  }
  const who = approved !== '' ? ` (${approved})` : '';
  return { reasons: [], conditions: [condition(term, `Use only by an approved ${subject}${who}: the data access body must approve the ${subject}.`, value)] };
}

function modifierOutcome(term: DuoTerm, value: string | null | undefined, ctx: Context): { reasons: UseReason[]; conditions: UseCondition[] } {
  const { purpose } = ctx;
  const none = { reasons: [] as UseReason[], conditions: [] as UseCondition[] };
  const blocked = (description: string) => ({ reasons: [reason(term, term.code, description)], conditions: [] });
  const obliged = (description: string) => ({ reasons: [], conditions: [condition(term, description, value)] });
  const text = value?.trim() ?? '';

  switch (term.code) {
    case DUO.NCU:
      return purpose.commercial ? blocked(`${name(term)}: the use is commercial. ${quote(term)}`) : none;
    case DUO.NPU:
      return purpose.forProfitOrganisation ? blocked(`${name(term)}: the requesting organisation is for-profit. ${quote(term)}`) : none;
    case DUO.NPUNCU: {
      const violated = [
        purpose.commercial ? 'the use is commercial' : '',
        purpose.forProfitOrganisation ? 'the requesting organisation is for-profit' : '',
      ].filter((v) => v !== '');
      return violated.length > 0 ? blocked(`${name(term)}: ${violated.join(' and ')}. ${quote(term)}`) : none;
    }
    case DUO.GS: {
      const { countries, unknown } = geographicRestrictionCountries(text);
      if (countries.size === 0 || unknown.length > 0) {
        return blocked(`${name(term)} has the value "${text}", which names no known country or region, so no location can be shown to be inside it.`);
      }
      const country = purpose.country?.trim().toUpperCase() ?? '';
      if (country === '') return obliged(`Use only within ${text}. ${quote(term)}`);
      return countries.has(country) ? none : blocked(`${name(term)} limits use to ${text}; the requested country ${country} is outside it. ${quote(term)}`);
    }
    case DUO.TS: {
      // The months run from the access decision, which does not exist yet when a purpose is assessed, so a
      // time limit can never have expired here: it is an obligation on the coming use.
      const months = timeLimitMonths(text);
      return months === undefined
        ? blocked(`${name(term)} has the value "${text}", which is not a number of months.`)
        : obliged(`Use is approved for ${months} months from the access decision. ${quote(term)}`);
    }
    case DUO.MOR: {
      if (!isIsoCalendarDate(text)) return blocked(`${name(term)} has the value "${text}", which is not an ISO 8601 date.`);
      return ctx.today < text ? obliged(`No publication of results before ${text}. ${quote(term)}`) : none;
    }
    case DUO.IRB:
      return obliged(`Provide documentation of local ethics (IRB/ERB) approval. ${quote(term)}`);
    case DUO.PUB:
      return obliged(`Make the results available to the larger scientific community. ${quote(term)}`);
    case DUO.COL:
      return obliged(`Collaborate with the primary study investigator(s)${text ? ` (${text})` : ''}. ${quote(term)}`);
    case DUO.RTN:
      return obliged(`Return derived or enriched data to the database or resource. ${quote(term)}`);
    case DUO.US:
      return approvalCheck(term, value, purpose.requesterId, 'user');
    case DUO.IS:
      return approvalCheck(term, value, purpose.institutionId, 'institution');
    case DUO.PS:
      return approvalCheck(term, value, purpose.projectId, 'project');
    case DUO.RS: {
      const requested = purpose.researchType?.trim() ?? '';
      if (text === '' || requested === '') {
        return obliged(`Use only for the research type${text ? ` ${text}` : ' the consent names'}. ${quote(term)}`);
      }
      return text.toLowerCase() === requested.toLowerCase()
        ? none
        : blocked(`${name(term)} limits use to research of type ${text}; the purpose is ${requested}. ${quote(term)}`);
    }
    case DUO.GSO:
      return purpose.nonGeneticResearch ? blocked(`${name(term)}: the purpose is phenotype-only research. ${quote(term)}`) : none;
    case DUO.NMDS:
      // The definition ("does not allow methods development research") has no exception, even though the
      // label says "no general methods research"; the definition wins.
      if (!purpose.methodsDevelopment) return none;
      return blocked(`${name(term)}: the purpose develops methods, software or algorithms. ${quote(term)}`);
    case DUO.NPOA:
      return ctx.ancestry ? blocked(`${name(term)}: the purpose studies population origins or ancestry. ${quote(term)}`) : none;
    case DUO.CC:
      // Widens the permission (clinical care use); permissionReasons reads it.
      return none;
    default:
      return blocked(`${name(term)} is a data use modifier this catalogue cannot evaluate yet.`);
  }
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Whether `purpose` is allowed under `consent`. A use is permitted only when no term blocks it and nothing
 * needs review; every blocking term is reported, and unknown, obsolete or misplaced DUO codes in a consent
 * always block. A disease code the shipped MONDO cannot place makes a DS decision NEEDS_REVIEW.
 */
export function assessUse(consent: ConsentRules, purpose: ResearchPurpose, today: Date = new Date()): UseAssessment {
  const modifierTerms = consent.modifiers.map((m) => findDuoTerm(m.code));
  const ctx: Context = {
    consent,
    purpose,
    today: isoDay(today),
    ancestry: purpose.primaryPurpose === 'POPULATION_ORIGINS_ANCESTRY' || purpose.ancestryResearch,
    diseases: [...new Set(purpose.diseases.map(normaliseDiseaseId))],
    restrictions: [...new Set(consent.diseaseRestrictions.map(normaliseDiseaseId))],
    hasClinicalCareModifier: modifierTerms.some((t) => t?.code === DUO.CC && !t.obsolete),
  };
  const reasons: UseReason[] = [];
  const conditions: UseCondition[] = [];

  const permission = findDuoTerm(consent.permission);
  if (!permission) {
    reasons.push(reason(undefined, consent.permission, `"${consent.permission}" is not a term of the pinned DUO release, so nothing can be shown to be allowed.`));
  } else if (permission.obsolete) {
    reasons.push(reason(permission, permission.code, `${name(permission)} is obsolete in the pinned DUO release; obsolete codes never match.`));
  } else if (permission.kind !== 'PERMISSION') {
    reasons.push(reason(permission, permission.code, `${name(permission)} is not a data use permission.`));
  } else {
    reasons.push(...permissionReasons(permission, ctx));
  }

  consent.modifiers.forEach((modifier, i) => {
    const term = modifierTerms[i];
    if (!term) {
      reasons.push(reason(undefined, modifier.code, `"${modifier.code}" is not a term of the pinned DUO release; an unknown restriction cannot be shown to be met.`));
    } else if (term.obsolete) {
      reasons.push(reason(term, term.code, `${name(term)} is obsolete in the pinned DUO release; obsolete codes never match.`));
    } else if (term.kind !== 'MODIFIER') {
      reasons.push(reason(term, term.code, `${name(term)} is not a data use modifier.`));
    } else {
      const outcome = modifierOutcome(term, modifier.value, ctx);
      reasons.push(...outcome.reasons);
      conditions.push(...outcome.conditions);
    }
  });

  return assessment(reasons, conditions);
}

/**
 * The answer from every reason and condition found: one reason per code (a term that blocks for two causes
 * is one reason with both), conditions only when permitted.
 */
export function assessment(found: UseReason[], conditions: UseCondition[]): UseAssessment {
  const byCode = new Map<string, UseReason>();
  for (const item of found) {
    const seen = byCode.get(item.code);
    if (!seen) byCode.set(item.code, { ...item });
    else {
      if (!seen.description.includes(item.description)) seen.description = `${seen.description} ${item.description}`;
      if (item.outcome === 'NOT_PERMITTED') seen.outcome = 'NOT_PERMITTED';
    }
  }
  const reasons = [...byCode.values()];
  const outcome: UseOutcome = reasons.some((r) => r.outcome === 'NOT_PERMITTED')
    ? 'NOT_PERMITTED'
    : reasons.length > 0
      ? 'NEEDS_REVIEW'
      : 'PERMITTED';
  const uniqueConditions = [...new Map(conditions.map((c) => [`${c.code}\u0000${c.description}`, c])).values()];
  return {
    outcome,
    permitted: outcome === 'PERMITTED',
    conditions: outcome === 'PERMITTED' ? uniqueConditions : [],
    conditionsIfPermitted: uniqueConditions,
    reasons,
  };
}

/**
 * A stable key for the meaning of a consent: datasets with the same permission, modifiers (with values) and
 * disease restrictions share it, whatever the order or spelling (IRI, compact id, shorthand) of their codes,
 * so a search can assess each distinct consent once.
 */
export function consentKey(consent: ConsentRules): string {
  const modifiers = [
    ...new Set(consent.modifiers.map((m) => JSON.stringify([canonicalDuoCode(m.code), m.value?.trim() ?? '']))),
  ].sort();
  const canonical = {
    permission: canonicalDuoCode(consent.permission),
    modifiers: modifiers.map((m) => JSON.parse(m) as [string, string]),
    diseaseRestrictions: [...new Set(consent.diseaseRestrictions.map(normaliseDiseaseId))].sort(),
  };
  return createHash('sha1').update(JSON.stringify(canonical)).digest('hex');
}
