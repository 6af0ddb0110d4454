import type {
  AccessMode, AccessRequirement, DatasetForEditQuery, DatasetInput, DatasetPatch, DiagnosticArea,
} from './graphql/generated/graphql';

type Stored = NonNullable<DatasetForEditQuery['dataset']>;

export interface ConsentDraft {
  duoPermission: string;
  modifiers: Record<string, { on: boolean; value: string }>;
  diseaseRestrictions: string[];
}

export interface StepDraft {
  key: number;
  requirement: AccessRequirement | '';
  body: string;
  description: string;
}

/** One way to reach the files; `id` names the stored distribution it edits, so its identifier is kept. */
export interface DistributionDraft {
  key: number;
  id: string | null;
  title: string;
  accessUrl: string;
  formats: string;
}

export interface RouteDraft {
  accessMode: AccessMode | '';
  contactEmail: string;
  applicationUrl: string;
  steps: StepDraft[];
}

/** The catalogue's two content languages: a record is written in one and may be translated into the other. */
export type ContentLanguage = 'sv' | 'en';

export function otherLanguage(language: ContentLanguage): ContentLanguage {
  return language === 'sv' ? 'en' : 'sv';
}

/** What the form edits; everything else of the stored record is carried through unchanged. */
export interface DatasetDraft {
  /** The language of `title` and `description`. */
  language: ContentLanguage;
  title: string;
  description: string;
  /** Title and description in the other language; empty when there is no translation. */
  translatedTitle: string;
  translatedDescription: string;
  keywords: string;
  diagnosticArea: DiagnosticArea | '';
  publisher: string;
  dataHolders: string[];
  hdab: string;
  distributions: DistributionDraft[];
  individuals: string;
  diseases: string[];
  consent: ConsentDraft;
  route: RouteDraft;
}

let nextKey = 1;
export function newStep(): StepDraft {
  return { key: nextKey++, requirement: '', body: '', description: '' };
}

export function newDistribution(): DistributionDraft {
  return { key: nextKey++, id: null, title: '', accessUrl: '', formats: '' };
}

export function emptyConsent(): ConsentDraft {
  return { duoPermission: '', modifiers: {}, diseaseRestrictions: [] };
}

export function emptyRoute(): RouteDraft {
  return { accessMode: '', contactEmail: '', applicationUrl: '', steps: [] };
}

export function emptyDraft(publisher: string, language: ContentLanguage): DatasetDraft {
  return {
    language,
    title: '',
    description: '',
    translatedTitle: '',
    translatedDescription: '',
    keywords: '',
    diagnosticArea: '',
    publisher,
    dataHolders: [],
    hdab: '',
    distributions: [],
    individuals: '',
    diseases: [],
    consent: emptyConsent(),
    route: emptyRoute(),
  };
}

export function draftOf(dataset: Stored): DatasetDraft {
  const modifiers: ConsentDraft['modifiers'] = {};
  for (const modifier of dataset.consent?.duoModifiers ?? []) modifiers[modifier.code] = { on: true, value: modifier.value ?? '' };
  const language: ContentLanguage = dataset.language === 'sv' ? 'sv' : 'en';
  const inOther = (values: { language: string; value: string }[]) => values.find((entry) => entry.language === otherLanguage(language))?.value ?? '';
  return {
    language,
    title: dataset.title,
    description: dataset.description,
    translatedTitle: inOther(dataset.titleTranslations),
    translatedDescription: inOther(dataset.descriptionTranslations),
    keywords: dataset.keywords.join(', '),
    diagnosticArea: dataset.diagnosticArea ?? '',
    publisher: dataset.publisher?.identifier ?? '',
    dataHolders: dataset.dataHolders.map((holder) => holder.identifier),
    hdab: dataset.hdab?.identifier ?? '',
    distributions: dataset.distributions.map((distribution) => ({
      key: nextKey++,
      id: distribution.id,
      title: distribution.title,
      accessUrl: distribution.accessUrl ?? '',
      formats: distribution.formats.map((format) => format.label).join(', '),
    })),
    individuals: dataset.cohort?.numberOfUniqueIndividuals?.toString() ?? '',
    diseases: dataset.cohort?.diseases.map((disease) => disease.iri) ?? [],
    consent: {
      duoPermission: dataset.consent?.duoPermission ?? '',
      modifiers,
      diseaseRestrictions: [...(dataset.consent?.diseaseRestrictions ?? [])],
    },
    route: {
      accessMode: dataset.accessRoute?.accessMode ?? '',
      contactEmail: dataset.accessRoute?.contactEmail ?? '',
      applicationUrl: dataset.accessRoute?.applicationUrl ?? '',
      steps: (dataset.accessRoute?.steps ?? []).map((step) => ({
        key: nextKey++,
        requirement: step.requirement,
        body: step.body?.identifier ?? '',
        description: step.description ?? '',
      })),
    },
  };
}

