import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import type { AccessRoute } from '../access/access-route.entity.js';
import { type DataAccessBody, DataAccessBodyKind } from '../access/data-access-body.entity.js';
import type { Catalogue } from '../catalogue/catalogue.entity.js';
import { ProvenanceSource, RecordStatus } from '../common/record.js';
import { DiagnosticArea, type OntologyTerm } from '../common/terms.js';
import { type ConsentScope, ConsentType } from '../consent/consent-scope.entity.js';
import { DUO, findDuoTerm } from '../consent/duo-vocabulary.js';
import { Assay } from '../datasets/cohort.js';
import type { Dataset } from '../datasets/dataset.entity.js';
import type { Distribution, DistributionFormat } from '../datasets/distribution.entity.js';
import type { Organisation } from '../organisations/organisation.entity.js';
import type { Publication } from '../publications/publication.entity.js';
import type { Study } from '../studies/study.entity.js';
import type { DatasetRecord } from './catalogue-source.js';
import { CatalogueIris, mailtoIri, webIri } from './iris.js';
import {
  adms, dcat, dcatap, dct, dpv, eli, ext, foaf, healthdcatap, prefixes, prov, rdf, rdfs, skos, vcard, xsd,
} from './namespaces.js';
import {
  admsStatus, attributionRole, codedTerm, conceptLabel, dataThemeScheme, dpvPurpose, euLanguage, healthCategory,
  legalBasisIri, legislation, personalDataType, valuePrefixes,
} from './vocabularies.js';

const { namedNode, literal, quad } = DataFactory;

/** Every prefix our documents may use: the DCAT-AP ones and those of the vocabularies we point at. */
export const publishedPrefixes: Record<string, string> = { ...prefixes, ...valuePrefixes };

/**
 * The quads of one document, each triple once, grouped by subject in the order subjects first appear (so
 * Turtle writes each node as one block).
 */
export class Graph {
  private readonly bySubject = new Map<string, RDF.Quad[]>();
  private readonly keys = new Set<string>();

