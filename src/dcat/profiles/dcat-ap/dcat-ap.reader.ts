import type * as RDF from '@rdfjs/types';
import { contentLanguageOf } from '../../../core/languages.js';
import { NON_PUBLIC_ACCESS } from '../../../datasets/dataset.entity.js';
import type { QuadIndex } from '../../rdf/quad-index.js';
import { DataFactory } from 'n3';
import { adms, dcat, dct, ext, foaf, prov, rdf, rdfs, schema, skos, time, vcard } from '../../namespaces.js';
import { admsStatus, attributionRole, conceptLabel, dataThemeScheme, languageCodeOf, mediaTypeNamed } from '../../vocabularies.js';
import type { CatalogueReader, ContactRead } from '../catalogue-reader.js';
import type { ProfileReader, ReadRecord } from '../profile.js';

/**
 * DCAT-AP 3 core, read back (the inverse of dcat-ap.writer.ts): datasets, distributions, agents, contact
 * points, lifecycle and provenance. Also reads what other DCAT-AP catalogues commonly state in the same terms.
 */
export const dcatApReader: ProfileReader = {
  name: 'DCAT-AP 3',

  dataset(reader, node, d) {
    const g = reader.graph;
    g.objects(node, rdf('type'));
    d.id = g.literal(node, dct('identifier')) ?? reader.identifierOf(node, 'Dataset');
    d.title = g.literal(node, dct('title'));
    d.description = g.literal(node, dct('description')) ?? '';
    d.keywords = g.literals(node, dcat('keyword'));
    readLanguages(
      g,
      node,
      d,
      [
        ['title', dct('title')],
        ['description', dct('description')],
        ['keywords', dcat('keyword')],
      ],
      recordLanguage(g, node, dcat('CatalogRecord')),
    );
    // The record's own theme is an EU data theme when the source states one; which one must not depend on the
    // order the source lists them in (dcat:theme is a set), so a reordering source changes nothing here.
    const themes = g.iris(node, dcat('theme')).sort();
    d.theme = themes.find((theme) => theme.startsWith(`${dataThemeScheme.iri}/`)) ?? themes[0] ?? null;
    d.accessRights = g.iri(node, dct('accessRights'));
    const publisher = g.object(node, dct('publisher'));
    d.publisher = publisher ? reader.organisation(publisher) : null;
    const contact = g.object(node, dcat('contactPoint'));
    if (contact) d.contactPoint = reader.contact(contact);
    const holders: string[] = [];
    const contributors: string[] = [];
    for (const attribution of g.objects(node, prov('qualifiedAttribution'))) {
      const agent = g.object(attribution, prov('agent'));
      const role = g.iri(attribution, dcat('hadRole'));
      if (!agent) continue;
      if (role === attributionRole.custodian) holders.push(reader.organisation(agent));
      else if (role === attributionRole.contributor) contributors.push(reader.organisation(agent));
    }
    d.dataHolder = holders.sort();
    d.contributors = contributors.sort();

    const withdrawn = g.iri(node, adms('status')) === admsStatus.withdrawn.iri;
    d.status = withdrawn ? 'withdrawn' : 'published';
    d.issued = g.literal(node, dct('issued'));
    d.modified = g.literal(node, dct('modified'));
    if (withdrawn) {
      d.withdrawnAt = g.literal(node, prov('invalidatedAtTime'));
      d.withdrawalReason = g.literal(node, adms('versionNotes'));
    }
    d.version = g.literal(node, dcat('version'));
    d.otherIdentifiers = g.objects(node, adms('identifier')).map((identifier) => g.literal(identifier, skos('notation'))).filter(Boolean);
    // What the catalogue's records have no field for, kept as the source states it (see harvested-dataset).
    const temporal = g.object(node, dct('temporal'));
    // A contact point gdcat falls back to (the publisher's, an access body's) is read with its own record.
    const contactPoint = contact ? reader.contact(contact) : null;
    const ownContact = contactPoint && reader.isOwnContact(contactPoint, 'Dataset', d.id) ? contactPoint : null;
    d.sourceDescription = {
      themes,
      spatial: g.iris(node, dct('spatial')),
      temporalStart: temporal ? periodBound(g, temporal, 'start') : null,
      temporalEnd: temporal ? periodBound(g, temporal, 'end') : null,
      contactPoint: ownContact && { name: ownContact.name, email: ownContact.email, url: ownContact.url },
      ...foreignLanguage(g, node, d),
    };
    // gdcat states where its cohort counts come from in the provenance statement (dcat-ap.writer.ts).
    const provenance = g.object(node, dct('provenance'));
    const counts = provenance ? / Counts: (.+)$/s.exec(g.literal(provenance, rdfs('label')) ?? '') : null;
    if (counts) d.cohort = { ...d.cohort, countsSource: counts[1] };
    g.objects(node, prov('wasDerivedFrom'));
    const study = g.object(node, prov('wasGeneratedBy'));
    d.wasGeneratedBy = study ? reader.study(study) : null;
    const publications = g.objects(node, dct('isReferencedBy')).filter((reference) => !g.hasType(reference, ext('HealthEconomicEvaluation')));
    d.isReferencedBy = publications.map((publication) => reader.publication(publication)).sort();
    // Standards the distributions conform to, repeated on the dataset; read with each distribution.
    g.objects(node, dct('conformsTo'));
    const distributions = g.objects(node, dcat('distribution')).map((distribution) => reader.distribution(distribution as RDF.Quad_Subject));
    // A public file with no access URL of its own states its download URL as the access URL too (DCAT-AP's
    // advice; dcat-ap.writer.ts), so that is no access URL of the record's. Non-public data keeps the one stated:
    // its download URL is not offered here.
    if (offersDownloads(d)) {
      for (const distribution of distributions) if (distribution.accessURL === distribution.downloadURL) distribution.accessURL = null;
    }
    d.distributions = distributions.sort((a, b) => `${a.title}\u0000${a.accessURL}`.localeCompare(`${b.title}\u0000${b.accessURL}`));
  },

  distribution(reader, node, x) {
    const g = reader.graph;
    g.objects(node, rdf('type'));
    x.title = g.literal(node, dct('title')) ?? g.literal(node, dct('description')) ?? 'Distribution';
    g.objects(node, dct('identifier'));
    x.accessURL = g.url(node, dcat('accessURL'));
    x.downloadURL = g.url(node, dcat('downloadURL'));
    // dct:format is a file type (the EU table); formats with an EDAM IRI are dct:conformsTo standards.
    const formats: { label: string; edam: string | null }[] = [];
    for (const standard of g.objects(node, dct('conformsTo'))) {
      formats.push({ label: g.literal(standard, rdfs('label')) ?? conceptLabel(standard.value), edam: standard.termType === 'NamedNode' ? standard.value : null });
    }
    const fileType = g.object(node, dct('format'));
    const fileTypeLabel = fileType ? (g.literal(fileType, rdfs('label')) ?? conceptLabel(fileType.value)) : null;
    if (fileTypeLabel && !formats.some((format) => format.label.toUpperCase() === fileTypeLabel.toUpperCase())) formats.unshift({ label: fileTypeLabel, edam: null });
    x.formats = formats;
    x.mediaType = mediaTypeNamed(g.iri(node, dcat('mediaType')) ?? g.literal(node, dcat('mediaType')));
    x.byteSize = wholeBytes(g.literal(node, dcat('byteSize')));
    x.license = g.url(node, dct('license'));
  },

  organisation(reader, node, o) {
    readAgent(reader, node, o);
    const g = reader.graph;
    o.publisherType = g.iri(node, dct('type'));
    o.homepage = g.url(node, foaf('homepage'));
    o.orgNumber = g.objects(node, adms('identifier')).map((identifier) => g.literal(identifier, skos('notation')))[0] ?? null;
    const contact = g.object(node, dcat('contactPoint'));
    const details = contact ? reader.contact(contact) : null;
    if (details && reader.isOwnContact(details, 'Organisation', o.id)) o.contactEmail = details.email;
    // With no contact details of its own, an organisation answers through an access body it operates
    // (contacts.ts). The contact point says who operates the body, not what the body is: only a body the
    // document describes is read, and gets its operator; the others come with the datasets that name them.
    else if (details?.ownerPath?.startsWith('access-bodies/') && contact?.termType === 'NamedNode') {
      const body = DataFactory.namedNode(contact.value.replace(/#contact$/, ''));
      if (g.describes(body)) reader.recordOf('DataAccessBody', reader.accessBody(body))!.operatedBy = o.id;
    } else if (!contact) o.contactEmail = agentEmail(g, node);
  },

  accessBody(reader, node, b) {
    readAgent(reader, node, b);
    const own = ownAccessBodyContact(reader, node, b.id);
    if (own) {
      b.contactEmail = own.email;
      b.applicationUrl = own.url;
    } else if (!reader.graph.object(node, dcat('contactPoint'))) {
      // Without a contact point, the address the agent itself states (as HealthDCAT-AP's own examples do).
      b.contactEmail = agentEmail(reader.graph, node);
    }
  },

  study(reader, node, s) {
    const g = reader.graph;
    s.id = g.literal(node, dct('identifier')) ?? s.id;
    s.title = g.literal(node, dct('title'));
    s.description = g.literal(node, dct('description')) ?? '';
  },
};

/**
 * Whether a dataset as read offers its files for download: it states access rights, and not non-public ones.
 * Access rights not stated are read as non-public (harvest-conformance.ts).
 */
export function offersDownloads(d: ReadRecord): boolean {
  return !!d.accessRights && d.accessRights !== NON_PUBLIC_ACCESS;
}

/**
 * The contact point an access body states as its own (its e-mail address and application page), not the one of
 * the organisation operating it that it falls back to (contacts.ts); null when it states another or none.
 */
export function ownAccessBodyContact(reader: CatalogueReader, node: RDF.Term, identifier: string): ContactRead | null {
  const contact = reader.graph.object(node, dcat('contactPoint'));
  const details = contact ? reader.contact(contact) : null;
  return details && reader.isOwnContact(details, 'DataAccessBody', identifier) ? details : null;
}

/**
 * A byte size as digits. DCAT-AP 2 typed dcat:byteSize xsd:decimal, so sources still write "147253.0" (or
 * 1.47253E5); a whole number in any notation is that number. Anything else is left as stated, for the record
 * rules to refuse.
 */
function wholeBytes(stated: string | null): string | null {
  if (stated == null || /^\d+$/.test(stated.trim())) return stated?.trim() ?? null;
  const value = /^\+?\d*\.?\d+(?:[eE][+-]?\d+)?$/.test(stated.trim()) ? Number(stated) : NaN;
  return Number.isSafeInteger(value) && value >= 0 ? String(value) : stated;
}

/**
 * The language a source tags its texts with when it is not one this catalogue writes in (Spanish, German,
 * Norwegian...): the record keeps the text as its own, and the tag is kept beside it so that this catalogue
 * does not republish the text as English.
 */
function foreignLanguage(g: QuadIndex, node: RDF.Term, d: ReadRecord): { language: string } | Record<string, never> {
  const title = g.objects(node, dct('title')).find((term): term is RDF.Literal => term.termType === 'Literal' && term.value === d.title);
  const tag = title?.language.toLowerCase() ?? '';
  return tag && !contentLanguageOf(tag) ? { language: tag } : {};
}

/**
 * When a period of time starts or ends, in whichever of the terms DCAT-AP has had for it: dcat:startDate and
 * dcat:endDate (DCAT-AP 2.1 and 3), schema:startDate and schema:endDate (DCAT-AP 2.0, still what ckanext-dcat
 * writes), or an OWL-Time instant (time:hasBeginning, time:hasEnd).
 */
function periodBound(g: QuadIndex, period: RDF.Term, bound: 'start' | 'end'): string | null {
  const [dcatTerm, schemaTerm, timeTerm] =
    bound === 'start' ? [dcat('startDate'), schema('startDate'), time('hasBeginning')] : [dcat('endDate'), schema('endDate'), time('hasEnd')];
  const instant = g.object(period, timeTerm);
  const ofInstant = instant && (g.literal(instant, time('inXSDDate')) ?? g.literal(instant, time('inXSDDateTimeStamp')) ?? g.literal(instant, time('inXSDDateTime')));
  return g.literal(period, dcatTerm) ?? g.literal(period, schemaTerm) ?? ofInstant ?? null;
}

/** An agent's e-mail address stated on the agent itself: foaf:mbox or vcard:hasEmail, as an IRI or a literal. */
function agentEmail(g: QuadIndex, node: RDF.Term): string | null {
  const stated = g.iri(node, foaf('mbox')) ?? g.literal(node, foaf('mbox')) ?? g.iri(node, vcard('hasEmail')) ?? g.literal(node, vcard('hasEmail'));
  return stated ? stated.replace(/^mailto:/i, '').trim() : null;
}

function readAgent(reader: CatalogueReader, node: RDF.Term, into: ReadRecord): void {
  into.name = reader.graph.literal(node, foaf('name')) ?? reader.graph.literal(node, skos('prefLabel')) ?? into.id;
  readLanguages(reader.graph, node, into, [['name', foaf('name')]], recordLanguage(reader.graph, node, foaf('Document')));
}

/**
 * The content language the record of a dataset, organisation or access body states as the one it is written
 * in (dct:language of the record of that `type` whose foaf:primaryTopic it is: a dcat:CatalogRecord for a
 * dataset, a foaf:Document for an agent; dcat-ap.writer.ts); null when none, or several.
 */
function recordLanguage(g: QuadIndex, node: RDF.Term, type: RDF.NamedNode): string | null {
  const stated = g
    .subjects(foaf('primaryTopic'), node)
    .filter((record) => g.hasType(record, type))
    .flatMap((record) => g.iris(record, dct('language')))
    .map((iri) => languageCodeOf(iri) ?? '');
  const languages = new Set(stated.map(contentLanguageOf));
  return languages.size === 1 ? [...languages][0]! : null;
}

/**
 * Texts given in Swedish and English (the writers state one literal per language): the record's own
 * language is the one its record states (`stated`, see recordLanguage) when it has a title (or name) in it, else that
 * of its title as read, English preferred (RDF gives the tagged titles no order), the plain fields take the
 * values in it, and the other content language goes to `translations`, the import file's shape. Untagged
 * texts and other languages are read as before, into the plain fields only.
 */
function readLanguages(g: QuadIndex, node: RDF.Term, into: ReadRecord, fields: readonly [string, RDF.NamedNode][], stated: string | null): void {
  const byField = fields.map(([field, predicate]) => {
    const byLanguage = new Map<string, string[]>();
    for (const term of g.objects(node, predicate)) {
      const language = term.termType === 'Literal' && term.language ? contentLanguageOf(term.language) : null;
      if (language) byLanguage.set(language, [...(byLanguage.get(language) ?? []), term.value]);
    }
    return { field, byLanguage, list: Array.isArray(into[field]) };
  });
  const [first] = fields;
  const ownTag = first ? (g.objects(node, first[1]).find((term) => term.value === into[first[0]]) as RDF.Literal | undefined)?.language : undefined;
  const own = stated && byField[0]?.byLanguage.has(stated) ? stated : ownTag ? contentLanguageOf(ownTag) : null;
  if (!own) return;
  into.language = own;
  const translations: Record<string, Record<string, string | string[]>> = {};
  for (const { field, byLanguage, list } of byField) {
    for (const [language, values] of byLanguage) {
      const value = list ? values : values[0]!;
      if (language === own) into[field] = value;
      else translations[language] = { ...translations[language], [field]: value };
    }
  }
  if (Object.keys(translations).length > 0) into.translations = translations;
}
