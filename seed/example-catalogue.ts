import type { EntityManager } from '@mikro-orm/postgresql';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../src/core/repo-root.js';
import { AccessMode, AccessRequirement, AccessRoute, AccessRouteStep } from '../src/access/access-route.entity.js';
import { DataAccessBody, DataAccessBodyKind, DataAccessBodyOperationalStatus } from '../src/access/data-access-body.entity.js';
import { Catalogue } from '../src/catalogue/catalogue.entity.js';
import { ProvenanceSource, RecordStatus } from '../src/records/record.js';
import type { DiagnosticArea, OntologyTerm } from '../src/records/terms.js';
import { Problems } from '../src/core/problems.js';
import { ConsentScope, type ConsentType } from '../src/consent/consent-scope.entity.js';
import { normaliseConsent } from '../src/consent/consent-rules.js';
import { Assay, type CohortDescriptor } from '../src/datasets/cohort.js';
import { Dataset } from '../src/datasets/dataset.entity.js';
import { Distribution } from '../src/datasets/distribution.entity.js';
import {
  EconomicModelType,
  EvaluationPerspective,
  EvaluationType,
  HealthEconomicEvaluation,
  HealthEconomicResult,
} from '../src/economics/health-economic-evaluation.entity.js';
import { currencyOfUnit } from '../src/economics/health-economic-evaluation.service.js';
import { Organisation, OrganisationType } from '../src/organisations/organisation.entity.js';
import { Publication } from '../src/publications/publication.entity.js';
import { enqueueDatasetIndexing } from '../src/search/outbox.js';
import { Study, StudyProgress, type StudyType } from '../src/studies/study.entity.js';

/** The shape of ../shared/reference/example-catalogue.json (copied beside this file), as far as we read it. */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const EXAMPLE_CATALOGUE_FILE = path.join(repoRoot(), 'seed', 'example-catalogue.json');

export interface SeedSummary {
  organisations: number;
  accessBodies: number;
  publications: number;
  studies: number;
  datasets: number;
  evaluations: number;
}

const date = (value: string | null | undefined): Date | null => (value ? new Date(value) : null);

/**
 * Loads the realistic example records into an empty catalogue in one transaction. Consent scopes go
 * through the same DUO validation as the API, so a bad seed fails loudly instead of loading.
 */