  add(subject: RDF.Quad_Subject, predicate: RDF.NamedNode, object: RDF.Quad_Object): void {
    const key = `${subject.value}\u0000${predicate.value}\u0000${termKey(object)}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    const statements = this.bySubject.get(subject.value);
    if (statements) statements.push(quad(subject, predicate, object));
    else this.bySubject.set(subject.value, [quad(subject, predicate, object)]);
  }

  get quads(): RDF.Quad[] {
    return [...this.bySubject.values()].flat();
  }
}

function termKey(term: RDF.Quad_Object): string {
  return term.termType === 'Literal' ? `"${term.value}"@${term.language}^^${term.datatype.value}` : `<${term.value}>`;
}

/** What every description needs besides the records: where IRIs live, and the catalogue they belong to. */
export interface DescriptionContext {
  iris: CatalogueIris;
  catalogue: Catalogue;
  /** Access bodies each organisation operates, by organisation id (see catalogue-source.ts). */
  bodiesOperatedBy: Map<string, DataAccessBody[]>;
}

interface ContactDetails {
  iri: string;
  name: string;
  email: string | null;
  url: string | null;
}

const diagnosticAreaKeyword: Record<DiagnosticArea, string> = {
  [DiagnosticArea.RARE_DISEASES]: 'rare diseases',
  [DiagnosticArea.HEREDITARY_CANCER]: 'hereditary cancer',
  [DiagnosticArea.SOLID_TUMOURS]: 'solid tumours',
  [DiagnosticArea.HAEMATOLOGICAL_MALIGNANCIES]: 'haematological malignancies',
  [DiagnosticArea.CHILDHOOD_CANCER]: 'childhood cancer',
  [DiagnosticArea.INFECTIOUS_DISEASES]: 'infectious diseases',
  [DiagnosticArea.PHARMACOGENOMICS]: 'pharmacogenomics',
  [DiagnosticArea.COMPLEX_DISEASES]: 'complex diseases',
};

const assayKeyword: Record<Assay, string> = {
  [Assay.WGS]: 'whole-genome sequencing',
  [Assay.WES]: 'whole-exome sequencing',
  [Assay.PANEL]: 'gene panel sequencing',
  [Assay.WTS]: 'whole-transcriptome sequencing',
  [Assay.LONG_READ_WGS]: 'long-read whole-genome sequencing',
  [Assay.PATHOGEN_WGS]: 'pathogen whole-genome sequencing',
  [Assay.METAGENOMICS]: 'metagenomics',
  [Assay.ARRAY]: 'genotyping array',
};

const dateTime = (date: Date) => literal(date.toISOString(), xsd('dateTime'));
const english = (text: string) => literal(text, 'en');

function count(value: number | null | undefined): RDF.Literal | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? literal(String(value), xsd('nonNegativeInteger')) : null;
}

/**
 * Describes catalogue records as DCAT-AP 3 / HealthDCAT-AP RDF. Each node is described once per document,
 * entirely from the record it stands for (never from the page it appears on), so pages, single-dataset
 * documents and exports agree on every node they share. Terms are in ./namespaces.ts; `ext:` marks our own
 * terms where no standard one exists.
 */
export class CatalogueDescriber {
  readonly graph = new Graph();
  private readonly described = new Set<string>();
  private readonly iris: CatalogueIris;

  constructor(readonly context: DescriptionContext) {
    this.iris = context.iris;
  }

  get quads(): RDF.Quad[] {
    return this.graph.quads;
  }

  catalog(): RDF.NamedNode {
    const { catalogue } = this.context;
    return this.once(this.iris.catalog(), (add) => {
      add(rdf('type'), dcat('Catalog'));
      add(dct('identifier'), literal(catalogue.identifier));
      add(dct('title'), literal(catalogue.title));
      add(dct('description'), literal(catalogue.description));
      if (catalogue.publisher) add(dct('publisher'), this.organisation(catalogue.publisher));
      for (const code of catalogue.languages) {
        const language = euLanguage(code);
        if (language) add(dct('language'), this.typed(language, dct('LinguisticSystem')));
      }
      const spatial = this.spatial();
      if (spatial) add(dct('spatial'), spatial);
      for (const taxonomy of catalogue.themeTaxonomies) {
        const iri = webIri(taxonomy);
        if (iri) add(dcat('themeTaxonomy'), this.conceptScheme(iri));
      }
      const homepage = webIri(catalogue.homepage);
      if (homepage) add(foaf('homepage'), this.typed(homepage, foaf('Document')));
      add(dct('issued'), dateTime(catalogue.issued));
      add(dct('modified'), dateTime(catalogue.modified));
      // The EHDS governs the health-data catalogues of HealthData@EU (HealthDCAT-AP requires the link).
      add(dcatap('applicableLegislation'), this.legalResource(legislation.ehds));
    });
  }

  /** States that the catalogue lists the datasets with these public identifiers. */
  listDatasets(identifiers: readonly string[]): void {
    const catalog = this.catalog();
    for (const identifier of identifiers) this.graph.add(catalog, dcat('dataset'), namedNode(this.iris.dataset(identifier)));
  }

  dataset(record: DatasetRecord): RDF.NamedNode {
    const { dataset, consent, accessRoute } = record;
    const kind = dataKind(record);
    return this.once(this.iris.dataset(dataset.identifier), (add) => {
      add(rdf('type'), dcat('Dataset'));
      add(dct('identifier'), literal(dataset.identifier));
      add(dct('title'), literal(dataset.title));
      add(dct('description'), literal(dataset.description));
      for (const keyword of keywordsOf(dataset)) add(dcat('keyword'), literal(keyword));
      const theme = webIri(dataset.theme);
      if (theme) add(dcat('theme'), this.concept(theme, dataThemeScheme.iri));
      const accessRights = webIri(dataset.accessRights);
      if (accessRights) add(dct('accessRights'), this.rightsStatement(accessRights));
      for (const law of kind.legislation) add(dcatap('applicableLegislation'), this.legalResource(law));
      for (const category of kind.healthCategories) add(healthdcatap('healthCategory'), this.concept(category.iri, null, category.label));
      if (kind.personalData) add(dct('type'), this.concept(personalDataType.iri, null, personalDataType.label));

      add(dct('publisher'), this.organisation(dataset.publisher));
      const contact = this.datasetContact(dataset, accessRoute);
      if (contact) add(dcat('contactPoint'), this.contactPoint(contact));
      if (dataset.hdab) add(healthdcatap('hdab'), this.accessBody(dataset.hdab));
      const firstBody = accessRoute?.accessBody;
      if (firstBody && firstBody.kind !== DataAccessBodyKind.HDAB) add(ext('dataAccessCommittee'), this.accessBody(firstBody));
      for (const holder of dataset.dataHolders) {
        add(prov('qualifiedAttribution'), this.attribution(dataset, holder, attributionRole.custodian, 'custodian'));
      }
      for (const contributor of dataset.contributors) {
        add(prov('qualifiedAttribution'), this.attribution(dataset, contributor, attributionRole.contributor, 'contributor'));
      }

      this.describeLifecycle(dataset, add);
      if (dataset.releaseVersion) add(dcat('version'), literal(dataset.releaseVersion));
      for (const [index, other] of dataset.otherIdentifiers.entries()) {
        add(adms('identifier'), this.identifier(this.iris.part('datasets', dataset.identifier, `identifier-${index + 1}`), other));
      }
      // A national catalogue: its datasets cover the catalogue's country.
      const spatial = this.spatial();
      if (spatial) add(dct('spatial'), spatial);
      add(dct('provenance'), this.provenance(dataset));
      const source = dataset.provenanceSource === ProvenanceSource.MANUAL ? null : webIri(dataset.harvestedFrom);
      if (source) add(prov('wasDerivedFrom'), namedNode(source));
      const study = dataset.wasGeneratedBy;
      if (study && study.status !== RecordStatus.DRAFT) add(prov('wasGeneratedBy'), this.study(study));
      for (const publication of dataset.publications) {
        const reference = publication.status === RecordStatus.DRAFT ? null : this.publication(publication);
        if (reference) add(dct('isReferencedBy'), reference);
      }

      this.describeCohort(dataset, add);
      if (consent) this.describeConsent(dataset, consent, add);
      if (accessRoute) this.describeAccessRoute(dataset, accessRoute, add);
      if (dataset.diagnosticArea) add(ext('diagnosticArea'), literal(dataset.diagnosticArea));

      for (const distribution of sortedDistributions(dataset)) {
        add(dcat('distribution'), this.distribution(record, distribution));
        for (const format of distribution.formats) {
          const standard = this.formatStandard(format);
          if (standard) add(dct('conformsTo'), standard);
        }
      }
    });
  }

  distribution(record: DatasetRecord, distribution: Distribution): RDF.NamedNode {
    const route = record.accessRoute;
    return this.once(this.iris.distribution(distribution.id), (add) => {
      add(rdf('type'), dcat('Distribution'));
      add(dct('identifier'), literal(distribution.id));
      add(dct('title'), literal(distribution.title));
      // For controlled data the access URL is where access is requested.
      const accessUrl = webIri(distribution.accessUrl) ?? webIri(route?.applicationUrl) ?? webIri(route?.accessBody?.applicationUrl);
      if (accessUrl) add(dcat('accessURL'), namedNode(accessUrl));
      const downloadUrl = webIri(distribution.downloadUrl);
      if (downloadUrl) add(dcat('downloadURL'), namedNode(downloadUrl));
      // DCAT-AP allows one dct:format; every format is also a standard the files conform to.
      const [primary] = distribution.formats;
      if (primary) add(dct('format'), this.mediaTypeOrExtent(distribution, primary, 0));
      for (const format of distribution.formats) {
        const standard = this.formatStandard(format);
        if (standard) add(dct('conformsTo'), standard);
      }
      if (distribution.mediaType && /^[\w.+-]+\/[\w.+-]+$/.test(distribution.mediaType)) {
        add(dcat('mediaType'), this.typed(`http://www.iana.org/assignments/media-types/${distribution.mediaType}`, dct('MediaType')));
      }
      if (distribution.byteSize && /^\d+$/.test(distribution.byteSize)) {
        add(dcat('byteSize'), literal(distribution.byteSize, xsd('nonNegativeInteger')));
      }
      const license = webIri(distribution.license);
      if (license) add(dct('license'), this.typed(license, dct('LicenseDocument')));
      for (const law of dataKind(record).legislation) add(dcatap('applicableLegislation'), this.legalResource(law));
      if (distribution.accessMode) add(ext('accessMode'), literal(distribution.accessMode));
      if (distribution.hostingLocation) add(ext('hostingLocation'), literal(distribution.hostingLocation));
      if (distribution.encryption) add(ext('encryption'), literal(distribution.encryption));
    });
  }

  organisation(organisation: Organisation): RDF.NamedNode {
    return this.once(this.iris.organisation(organisation.identifier), (add) => {
      add(rdf('type'), foaf('Agent'));
      add(rdf('type'), foaf('Organization'));
      add(foaf('name'), literal(organisation.name));
      const publisherType = webIri(organisation.publisherType);
      if (publisherType) add(dct('type'), this.concept(publisherType));
      const homepage = webIri(organisation.homepage);
      if (homepage) add(foaf('homepage'), this.typed(homepage, foaf('Document')));
      if (organisation.orgNumber) {
        add(adms('identifier'), this.identifier(this.iris.part('organisations', organisation.identifier, 'organisation-number'), organisation.orgNumber));
      }
      const contact = this.organisationContact(organisation);
      if (contact) add(dcat('contactPoint'), this.contactPoint(contact));
    });
  }

  accessBody(body: DataAccessBody): RDF.NamedNode {
    return this.once(this.iris.accessBody(body.identifier), (add) => {
      add(rdf('type'), foaf('Agent'));
      add(rdf('type'), foaf('Organization'));
      add(foaf('name'), literal(body.name));
      add(ext('accessBodyKind'), literal(body.kind));
      // An EHDS health data access body may be planned but not yet designated.
      add(ext('operationalStatus'), literal(body.operationalStatus));
      const contact = this.bodyContact(body);
      if (contact) add(dcat('contactPoint'), this.contactPoint(contact));
    });
  }

  // --- parts of a dataset --------------------------------------------------------------------------------

  private describeLifecycle(dataset: Dataset, add: Add): void {
    const withdrawn = dataset.status === RecordStatus.WITHDRAWN;
    const status = withdrawn ? admsStatus.withdrawn : admsStatus.completed;
    add(adms('status'), this.concept(status.iri, admsStatus.scheme, status.label));
    if (dataset.issued) add(dct('issued'), dateTime(dataset.issued));
    add(dct('modified'), dateTime(dataset.modified));
    if (withdrawn) {
      // Withdrawal is the last change to a withdrawn record, so its modification time is when it ended.
      add(prov('invalidatedAtTime'), dateTime(dataset.modified));
      if (dataset.withdrawalReason) add(ext('withdrawalReason'), literal(dataset.withdrawalReason));
    }
  }

  private describeCohort(dataset: Dataset, add: Add): void {
    const cohort = dataset.cohort;
    if (!cohort) return;
    const counts: [RDF.NamedNode, number | null | undefined][] = [
      [healthdcatap('numberOfUniqueIndividuals'), cohort.numberOfUniqueIndividuals],
      [healthdcatap('numberOfRecords'), cohort.numberOfRecords],
      [healthdcatap('minTypicalAge'), cohort.minTypicalAge],
      [healthdcatap('maxTypicalAge'), cohort.maxTypicalAge],
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
    if (cohort.populationCoverage) add(healthdcatap('populationCoverage'), literal(cohort.populationCoverage));

    for (const term of [...cohort.diseases, ...cohort.phenotypes]) {
      const code = this.codeValue(term);
      if (!code) continue;
      add(healthdcatap('hasCodeValues'), code.node);
      if (code.codingSystem) add(healthdcatap('hasCodingSystem'), namedNode(code.codingSystem));
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
      if (typeof sequencing.meanCoverage === 'number' && Number.isFinite(sequencing.meanCoverage)) {
        add(ext('meanCoverage'), literal(String(sequencing.meanCoverage), xsd('decimal')));
      }
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

  private describeConsent(dataset: Dataset, consent: ConsentScope, add: Add): void {
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

    const scope = namedNode(this.iris.part('datasets', dataset.identifier, 'consent-scope'));
    add(ext('consentScope'), scope);
    const state = (predicate: RDF.NamedNode, object: RDF.Quad_Object) => this.graph.add(scope, predicate, object);
    state(rdf('type'), ext('ConsentScope'));
    const permission = findDuoTerm(consent.duoPermission);
    if (permission) state(ext('duoPermission'), namedNode(permission.iri));
    for (const modifier of consent.duoModifiers) {
      const term = findDuoTerm(modifier.code);
      if (!term) continue;
      state(ext('duoModifier'), namedNode(term.iri));
      if (modifier.value) {
        // The modifier's parameter (region, months, date) qualifies the modifier, so it gets its own node.
        const parameter = namedNode(this.iris.part('datasets', dataset.identifier, `consent-scope-${term.code.replace(':', '_')}`));
        state(ext('duoModifierParameter'), parameter);
        this.graph.add(parameter, ext('duoTerm'), namedNode(term.iri));
        this.graph.add(parameter, rdf('value'), literal(modifier.value));
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

  private describeAccessRoute(dataset: Dataset, route: AccessRoute, add: Add): void {
    const node = namedNode(this.iris.part('datasets', dataset.identifier, 'access-route'));
    add(ext('accessRoute'), node);
    const state = (predicate: RDF.NamedNode, object: RDF.Quad_Object) => this.graph.add(node, predicate, object);
    state(rdf('type'), ext('AccessRoute'));
    state(ext('accessMode'), literal(route.accessMode));
    const applicationPage = webIri(route.applicationUrl);
    if (applicationPage) state(ext('applicationPage'), namedNode(applicationPage));
    const turnaround = count(route.expectedTurnaroundDays);
    if (turnaround) state(ext('expectedTurnaroundDays'), turnaround);
    if (route.fees) state(ext('fees'), literal(route.fees));
    for (const code of route.languages) {
      const language = euLanguage(code);
      if (language) state(dct('language'), this.typed(language, dct('LinguisticSystem')));
    }
    for (const step of [...route.steps].sort((a, b) => a.position - b.position)) {
      const stepNode = namedNode(this.iris.part('datasets', dataset.identifier, `access-route-step-${step.position}`));
      state(ext('step'), stepNode);
      this.graph.add(stepNode, rdf('type'), ext('AccessRouteStep'));
      this.graph.add(stepNode, ext('order'), literal(String(step.position), xsd('integer')));
      this.graph.add(stepNode, ext('requirement'), literal(step.requirement));
      if (step.body) this.graph.add(stepNode, ext('decidedBy'), this.accessBody(step.body));
      if (step.description) this.graph.add(stepNode, dct('description'), literal(step.description));
    }
  }

  private provenance(dataset: Dataset): RDF.NamedNode {
    const statement = namedNode(this.iris.part('datasets', dataset.identifier, 'provenance'));
    const harvestedAt = dataset.harvestedAt ? ` on ${dataset.harvestedAt.toISOString().slice(0, 10)}` : '';
    const from = dataset.harvestedFrom ? ` from ${dataset.harvestedFrom}` : '';
    const origin =
      dataset.provenanceSource === ProvenanceSource.HARVESTED ? `Harvested${from}${harvestedAt}.`
      : dataset.provenanceSource === ProvenanceSource.IMPORTED ? `Imported into the catalogue${from}${harvestedAt}.`
      : 'Registered in the catalogue by a data manager of the publishing organisation.';
    const counts = dataset.cohort?.countsSource ? ` Counts: ${dataset.cohort.countsSource}` : '';
    this.graph.add(statement, rdf('type'), dct('ProvenanceStatement'));
    this.graph.add(statement, rdfs('label'), literal(origin + counts));
    return statement;
  }

  private study(study: Study): RDF.NamedNode {
    return this.once(this.iris.study(study.identifier), (add) => {
      add(rdf('type'), prov('Activity'));
      add(dct('identifier'), literal(study.identifier));
      add(dct('title'), literal(study.title));
      if (study.description) add(dct('description'), literal(study.description));
    });
  }

  private publication(publication: Publication): RDF.NamedNode | null {
    const iri = publication.doi ? `https://doi.org/${encodeURI(publication.doi.trim())}` : webIri(publication.url);
    if (!iri) return null;
    return this.once(iri, (add) => {
      add(dct('title'), literal(publication.title));
    });
  }

  private attribution(dataset: Dataset, organisation: Organisation, role: string, roleName: string): RDF.NamedNode {
    const attribution = namedNode(
      this.iris.part('datasets', dataset.identifier, `${roleName}-${encodeURIComponent(organisation.identifier)}`),
    );
    this.graph.add(attribution, rdf('type'), prov('Attribution'));
    this.graph.add(attribution, prov('agent'), this.organisation(organisation));
    this.graph.add(attribution, dcat('hadRole'), namedNode(role));
    return attribution;
  }

  private codeValue(term: OntologyTerm): { node: RDF.NamedNode; codingSystem: string | null } | null {
    const coded = codedTerm(term.iri);
    if (!coded) return null;
    const node = namedNode(coded.iri);
    // HealthDCAT-AP: a code value carries its IRI as an xsd:anyURI identifier and its coding system.
    this.graph.add(node, dct('identifier'), literal(coded.iri, xsd('anyURI')));
    if (coded.codingSystem) this.graph.add(node, skos('inScheme'), namedNode(coded.codingSystem));
    if (term.label) this.graph.add(node, skos('prefLabel'), literal(term.label));
    return { node, codingSystem: coded.codingSystem };
  }

  // --- contact points ----------------------------------------------------------------------------------

  /** The access route's own contact, else its first access body's, else the publisher's. */
  private datasetContact(dataset: Dataset, route: AccessRoute | null): ContactDetails | null {
    const email = mailtoIri(route?.contactEmail);
    if (route && email) {
      return {
        iri: this.iris.part('datasets', dataset.identifier, 'contact'),
        name: route.accessBody?.name ?? dataset.publisher.name,
        email,
        url: webIri(route.applicationUrl),
      };
    }
    return (route?.accessBody && this.ownContactOfBody(route.accessBody)) ?? this.organisationContact(dataset.publisher);
  }

  /**
   * An organisation's own contact details, else those of an access body it operates (a region's disclosure
   * function answers for the region's data), else the catalogue publisher's: HealthDCAT-AP needs one for
   * every publisher, and the catalogue's publisher answers questions about what it lists.
   */
  private organisationContact(organisation: Organisation, fallBackToCatalogue = true): ContactDetails | null {
    const email = mailtoIri(organisation.contactEmail);
    const url = webIri(organisation.homepage);
    if (email || url) return { iri: this.iris.part('organisations', organisation.identifier, 'contact'), name: organisation.name, email, url };
    for (const body of this.context.bodiesOperatedBy.get(organisation.id) ?? []) {
      const contact = this.ownContactOfBody(body);
      if (contact) return contact;
    }
    const publisher = this.context.catalogue.publisher;
    return fallBackToCatalogue && publisher && publisher.id !== organisation.id ? this.organisationContact(publisher, false) : null;
  }

  /** An access body's own contact details, else the catalogue publisher's (a planned HDAB has none yet). */
  private bodyContact(body: DataAccessBody): ContactDetails | null {
    const publisher = this.context.catalogue.publisher;
    return this.ownContactOfBody(body) ?? (publisher ? this.organisationContact(publisher, false) : null);
  }

  private ownContactOfBody(body: DataAccessBody): ContactDetails | null {
    const email = mailtoIri(body.contactEmail);
    const url = webIri(body.applicationUrl);
    return email || url ? { iri: this.iris.part('access-bodies', body.identifier, 'contact'), name: body.name, email, url } : null;
  }

  private contactPoint(details: ContactDetails): RDF.NamedNode {
    return this.once(details.iri, (add) => {
      add(rdf('type'), vcard('Kind'));
      add(vcard('fn'), literal(details.name));
      if (details.email) add(vcard('hasEmail'), namedNode(details.email));
      if (details.url) add(vcard('hasURL'), namedNode(details.url));
    });
  }

  // --- controlled vocabularies -------------------------------------------------------------------------

  private spatial(): RDF.NamedNode | null {
    const iri = webIri(this.context.catalogue.spatial);
    return iri ? this.typed(iri, dct('Location')) : null;
  }

  private concept(iri: string, scheme: string | null = null, label = conceptLabel(iri)): RDF.NamedNode {
    return this.once(iri, (add) => {
      add(rdf('type'), skos('Concept'));
      add(skos('prefLabel'), english(label));
      if (scheme) add(skos('inScheme'), namedNode(scheme));
    });
  }

  private conceptScheme(iri: string): RDF.NamedNode {
    return this.once(iri, (add) => {
      add(rdf('type'), skos('ConceptScheme'));
      add(dct('title'), english(iri === dataThemeScheme.iri ? dataThemeScheme.title : conceptLabel(iri)));
    });
  }

  private rightsStatement(iri: string): RDF.NamedNode {
    return this.once(iri, (add) => {
      add(rdf('type'), dct('RightsStatement'));
      add(rdfs('label'), english(conceptLabel(iri)));
    });
  }

  private legalResource(law: { iri: string; title: string }): RDF.NamedNode {
    return this.once(law.iri, (add) => {
      add(rdf('type'), eli('LegalResource'));
      add(dct('title'), english(law.title));
    });
  }

  private identifier(iri: string, notation: string): RDF.NamedNode {
    return this.once(iri, (add) => {
      add(rdf('type'), adms('Identifier'));
      add(skos('notation'), literal(notation));
    });
  }

  private mediaTypeOrExtent(distribution: Distribution, format: DistributionFormat, index: number): RDF.NamedNode {
    const edam = webIri(format.edam);
    const iri = edam ?? this.iris.part('distributions', distribution.id, `format-${index + 1}`);
    return this.once(iri, (add) => {
      add(rdf('type'), dct('MediaTypeOrExtent'));
      add(rdfs('label'), literal(format.label));
    });
  }

  private formatStandard(format: DistributionFormat): RDF.NamedNode | null {
    const edam = webIri(format.edam);
    if (!edam) return null;
    const node = namedNode(edam);
    this.graph.add(node, rdf('type'), dct('Standard'));
    this.graph.add(node, rdfs('label'), literal(format.label));
    return node;
  }

  private typed(iri: string, type: RDF.NamedNode): RDF.NamedNode {
    const node = namedNode(iri);
    this.graph.add(node, rdf('type'), type);
    return node;
  }

  /** The node for `iri`, described by `describe` the first time this document mentions it. */
  private once(iri: string, describe: (add: Add) => void): RDF.NamedNode {
    const node = namedNode(iri);
    if (!this.described.has(iri)) {
      this.described.add(iri);
      describe((predicate, object) => this.graph.add(node, predicate, object));
    }
    return node;
  }
}

type Add = (predicate: RDF.NamedNode, object: RDF.Quad_Object) => void;

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

/**
 * The dataset's own keywords, then the words for its diagnostic area and assays: harvesters search on
 * keywords, and HealthDCAT-AP requires at least one.
 */
function keywordsOf(dataset: Dataset): string[] {
  const keywords = [...dataset.keywords];
  if (dataset.diagnosticArea) keywords.push(diagnosticAreaKeyword[dataset.diagnosticArea]);
  for (const assay of dataset.cohort?.sequencing?.assays ?? []) keywords.push(assayKeyword[assay]);
  return [...new Set(keywords.map((keyword) => keyword.trim()).filter(Boolean))];
}

function sortedDistributions(dataset: Dataset): Distribution[] {
  return [...dataset.distributions].sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
}
