import type * as RDF from '@rdfjs/types';
import type { AccessRoute } from '../../../access/access-route.entity.js';
import { DataAccessBodyKind } from '../../../access/data-access-body.entity.js';
import type { ConsentScope } from '../../../consent/consent-scope.entity.js';
import { findDuoTerm } from '../../../consent/duo-vocabulary.js';
import type { CohortDescriptor } from '../../../datasets/cohort.js';
import type { Dataset } from '../../../datasets/dataset.entity.js';
import { addressIri } from '../../iris.js';
import { dct, ext, rdf, xsd } from '../../namespaces.js';
import { count, decimal } from '../../rdf/literals.js';
import { literal, namedNode } from '../../rdf/terms.js';
import { codedTerm, euLanguage } from '../../vocabularies.js';
import type { CatalogueDescriber } from '../describer.js';
import type { Add, ProfileWriter } from '../profile.js';

/**
 * The gdcat extension (https://w3id.org/gdcat/ext#): catalogue fields with no standard term (domain brief
 * section 7, marked ext): genomic cohort details, the DUO consent scope, the access route and its steps,
 * and how a distribution is accessed and hosted.
 */
export const gdcatWriter: ProfileWriter = {
  name: 'gdcat extension',

  dataset(describer, add, record) {
    const { dataset, consent, accessRoute } = record;
    const firstBody = accessRoute?.accessBody;
    if (firstBody && firstBody.kind !== DataAccessBodyKind.HDAB) add(ext('dataAccessCommittee'), describer.accessBody(firstBody));
    if (dataset.cohort) describeCohort(dataset.cohort, add);
    if (consent) describeConsent(describer, dataset, consent, add);
    if (accessRoute) describeAccessRoute(describer, dataset, accessRoute, add);
    if (dataset.diagnosticArea) add(ext('diagnosticArea'), literal(dataset.diagnosticArea));
    for (const evaluation of record.evaluations) add(dct('isReferencedBy'), describer.evaluation(evaluation));
  },

  evaluation(_describer, add, evaluation) {
    add(rdf('type'), ext('HealthEconomicEvaluation'));
    add(dct('identifier'), literal(evaluation.identifier));
    add(dct('title'), literal(evaluation.title));
    // What a catalogue harvesting this one needs to register the evaluation (CHEERS 15: currency, price year).
    add(ext('evaluationType'), literal(evaluation.evaluationType));
    add(ext('currency'), literal(evaluation.currency));
    if (evaluation.priceYear != null) add(ext('priceYear'), literal(String(evaluation.priceYear), xsd('gYear')));
    if (evaluation.priceYearNote) add(ext('priceYearNote'), literal(evaluation.priceYearNote));
    if (evaluation.perspective) add(ext('perspective'), literal(evaluation.perspective));
  },

  study(_describer, add, study) {
    add(ext('studyType'), literal(study.studyType));
  },

  distribution(_describer, add, _record, distribution) {
    if (distribution.accessMode) add(ext('accessMode'), literal(distribution.accessMode));
    if (distribution.hostingLocation) add(ext('hostingLocation'), literal(distribution.hostingLocation));
    if (distribution.encryption) add(ext('encryption'), literal(distribution.encryption));
  },

  accessBody(_describer, add, body) {
    add(ext('accessBodyKind'), literal(body.kind));
    // An EHDS health data access body may be planned but not yet designated.
    add(ext('operationalStatus'), literal(body.operationalStatus));
  },
};

