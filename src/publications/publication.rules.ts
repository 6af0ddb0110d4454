import { randomUUID } from 'node:crypto';
import type { RecordRules } from '../records/record-service.js';
import { checkText, checkUrl } from '../core/validation.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Publication, type PublicationRelation } from './publication.entity.js';

export interface PublicationPatch {
  title?: string | null;
  doi?: string | null;
  pmid?: string | null;
  authorsShort?: string | null;
  journal?: string | null;
  year?: number | null;
  volumePages?: string | null;
  url?: string | null;
  relationType?: PublicationRelation | null;
}

export interface PublicationInput extends PublicationPatch {
  identifier?: string | null;
  /** Owning organisation (id or identifier). */
  ownerOrganisation: string;
}

const DOI = /^10\.\d{4,9}\/\S+$/;

/** Publications enter the catalogue through imports and harvests; their owner maintains them. */
export const publicationRules: RecordRules<Publication, PublicationInput, PublicationPatch> = {
  entity: Publication,
  async build(em, input, problems, refs) {
    if (!input.title?.trim()) problems.add('input.title', 'is required', 'REQUIRED');
    const owner = await refs.claim(Organisation, input.ownerOrganisation, 'input.ownerOrganisation', problems);
    const publication = Object.assign(new Publication(), {
      identifier: input.identifier?.trim() || `urn:gdcat:publication:${randomUUID()}`,
      title: input.title?.trim() ?? '',
    });
    publication.ownerOrganisationId = owner?.id ?? null;
    await publicationRules.apply(em, publication, input, problems, refs);
    return publication;
  },
  async apply(_em, publication, patch, problems) {
    if (patch.title !== undefined) {
      if (!patch.title?.trim()) problems.add('input.title', 'cannot be empty', 'REQUIRED');
      else publication.title = checkText(problems, 'input.title', patch.title, 1000);
    }
    if (patch.doi !== undefined) {
      if (patch.doi && !DOI.test(patch.doi)) problems.add('input.doi', `"${patch.doi}" is not a DOI such as 10.1186/s13073-021-00855-5`);
      publication.doi = patch.doi || null;
    }
    if (patch.year !== undefined) {
      if (patch.year != null && (patch.year < 1800 || patch.year > 2100)) problems.add('input.year', 'is not a plausible publication year');
      publication.year = patch.year;
    }
    for (const key of ['pmid', 'authorsShort', 'journal', 'volumePages', 'relationType'] as const) {
      if (patch[key] !== undefined) Object.assign(publication, { [key]: patch[key] ?? null });
    }
    if (patch.url !== undefined) publication.url = checkUrl(problems, 'input.url', patch.url);
    else if (publication.doi && !publication.url) publication.url = `https://doi.org/${publication.doi}`;
  },
};
