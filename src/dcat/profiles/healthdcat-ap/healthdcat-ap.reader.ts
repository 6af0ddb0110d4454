import { cv, dcatap, dct, dpv, ext, healthdcatap, skos } from '../../namespaces.js';
import { codingSystemName, compactLegalBasis } from '../../vocabularies.js';
import type { ProfileReader } from '../profile.js';

/**
 * HealthDCAT-AP, read back (the inverse of healthdcat-ap.writer.ts): the health data access body, cohort
 * figures, coded diseases and phenotypes and the legal bases of processing. Health categories, applicable legislation, the
 * personal-data type and the purposes follow from the rest of the record, so they are read and not kept.
 */
export const healthDcatApReader: ProfileReader = {
  name: 'HealthDCAT-AP',

  dataset(reader, node, d) {
    const g = reader.graph;
    for (const predicate of [dcatap('applicableLegislation'), healthdcatap('healthCategory'), dct('type'), healthdcatap('hasCodingSystem'), dpv('hasPurpose')]) {
      g.objects(node, predicate);
    }
    const hdab = g.object(node, healthdcatap('hdab'));
    d.hdab = hdab ? reader.accessBody(hdab) : null;
    // What healthdcatap:hdab names is a health data access body by the property's definition; a foreign
    // source states no kind of its own (gdcat's ext:accessBodyKind, read later, still wins).
    if (d.hdab) reader.recordOf('DataAccessBody', d.hdab)!.kind ??= 'HDAB';
    const cohort = {
      numberOfUniqueIndividuals: g.integer(node, healthdcatap('numberOfUniqueIndividuals')),
      numberOfRecords: g.integer(node, healthdcatap('numberOfRecords')),
      minTypicalAge: g.integer(node, healthdcatap('minTypicalAge')),
      maxTypicalAge: g.integer(node, healthdcatap('maxTypicalAge')),
      populationCoverage: g.literal(node, healthdcatap('populationCoverage')),
    };
    // Phenotypes are code values too; the gdcat extension tells them apart (ext:phenotype).
    const phenotypes = new Set(g.iris(node, ext('phenotype')));
    // gdcat states coded diseases and phenotypes as dct:subject; other catalogues may use hasCodeValues.
    const coded = [...g.objects(node, dct('subject')), ...g.objects(node, healthdcatap('hasCodeValues'))].filter((code) => code.termType === 'NamedNode');
    const codes = coded.map((code) => {
      g.objects(code, dct('identifier'));
      const system = codingSystemName(g.iri(code, skos('inScheme')));
      return { iri: code.value, label: g.literal(code, skos('prefLabel')), ...(system ? { system } : {}) };
    });
    const diseases = codes.filter((code) => !phenotypes.has(code.iri));
    const stated = Object.values(cohort).some((value) => value != null) || diseases.length > 0;
    if (stated) d.cohort = { ...d.cohort, ...cohort, diseases, phenotypes: codes.filter((code) => phenotypes.has(code.iri)) };
    const legalBases = g.iris(node, dpv('hasLegalBasis')).map(compactLegalBasis);
    if (legalBases.length) d.legalBases = legalBases;
  },
  distribution(reader, node) {
    reader.graph.objects(node, dcatap('applicableLegislation'));
  },
  // Release 6 reaches agents through cv:contactPoint: the same contact point as their dcat:contactPoint.
  organisation(reader, node) {
    reader.graph.objects(node, cv('contactPoint'));
  },

  accessBody(reader, node) {
    reader.graph.objects(node, cv('contactPoint'));
  },
};
