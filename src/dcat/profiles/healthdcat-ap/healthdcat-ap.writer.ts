import type * as RDF from '@rdfjs/types';
import type { OntologyTerm } from '../../../records/terms.js';
import { ConsentType } from '../../../consent/consent-scope.entity.js';
import { DUO, findDuoTerm } from '../../../consent/duo-vocabulary.js';
import { Assay } from '../../../datasets/cohort.js';
import type { DatasetRecord } from '../../catalogue-source.js';
import { cv, dcatap, dct, dpv, healthdcatap, skos, xsd } from '../../namespaces.js';
import { count } from '../../rdf/literals.js';
import { literal, namedNode } from '../../rdf/terms.js';
import { codedTerm, dpvPurpose, healthCategory, legalBasisIri, legislation, personalDataType } from '../../vocabularies.js';
import { bodyContact, organisationContact } from '../contacts.js';
import type { CatalogueDescriber } from '../describer.js';
import type { ProfileWriter } from '../profile.js';

/**
 * HealthDCAT-AP: what the EHDS (HealthData@EU) adds to DCAT-AP for health data: the law that applies, health
 * categories, the health data access body, cohort figures, coded diseases and phenotypes, and the legal
 * basis and purpose of processing.
 */
export const healthDcatApWriter: ProfileWriter = {
  name: 'HealthDCAT-AP',

  catalog(describer, add) {
    // The EHDS governs the health-data catalogues of HealthData@EU (HealthDCAT-AP requires the link).
    add(dcatap('applicableLegislation'), describer.legalResource(legislation.ehds));
  },

  dataset(describer, add, record) {
    const { dataset, consent } = record;
    const kind = dataKind(record);
    for (const law of kind.legislation) add(dcatap('applicableLegislation'), describer.legalResource(law));
    for (const category of kind.healthCategories) add(healthdcatap('healthCategory'), describer.concept(category.iri, null, category.label));
    if (kind.personalData) add(dct('type'), describer.concept(personalDataType.iri, null, personalDataType.label));
    if (dataset.hdab) add(healthdcatap('hdab'), describer.accessBody(dataset.hdab));

    const cohort = dataset.cohort;
    if (cohort) {
      const counts: [RDF.NamedNode, number | null | undefined][] = [
        [healthdcatap('numberOfUniqueIndividuals'), cohort.numberOfUniqueIndividuals],
        [healthdcatap('numberOfRecords'), cohort.numberOfRecords],
        [healthdcatap('minTypicalAge'), cohort.minTypicalAge],
        [healthdcatap('maxTypicalAge'), cohort.maxTypicalAge],
      ];
      for (const [predicate, value] of counts) {
        const object = count(value);
        if (object) add(predicate, object);
      }
      if (cohort.populationCoverage) add(healthdcatap('populationCoverage'), literal(cohort.populationCoverage));
      // The coded diseases and phenotypes are the dataset's subjects. Not healthdcatap:hasCodeValues: Release 5
      // wants its values to be IRIs or blank nodes and Release 6 wants literals, so no value meets both.
      const codingSystems = new Set<string>();
      for (const term of [...cohort.diseases, ...cohort.phenotypes]) {
        const code = codeValue(describer, term);
        if (!code) continue;
        add(dct('subject'), code.node);
        if (code.codingSystem) codingSystems.add(code.codingSystem);
      }
      for (const system of codingSystems) add(healthdcatap('hasCodingSystem'), namedNode(system));
    }

    if (consent) {
      for (const basis of consent.legalBases) {
        const iri = legalBasisIri(basis);
        if (iri) add(dpv('hasLegalBasis'), namedNode(iri));
      }
      // Every DUO permission allows some research; DUO's non-commercial-use modifiers narrow it.
      add(dpv('hasPurpose'), namedNode(dpvPurpose.research));
      const nonCommercial: string[] = [DUO.NCU, DUO.NPUNCU];
      if (consent.duoModifiers.some((modifier) => nonCommercial.includes(findDuoTerm(modifier.code)?.code ?? ''))) {
        add(dpv('hasPurpose'), namedNode(dpvPurpose.nonCommercialResearch));
      }
    }
  },

  distribution(describer, add, record) {
    for (const law of dataKind(record).legislation) add(dcatap('applicableLegislation'), describer.legalResource(law));
  },

  // Release 6 reaches the publisher and the health data access body through exactly one cv:contactPoint.
  organisation(describer, add, organisation) {
    const contact = organisationContact(describer.context, organisation);
    if (contact) add(cv('contactPoint'), describer.contactPoint(contact));
  },

  accessBody(describer, add, body) {
    const contact = bodyContact(describer.context, body);
    if (contact) add(cv('contactPoint'), describer.contactPoint(contact));
  },
};

interface DataKind {
  personalData: boolean;
  healthCategories: { iri: string; label: string }[];
  legislation: { iri: string; title: string }[];
}

/**
 * What kind of health data a dataset holds, which decides its EHDS health categories and the law that
 * applies: data about people (GDPR and the EHDS) unless its consent scope says it is not human data, and
 * pathogen data when it comes from pathogen sequencing.
 */
function dataKind({ dataset, consent }: DatasetRecord): DataKind {
  const assays = dataset.cohort?.sequencing?.assays ?? [];
  const personalData = consent?.consentType !== ConsentType.NOT_APPLICABLE_NON_HUMAN;
  const pathogens = assays.includes(Assay.PATHOGEN_WGS) || assays.includes(Assay.METAGENOMICS);
  const healthCategories: { iri: string; label: string }[] = [];
  if (personalData) healthCategories.push(healthCategory.humanGenomic);
  if (personalData && assays.includes(Assay.WTS)) healthCategories.push(healthCategory.otherHumanMolecular);
  if (pathogens) healthCategories.push(healthCategory.pathogen);
  return {
    personalData,
    healthCategories,
    legislation: personalData ? [legislation.gdpr, legislation.ehds] : [legislation.ehds],
  };
}

function codeValue(describer: CatalogueDescriber, term: OntologyTerm): { node: RDF.NamedNode; codingSystem: string | null } | null {
  const coded = codedTerm(term.iri);
  if (!coded) return null;
  // The term with its IRI as an xsd:anyURI identifier and its coding system, as HealthDCAT-AP describes codes.
  const state = describer.about(coded.iri);
  state(dct('identifier'), literal(coded.iri, xsd('anyURI')));
  if (coded.codingSystem) state(skos('inScheme'), namedNode(coded.codingSystem));
  if (term.label) state(skos('prefLabel'), literal(term.label));
  return { node: namedNode(coded.iri), codingSystem: coded.codingSystem };
}
