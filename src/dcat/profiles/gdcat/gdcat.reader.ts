import type * as RDF from '@rdfjs/types';
import { findDuoTerm } from '../../../consent/duo-vocabulary.js';
import { Assay } from '../../../datasets/cohort.js';
import { DiagnosticArea } from '../../../records/terms.js';
import { dct, ext, rdf } from '../../namespaces.js';
import { languageCodeOf } from '../../vocabularies.js';
import type { CatalogueReader } from '../catalogue-reader.js';
import { offersDownloads, ownAccessBodyContact } from '../dcat-ap/dcat-ap.reader.js';
import { assayKeyword, diagnosticAreaKeyword } from '../dcat-ap/dcat-ap.writer.js';
import type { ProfileReader, ReadRecord } from '../profile.js';

/**
 * The gdcat extension, read back (the inverse of gdcat.writer.ts): cohort details, the DUO consent scope, the
 * access route and its steps, the diagnostic area, health-economic evaluations, and how a distribution is
 * accessed and hosted. A dataset from a catalogue that states no consent scope has none: its consent is
 * "not stated".
 */
export const gdcatReader: ProfileReader = {
  name: 'gdcat extension',

  dataset(reader, node, d) {
    const g = reader.graph;
    const committee = g.object(node, ext('dataAccessCommittee'));
    readCohort(reader, node, d);
    const scope = g.object(node, ext('consentScope'));
    if (scope) d.consentScope = readConsent(reader, scope, d.legalBases ?? []);
    delete d.legalBases;
    const route = g.object(node, ext('accessRoute'));
    if (route) {
      const body = committee ? reader.accessBody(committee) : null;
      d.accessRoute = readAccessRoute(reader, route, body, d);
      const bodyPage = committee && body ? ownAccessBodyContact(reader, committee, body)?.url : null;
      takeBackApplicationPage(d, d.accessRoute.applicationUrl ?? bodyPage ?? null);
    }
    const area = g.literal(node, ext('diagnosticArea'));
    d.diagnosticArea = area && area in DiagnosticArea ? area : null;
    for (const reference of g.objects(node, dct('isReferencedBy'))) {
      if (g.hasType(reference, ext('HealthEconomicEvaluation'))) reader.evaluation(reference, d.id);
    }
    // The writer adds words for the diagnostic area and assays to the keywords; they are not the dataset's own.
    const derived = new Set<string>();
    if (d.diagnosticArea) derived.add(diagnosticAreaKeyword[d.diagnosticArea as DiagnosticArea]);
    for (const assay of String(d.cohort?.sequencing?.assay ?? '').split('+')) if (assay in Assay) derived.add(assayKeyword[assay as Assay]);
    d.keywords = (d.keywords as string[]).filter((keyword) => !derived.has(keyword));
    // The derived words are English: in the English translation when the dataset is written in Swedish.
    const english = d.translations?.en;
    if (english?.keywords) english.keywords = (english.keywords as string[]).filter((keyword) => !derived.has(keyword));
  },

  distribution(reader, node, x) {
    const g = reader.graph;
    x.accessMode = g.literal(node, ext('accessMode'));
    x.hostingLocation = g.literal(node, ext('hostingLocation'));
    x.encryption = g.literal(node, ext('encryption'));
  },

  accessBody(reader, node, b) {
    const g = reader.graph;
    b.kind = g.literal(node, ext('accessBodyKind')) ?? b.kind ?? null;
    b.status = g.literal(node, ext('operationalStatus')) === 'PLANNED' ? 'planned' : 'active';
  },

  evaluation(reader, node, e) {
    const g = reader.graph;
    e.id = g.literal(node, dct('identifier')) ?? e.id;
    e.title = g.literal(node, dct('title'));
    e.evaluationType = g.literal(node, ext('evaluationType'));
    e.currency = g.literal(node, ext('currency'));
    e.priceYear = g.integer(node, ext('priceYear'));
    e.priceYearNote = g.literal(node, ext('priceYearNote'));
    e.perspective = g.literal(node, ext('perspective'));
  },

  study(reader, node, s) {
    s.studyType = reader.graph.literal(node, ext('studyType'));
  },
};