export async function seedExampleCatalogue(em: EntityManager, file: string = EXAMPLE_CATALOGUE_FILE): Promise<SeedSummary> {
  const data = JSON.parse(await readFile(file, 'utf8')) as Json;
  return em.transactional(async (tx) => {
    const orgs = new Map<string, Organisation>();
    for (const o of data.organisations as Json[]) {
      const organisation = Object.assign(new Organisation(), {
        identifier: o.id,
        name: o.name,
        type: (o.type in OrganisationType ? o.type : OrganisationType.AUTHORITY) as OrganisationType,
        publisherType: o.publisherType ?? null,
        roles: o.roles ?? [],
        homepage: o.homepage ?? null,
        status: RecordStatus.PUBLISHED,
        issued: new Date('2025-03-01'),
        provenanceSource: ProvenanceSource.IMPORTED,
      });
      organisation.ownerOrganisationId = organisation.id;
      orgs.set(o.id, organisation);
      tx.persist(organisation);
    }
    for (const o of data.organisations as Json[]) if (o.parentOrg) orgs.get(o.id)!.parent = orgs.get(o.parentOrg)!;
    const programme = orgs.get(data.catalogue.publisher)!;

    const bodies = new Map<string, DataAccessBody>();
    for (const b of data.accessBodies as Json[]) {
      const body = Object.assign(new DataAccessBody(), {
        identifier: b.id,
        name: b.name,
        kind: b.kind as DataAccessBodyKind,
        operatedBy: b.operatedBy ? orgs.get(b.operatedBy)! : null,
        hostedBy: b.hostedBy ? orgs.get(b.hostedBy)! : null,
        contactEmail: b.contactEmail ?? null,
        applicationUrl: b.applicationUrl ?? null,
        jurisdiction: b.jurisdiction ?? 'SE',
        operationalStatus: b.status === 'planned' ? DataAccessBodyOperationalStatus.PLANNED : DataAccessBodyOperationalStatus.ACTIVE,
        note: b.note ?? null,
        status: RecordStatus.PUBLISHED,
        issued: new Date('2025-03-01'),
        provenanceSource: ProvenanceSource.IMPORTED,
        ownerOrganisationId: (b.operatedBy ? orgs.get(b.operatedBy)! : programme).id,
      });
      bodies.set(b.id, body);
      tx.persist(body);
    }

    const publications = new Map<string, Publication>();
    for (const p of data.publications as Json[]) {
      const publication = Object.assign(new Publication(), {
        identifier: p.id,
        title: p.title,
        doi: p.doi ?? null,
        pmid: p.pmid ?? null,
        authorsShort: p.authorsShort ?? null,
        journal: p.journal ?? null,
        year: p.year ?? null,
        volumePages: p.volumePages ?? null,
        url: p.doi ? `https://doi.org/${p.doi}` : null,
        status: RecordStatus.PUBLISHED,
        issued: new Date('2025-03-01'),
        provenanceSource: ProvenanceSource.IMPORTED,
        ownerOrganisationId: programme.id,
      });
      publications.set(p.id, publication);
      tx.persist(publication);
    }

    const records = data.records as Json[];
    const studies = new Map<string, Study>();
    for (const s of records.filter((r) => r.recordType === 'Study')) {
      const participants = (s.participatingOrgs ?? []).map((id: string) => orgs.get(id)!);
      const study = Object.assign(new Study(), {
        identifier: s.id,
        title: s.title,
        description: s.description ?? '',
        studyType: s.studyType as StudyType,
        diagnosticArea: (s.diagnosticArea ?? null) as DiagnosticArea | null,
        progress: (String(s.status).toUpperCase() as StudyProgress) ?? StudyProgress.ONGOING,
        startDate: s.startDate ?? null,
        plannedSize: s.plannedSize ? { value: s.plannedSize.value, unit: s.plannedSize.unit } : null,
        ethicsApprovals: (s.ethicsApprovals ?? []).map((e: Json) => ({ authority: e.authority, reference: e.reference, date: e.date ?? null })),
        healthConditions: (s.healthCondition ?? []) as OntologyTerm[],
        status: RecordStatus.PUBLISHED,
        issued: new Date('2025-03-01'),
        modified: date(s.modified) ?? new Date(),
        provenanceSource: ProvenanceSource.IMPORTED,
        ownerOrganisationId: (participants[0] ?? programme).id,
      });
      study.funders.set((s.funders ?? []).map((id: string) => orgs.get(id)!));
      study.participatingOrganisations.set(participants);
      study.publications.set((s.publications ?? []).map((id: string) => publications.get(id)!));
      studies.set(s.id, study);
      tx.persist(study);
    }

    const datasets = new Map<string, Dataset>();
    for (const d of records.filter((r) => r.recordType === 'Dataset')) {
      const publisher = orgs.get(d.publisher)!;
      const holders = ([] as string[]).concat(d.dataHolder ?? []).map((id) => orgs.get(id)!);
      const dataset = Object.assign(new Dataset(), {
        identifier: d.id,
        title: d.title,
        description: d.description ?? '',
        keywords: d.keywords ?? [],
        diagnosticArea: d.diagnosticArea as DiagnosticArea,
        theme: d.theme ?? undefined,
        accessRights: d.accessRights ?? undefined,
        releaseVersion: d.version ?? null,
        publisher,
        wasGeneratedBy: d.wasGeneratedBy ? studies.get(d.wasGeneratedBy)! : null,
        hdab: d.hdab ? bodies.get(d.hdab)! : null,
        cohort: toCohort(d.cohort),
        status: d.status === 'published' ? RecordStatus.PUBLISHED : RecordStatus.DRAFT,
        issued: date(d.issued),
        modified: date(d.modified) ?? new Date(),
        provenanceSource: ProvenanceSource.IMPORTED,
        ownerOrganisationId: publisher.id,
      });
      dataset.dataHolders.set(holders);
      dataset.contributors.set((d.contributors ?? []).map((id: string) => orgs.get(id)!));
      dataset.publications.set((d.isReferencedBy ?? []).map((id: string) => publications.get(id)!));
      dataset.distributions.set(
        (d.distributions ?? []).map((x: Json, position: number) =>
          Object.assign(new Distribution(), {
            dataset,
            position,
            title: x.title,
            accessUrl: x.accessURL ?? null,
            formats: x.formats ?? [],
            accessMode: x.accessMode ?? null,
            hostingLocation: x.hostingLocation ?? null,
            encryption: x.encryption ?? null,
          }),
        ),
      );
      tx.persist(dataset);
      tx.persist(toConsent(dataset, d.consentScope, d.id));
      // Pathogen surveillance datasets in the file have no access route yet.
      if (d.accessRoute) tx.persist(toAccessRoute(dataset, d.accessRoute, bodies));
      datasets.set(d.id, dataset);
    }

    let evaluations = 0;
    for (const e of records.filter((r) => r.recordType === 'HealthEconomicEvaluation')) {
      const evaluation = Object.assign(new HealthEconomicEvaluation(), {
        identifier: e.id,
        title: e.title,
        evaluationType: e.evaluationType as EvaluationType,
        population: e.population ?? null,
        country: e.country ?? null,
        setting: e.setting ?? null,
        intervention: e.intervention ?? null,
        comparators: e.comparators ?? [],
        perspective: (e.perspective ?? null) as EvaluationPerspective | null,
        timeHorizon: e.timeHorizon ?? null,
        discountRateCosts: e.discountRateCosts ?? null,
        discountRateOutcomes: e.discountRateOutcomes ?? null,
        outcomeMeasures: e.outcomeMeasures ?? [],
        costingMethod: e.costingMethod ?? null,
        currency: e.currency,
        priceYear: e.priceYear ?? null,
        priceYearNote: e.priceYear == null ? (e.priceYearNote ?? 'Price year not reported in the source publication.') : null,
        modelTypes: String(e.modelType ?? '').split('+').filter(Boolean) as EconomicModelType[],
        sensitivityAnalyses: e.sensitivityAnalyses ?? [],
        cheersCompliant: e.cheersCompliant ?? null,
        willingnessToPayAmount: e.willingnessToPay?.value ?? null,
        willingnessToPayUnit: e.willingnessToPay?.unit ?? null,
        note: [e.note, e.modelTypeNote, e.timeHorizonNote].filter(Boolean).join(' ') || null,
        publication: e.publication ? publications.get(e.publication)! : null,
        status: RecordStatus.PUBLISHED,
        issued: new Date('2025-03-01'),
        modified: date(e.modified) ?? new Date(),
        provenanceSource: ProvenanceSource.IMPORTED,
        ownerOrganisationId: programme.id,
      });
      evaluation.evaluatedDatasets.set((e.evaluates ?? []).filter((id: string) => datasets.has(id)).map((id: string) => datasets.get(id)!));
      evaluation.evaluatedStudies.set((e.evaluates ?? []).filter((id: string) => studies.has(id)).map((id: string) => studies.get(id)!));
      evaluation.results.set(
        (e.results ?? []).map((r: Json, position: number) => {
          const currency = currencyOfUnit(r.unit);
          // The file gives most values as numbers, some as a range ("0.68-0.72") or a sentence.
          const range = typeof r.value === 'string' ? /^(-?[\d.]+)-(-?[\d.]+)$/.exec(r.value) : null;
          return Object.assign(new HealthEconomicResult(), {
            evaluation,
            position,
            measure: r.measure,
            value: typeof r.value === 'number' ? r.value : null,
            rangeLow: range ? Number(range[1]) : null,
            rangeHigh: range ? Number(range[2]) : null,
            statement: typeof r.value === 'string' && !range ? r.value : null,
            unit: r.unit ?? null,
            currency,
            priceYear: currency ? (e.priceYear ?? null) : null,
            priceYearNotReported: !!currency && e.priceYear == null,
            ci95Low: r.ci95Low ?? null,
            ci95High: r.ci95High ?? null,
            pValue: r.pValue ?? null,
            comparator: r.comparator ?? null,
            comparatorValue: r.comparatorValue ?? null,
            note: r.note ?? null,
          });
        }),
      );
      tx.persist(evaluation);
      evaluations++;
    }

    const c = data.catalogue as Json;
    tx.persist(
      Object.assign(new Catalogue(), {
        identifier: c.id,
        title: c.title,
        description: 'Genomic datasets of the Swedish genomic-medicine programme: who holds them, what consent allows, and whom to ask.',
        publisher: programme,
        languages: c.language ?? [],
        spatial: c.spatial ?? null,
        themeTaxonomies: c.themeTaxonomy ?? [],
        homepage: c.homepage ?? null,
      }),
    );
    await tx.flush();
    enqueueDatasetIndexing(tx, [...datasets.values()].map((d) => d.id));
    await tx.flush();
    return {
      organisations: orgs.size,
      accessBodies: bodies.size,
      publications: publications.size,
      studies: studies.size,
      datasets: datasets.size,
      evaluations,
    };
  });
}

