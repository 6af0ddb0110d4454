import { dct, fdp } from '../../namespaces.js';
import type { ProfileReader } from '../profile.js';

/**
 * FAIR Data Point metadata, read back (the inverse of fdp.writer.ts). The FDP record dates stand in for the
 * DCAT ones when a FAIR Data Point states only those.
 */
export const fdpReader: ProfileReader = {
  name: 'FAIR Data Point',

  dataset(reader, node, d) {
    const g = reader.graph;
    g.objects(node, fdp('metadataIdentifier'));
    g.objects(node, dct('isPartOf'));
    const issued = g.literal(node, fdp('metadataIssued'));
    const modified = g.literal(node, fdp('metadataModified'));
    d.issued ??= issued;
    d.modified ??= modified;
  },

  distribution(reader, node) {
    for (const predicate of [fdp('metadataIdentifier'), fdp('metadataIssued'), fdp('metadataModified'), dct('isPartOf')]) reader.graph.objects(node, predicate);
  },
};