function readCohort(reader: CatalogueReader, node: RDF.Term, d: ReadRecord): void {
  const g = reader.graph;
  const sex = { female: g.integer(node, ext('numberOfFemales')), male: g.integer(node, ext('numberOfMales')), otherOrUnknown: g.integer(node, ext('numberOfOtherOrUnknownSex')) };
  const assays = g.literals(node, ext('assay'));
  const panelName = g.literal(node, ext('panelName'));
  const platform = g.literal(node, ext('sequencingPlatform'));
  const meanCoverage = g.number(node, ext('meanCoverage'));
  const readLength = g.integer(node, ext('readLength'));
  const genomeBuild = g.literal(node, ext('genomeBuild'));
  g.objects(node, ext('phenotype'));
  const cohort = {
    numberOfSamples: g.integer(node, ext('numberOfSamples')),
    numberOfFamilies: g.integer(node, ext('numberOfFamilies')),
    sexDistribution: Object.values(sex).some((value) => value != null) ? sex : null,
    sampleTypes: g.literals(node, ext('sampleType')),
    sequencing:
      assays.length || panelName || platform || meanCoverage != null || readLength != null
        ? { assay: assays.join('+'), panelName, platform, meanCoverage, readLength }
        : null,
    genomeBuild: genomeBuild ? { name: genomeBuild, accession: g.literal(node, ext('genomeAssembly')) } : null,
    variantTypes: g.literals(node, ext('variantType')),
    pedigreeStructure: g.literal(node, ext('pedigreeStructure')),
  };
  const stated = Object.values(cohort).some((value) => value != null && !(Array.isArray(value) && value.length === 0));
  if (stated || d.cohort) d.cohort = { ...d.cohort, ...cohort };
}

function readConsent(reader: CatalogueReader, scope: RDF.Term, legalBases: string[]): ReadRecord {
  const g = reader.graph;
  const term = (iri: string | null) => (iri ? { iri, code: findDuoTerm(iri)?.code ?? iri } : null);
  const values = new Map<string, string>();
  for (const parameter of g.objects(scope, ext('duoModifierParameter'))) {
    const modifier = g.iri(parameter, ext('duoTerm'));
    const value = g.literal(parameter, rdf('value'));
    if (modifier && value != null) values.set(modifier, value);
  }
  const reference = g.literal(scope, ext('ethicsApprovalReference'));
  return {
    duoPermission: term(g.iri(scope, ext('duoPermission'))),
    duoModifiers: g.iris(scope, ext('duoModifier')).map((iri) => ({ ...term(iri), ...(values.has(iri) ? { value: values.get(iri) } : {}) })),
    diseaseRestrictions: g.iris(scope, ext('diseaseRestriction')).map((iri) => ({ iri })),
    consentType: g.literal(scope, ext('consentType')),
    consentFormVersion: g.literal(scope, ext('consentFormVersion')),
    legalBases,
    nationalLegalBasis: g.literals(scope, ext('nationalLegalBasis')),
    ethicsApproval: reference ? { reference } : null,
  };
}

/**
 * A distribution with no access URL of its own and no download offered states where access is requested, the
 * access route's application page or else its access body's, as its access URL (dcat-ap.writer.ts): that is no
 * access URL of the record's. A file offered for download whose access URL is that page gave it as its own.
 */
function takeBackApplicationPage(d: ReadRecord, page: string | null): void {
  if (!page) return;
  for (const distribution of d.distributions ?? []) {
    if (distribution.accessURL === page && !(offersDownloads(d) && distribution.downloadURL)) distribution.accessURL = null;
  }
}

function readAccessRoute(reader: CatalogueReader, route: RDF.Term, accessBody: string | null, d: ReadRecord): ReadRecord {
  const g = reader.graph;
  const steps = g.objects(route, ext('step')).map((step) => {
    const body = g.object(step, ext('decidedBy'));
    return {
      order: g.integer(step, ext('order')),
      requirement: g.literal(step, ext('requirement')),
      body: body ? reader.accessBody(body) : null,
      description: g.literal(step, dct('description')),
    };
  });
  // The dataset's contact point is the route's own contact when it is the dataset's part (contacts.ts).
  const contact = d.contactPoint && reader.isOwnContact(d.contactPoint, 'Dataset', d.id) && d.contactPoint.ownerPath ? d.contactPoint : null;
  return {
    accessMode: g.literal(route, ext('accessMode')),
    accessBody,
    applicationUrl: g.iri(route, ext('applicationPage')),
    contactEmail: contact?.email ?? null,
    expectedTurnaroundDays: g.integer(route, ext('expectedTurnaroundDays')),
    fees: g.literal(route, ext('fees')),
    languages: g.iris(route, dct('language')).map(languageCodeOf).filter(Boolean),
    steps: steps.sort((a, b) => (a.order ?? 0) - (b.order ?? 0)),
  };
}