function toCohort(c: Json | undefined): CohortDescriptor | null {
  if (!c) return null;
  const assays = String(c.sequencing?.assay ?? '')
    .split('+')
    .filter((a): a is Assay => a in Assay);
  return {
    numberOfUniqueIndividuals: c.numberOfUniqueIndividuals ?? null,
    numberOfRecords: c.numberOfRecords ?? null,
    numberOfSamples: c.numberOfSamples ?? null,
    numberOfFamilies: c.numberOfFamilies ?? null,
    sexDistribution: c.sexDistribution ?? null,
    minTypicalAge: c.minTypicalAge ?? null,
    maxTypicalAge: c.maxTypicalAge ?? null,
    populationCoverage: c.populationCoverage ?? null,
    diseases: c.diseases ?? [],
    phenotypes: c.phenotypes ?? [],
    sampleTypes: c.sampleTypes ?? [],
    sequencing: c.sequencing
      ? { assays, panelName: c.sequencing.panelName ?? null, platform: c.sequencing.platform ?? null, meanCoverage: c.sequencing.meanCoverage ?? null, readLength: c.sequencing.readLength ?? null }
      : null,
    genomeBuild: c.genomeBuild ? { name: c.genomeBuild.name, accession: c.genomeBuild.accession ?? null } : null,
    variantTypes: c.variantTypes ?? [],
    pedigreeStructure: c.pedigreeStructure ?? null,
    countsSource: c.countsSource ?? null,
  };
}