function describeCohort(cohort: CohortDescriptor, add: Add): void {
  const counts: [RDF.NamedNode, number | null | undefined][] = [
    [ext('numberOfSamples'), cohort.numberOfSamples],
    [ext('numberOfFamilies'), cohort.numberOfFamilies],
    [ext('numberOfFemales'), cohort.sexDistribution?.female],
    [ext('numberOfMales'), cohort.sexDistribution?.male],
    [ext('numberOfOtherOrUnknownSex'), cohort.sexDistribution?.otherOrUnknown],
  ];
  for (const [predicate, value] of counts) {
    const object = count(value);
    if (object) add(predicate, object);
  }
  for (const phenotype of cohort.phenotypes) {
    const iri = codedTerm(phenotype.iri)?.iri;
    if (iri) add(ext('phenotype'), namedNode(iri));
  }
  for (const sampleType of cohort.sampleTypes) add(ext('sampleType'), literal(sampleType));
  const sequencing = cohort.sequencing;
  if (sequencing) {
    for (const assay of sequencing.assays) add(ext('assay'), literal(assay));
    if (sequencing.panelName) add(ext('panelName'), literal(sequencing.panelName));
    if (sequencing.platform) add(ext('sequencingPlatform'), literal(sequencing.platform));
    const meanCoverage = decimal(sequencing.meanCoverage);
    if (meanCoverage) add(ext('meanCoverage'), meanCoverage);
    const readLength = count(sequencing.readLength);
    if (readLength) add(ext('readLength'), readLength);
  }
  if (cohort.genomeBuild) {
    add(ext('genomeBuild'), literal(cohort.genomeBuild.name));
    if (cohort.genomeBuild.accession) add(ext('genomeAssembly'), literal(cohort.genomeBuild.accession));
  }
  for (const variantType of cohort.variantTypes) add(ext('variantType'), literal(variantType));
  if (cohort.pedigreeStructure) add(ext('pedigreeStructure'), literal(cohort.pedigreeStructure));
}

function describeConsent(describer: CatalogueDescriber, dataset: Dataset, consent: ConsentScope, add: Add): void {
  const scope = describer.iris.part('datasets', dataset.identifier, 'consent-scope');
  add(ext('consentScope'), namedNode(scope));
  const state = describer.about(scope);
  state(rdf('type'), ext('ConsentScope'));
  const permission = findDuoTerm(consent.duoPermission);
  if (permission) state(ext('duoPermission'), namedNode(permission.iri));
  for (const modifier of consent.duoModifiers) {
    const term = findDuoTerm(modifier.code);
    if (!term) continue;
    state(ext('duoModifier'), namedNode(term.iri));
    if (modifier.value) {
      // The modifier's parameter (region, months, date) qualifies the modifier, so it gets its own node.
      const parameter = describer.iris.part('datasets', dataset.identifier, `consent-scope-${term.code.replace(':', '_')}`);
      state(ext('duoModifierParameter'), namedNode(parameter));
      const qualify = describer.about(parameter);
      qualify(ext('duoTerm'), namedNode(term.iri));
      qualify(rdf('value'), literal(modifier.value));
    }
  }
  for (const disease of consent.diseaseRestrictions) {
    const iri = codedTerm(disease)?.iri;
    if (iri) state(ext('diseaseRestriction'), namedNode(iri));
  }
  if (consent.consentType) state(ext('consentType'), literal(consent.consentType));
  if (consent.consentFormVersion) state(ext('consentFormVersion'), literal(consent.consentFormVersion));
  for (const statute of consent.nationalLegalBasis) state(ext('nationalLegalBasis'), literal(statute));
  if (consent.ethicsApproval?.reference) state(ext('ethicsApprovalReference'), literal(consent.ethicsApproval.reference));
}

function describeAccessRoute(describer: CatalogueDescriber, dataset: Dataset, route: AccessRoute, add: Add): void {
  const node = describer.iris.part('datasets', dataset.identifier, 'access-route');
  add(ext('accessRoute'), namedNode(node));
  const state = describer.about(node);
  state(rdf('type'), ext('AccessRoute'));
  state(ext('accessMode'), literal(route.accessMode));
  const applicationPage = addressIri(route.applicationUrl);
  if (applicationPage) state(ext('applicationPage'), namedNode(applicationPage));
  const turnaround = count(route.expectedTurnaroundDays);
  if (turnaround) state(ext('expectedTurnaroundDays'), turnaround);
  if (route.fees) state(ext('fees'), literal(route.fees));
  for (const code of route.languages) {
    const language = euLanguage(code);
    if (language) state(dct('language'), describer.typed(language, dct('LinguisticSystem')));
  }
  for (const step of [...route.steps].sort((a, b) => a.position - b.position)) {
    // Named by the step's own id, not its position, so its IRI survives reordering (ext:order says where it is).
    const stepIri = describer.iris.part('datasets', dataset.identifier, `access-route-step-${step.id}`);
    state(ext('step'), namedNode(stepIri));
    const describeStep = describer.about(stepIri);
    describeStep(rdf('type'), ext('AccessRouteStep'));
    describeStep(ext('order'), literal(String(step.position), xsd('integer')));
    describeStep(ext('requirement'), literal(step.requirement));
    if (step.body) describeStep(ext('decidedBy'), describer.accessBody(step.body));
    if (step.description) describeStep(dct('description'), literal(step.description));
  }
}