/** A draft from an earlier page (kept in the tab) with its rows numbered for this one. */
export function renumbered(draft: DatasetDraft): DatasetDraft {
  return {
    ...draft,
    distributions: draft.distributions.map((distribution) => ({ ...distribution, key: nextKey++ })),
    route: { ...draft.route, steps: draft.route.steps.map((step) => ({ ...step, key: nextKey++ })) },
  };
}

/** A draft's field as it reads, without the row numbers a page gives (`key`), which say nothing of the record. */
const fieldText = (value: unknown) => JSON.stringify(value, (name, part) => (name === 'key' ? undefined : part));

/**
 * Edits made on one version (`base`) put on a newer one (`current`), field by field: a field the edits changed
 * takes the edited value, the others the newer version's, so a save that met a newer version loses nothing typed.
 */
export function rebased(edited: DatasetDraft, base: DatasetDraft, current: DatasetDraft): DatasetDraft {
  const result: Record<string, unknown> = { ...current };
  for (const [field, value] of Object.entries(edited)) {
    if (fieldText(value) !== fieldText(base[field as keyof DatasetDraft])) result[field] = value;
  }
  return renumbered(result as unknown as DatasetDraft);
}

function text(value: string): string | null {
  return value.trim() === '' ? null : value.trim();
}

/**
 * The mutation input for a draft. Nested objects are replaced whole by the API, so the parts of the stored
 * record the form does not show (sequencing, ethics approval, fees...) are sent back as they were.
 */