function toConsent(dataset: Dataset, c: Json, datasetId: string): ConsentScope {
  const problems = new Problems();
  const rules = normaliseConsent(
    {
      duoPermission: c.duoPermission.code,
      duoModifiers: (c.duoModifiers ?? []).map((m: Json) => ({ code: m.code, value: m.value ?? null })),
      diseaseRestrictions: (c.diseaseRestrictions ?? []).map((d: Json) => d.iri),
    },
    'consentScope',
    problems,
  );
  if (!rules) throw new Error(`seed dataset ${datasetId} has an invalid consent scope: ${problems.list.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  return Object.assign(new ConsentScope(), {
    dataset,
    duoPermission: rules.permission,
    duoModifiers: rules.modifiers,
    diseaseRestrictions: rules.diseaseRestrictions,
    consentKey: rules.key,
    consentType: (c.consentType ?? null) as ConsentType | null,
    legalBases: c.legalBases ?? [],
    nationalLegalBasis: c.nationalLegalBasis ?? [],
    ethicsApproval: c.ethicsApproval ? { authority: c.ethicsApproval.authority, reference: c.ethicsApproval.reference, date: c.ethicsApproval.date ?? null } : null,
  });
}

function toAccessRoute(dataset: Dataset, r: Json, bodies: Map<string, DataAccessBody>): AccessRoute {
  const route = Object.assign(new AccessRoute(), {
    dataset,
    accessMode: r.accessMode as AccessMode,
    accessBody: r.accessBody ? bodies.get(r.accessBody)! : null,
    applicationUrl: r.applicationUrl ?? (r.accessBody ? bodies.get(r.accessBody)?.applicationUrl : null) ?? null,
    expectedTurnaroundDays: r.expectedTurnaroundDays ?? null,
    languages: ['sv', 'en'],
  });
  route.steps.set(
    (r.steps ?? []).map((s: Json) =>
      Object.assign(new AccessRouteStep(), {
        route,
        position: s.order,
        requirement: s.requirement as AccessRequirement,
        body: s.body ? bodies.get(s.body)! : null,
        description: s.description ?? null,
      }),
    ),
  );
  return route;
}