export function inputOf(draft: DatasetDraft, stored: Stored | null): DatasetInput & DatasetPatch {
  // The translations inputs replace every language of a field, so a cleared translation is removed.
  const inBothLanguages = (own: string, translated: string) =>
    [{ language: draft.language, value: own.trim() }, { language: otherLanguage(draft.language), value: translated.trim() }].filter((entry) => entry.value);
  const input: DatasetInput & DatasetPatch = {
    language: draft.language,
    title: draft.title,
    description: draft.description,
    titleTranslations: inBothLanguages(draft.title, draft.translatedTitle),
    descriptionTranslations: inBothLanguages(draft.description, draft.translatedDescription),
    keywords: draft.keywords.split(',').map((keyword) => keyword.trim()).filter(Boolean),
    diagnosticArea: draft.diagnosticArea || null,
    publisher: draft.publisher || null,
    dataHolders: draft.dataHolders,
    hdab: draft.hdab || null,
  };
  if (stored?.distributions.length || draft.distributions.length) {
    const storedById = new Map((stored?.distributions ?? []).map((distribution) => [distribution.id, distribution]));
    input.distributions = draft.distributions.map((distribution) => {
      // What the form does not show is sent back as stored (the API replaces the list whole).
      const kept = storedById.get(distribution.id ?? '');
      const storedFormat = new Map((kept?.formats ?? []).map((format) => [format.label, format]));
      return {
        id: kept?.id ?? null,
        title: distribution.title,
        accessUrl: text(distribution.accessUrl),
        downloadUrl: kept?.downloadUrl ?? null,
        formats: distribution.formats.split(',').map((label) => label.trim()).filter(Boolean).map((label) => ({
          label,
          edam: storedFormat.get(label)?.edam ?? null,
          mediaType: storedFormat.get(label)?.mediaType ?? null,
        })),
        mediaType: kept?.mediaType ?? null,
        byteSize: kept?.byteSize ?? null,
        license: kept?.license ?? null,
        accessMode: (kept?.accessMode ?? null) as AccessMode | null,
        hostingLocation: kept?.hostingLocation ?? null,
        encryption: kept?.encryption ?? null,
      };
    });
  }
  const individuals = draft.individuals.trim() === '' ? null : Number(draft.individuals);
  if (stored?.cohort || individuals !== null || draft.diseases.length) {
    const known = new Map((stored?.cohort?.diseases ?? []).map((disease) => [disease.iri, disease]));
    input.cohort = {
      ...(stored?.cohort ?? {}),
      numberOfUniqueIndividuals: individuals,
      diseases: draft.diseases.map((iri) => known.get(iri) ?? { iri }),
    };
  }
  if (consentStarted(draft.consent)) {
    input.consent = {
      ...(stored?.consent ?? {}),
      duoPermission: draft.consent.duoPermission,
      duoModifiers: Object.entries(draft.consent.modifiers)
        .filter(([, modifier]) => modifier.on)
        .map(([code, modifier]) => ({ code, value: text(modifier.value) })),
      diseaseRestrictions: draft.consent.diseaseRestrictions,
    };
  } else if (stored?.consent) {
    // Emptied (removed in the form): the API removes a part given as null.
    input.consent = null;
  }
  if (routeStarted(draft.route)) {
    const { accessBody, ...storedRoute } = stored?.accessRoute ?? { accessBody: null };
    input.accessRoute = {
      ...storedRoute,
      accessBody: accessBody?.identifier ?? null,
      accessMode: (draft.route.accessMode || null) as AccessMode,
      contactEmail: text(draft.route.contactEmail),
      applicationUrl: text(draft.route.applicationUrl),
      steps: draft.route.steps.map((step, i) => ({
        order: i + 1,
        requirement: (step.requirement || null) as AccessRequirement,
        body: step.body || null,
        description: text(step.description),
      })),
    };
  } else if (stored?.accessRoute) {
    input.accessRoute = null;
  }
  return input;
}

/** Whether any part of the consent is filled in: then it is sent, and its permission is needed. */
export function consentStarted(consent: ConsentDraft): boolean {
  return !!consent.duoPermission || consent.diseaseRestrictions.length > 0 || Object.values(consent.modifiers).some((modifier) => modifier.on);
}

/** Whether any part of the access route is filled in: then it is sent, and its access mode is needed. */
export function routeStarted(route: RouteDraft): boolean {
  return !!route.accessMode || route.steps.length > 0 || route.contactEmail.trim() !== '' || route.applicationUrl.trim() !== '';
}

/**
 * Problems the form can see before sending: the API's enums cannot be left empty, and a part begun without
 * what it needs would otherwise not be sent at all (its other fields lost without a word).
 */
export function draftProblems(draft: DatasetDraft): { field: string; message: string; code: string }[] {
  const problems: { field: string; message: string; code: string }[] = [];
  if (draft.individuals.trim() !== '' && !/^\d+$/.test(draft.individuals.trim())) {
    problems.push({ field: 'cohort.numberOfUniqueIndividuals', message: 'must be a whole number', code: 'INVALID' });
  }
  if (consentStarted(draft.consent) && !draft.consent.duoPermission) {
    problems.push({ field: 'consent.duoPermission', message: 'choose what the consent permits', code: 'REQUIRED' });
  }
  if (routeStarted(draft.route) && !draft.route.accessMode) {
    problems.push({ field: 'accessRoute.accessMode', message: 'choose how researchers reach the data', code: 'REQUIRED' });
  }
  draft.route.steps.forEach((step, i) => {
    if (!step.requirement) problems.push({ field: `accessRoute.steps[${i}].requirement`, message: 'choose what this step requires', code: 'REQUIRED' });
  });
  return problems;
}
