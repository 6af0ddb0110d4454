import { ProvenanceSource, RecordStatus } from './record.js';
import { UserInputProblem } from '../core/problems.js';
import { ANONYMOUS, type Viewer } from './viewer.js';

/** Which records the caller may see: PUBLISHED always; every status for the listed owners, or all if 'ALL'. */
export interface SearchVisibility {
  allStatusesForOwners: string[] | 'ALL';
}

interface OwnedRecord {
  status: RecordStatus;
  ownerOrganisationId?: string | null;
}

/**
 * The one place that decides who reads and edits what: anonymous callers read PUBLISHED records; a
 * data_manager also reads and edits records owned by their organisations; an admin reads and edits all.
 */
export class AccessPolicy {
  private constructor(
    readonly viewer: Viewer,
    /** Internal ids of the organisations the viewer acts for. */
    readonly ownOrganisationIds: ReadonlySet<string>,
  ) {}

  /**
   * What anyone may read, for output that answers every caller alike: the harvestable RDF (DCAT, FDP,
   * export) and the text and labels of the shared search index.
   */
  static readonly PUBLIC: AccessPolicy = new AccessPolicy(ANONYMOUS, new Set());

  /** `ownOrganisationIds`: internal ids of the organisations named in a data manager's token. */
  static forViewer(viewer: Viewer, ownOrganisationIds: Iterable<string>): AccessPolicy {
    return new AccessPolicy(viewer, new Set(viewer.role === 'data_manager' ? ownOrganisationIds : []));
  }

  get isAdmin(): boolean {
    return this.viewer.role === 'admin';
  }

  get isAuthenticated(): boolean {
    return this.viewer.role !== 'anonymous';
  }

  ownsOrganisation(organisationId: string | null | undefined): boolean {
    return this.isAdmin || (!!organisationId && this.ownOrganisationIds.has(organisationId));
  }

  canRead(record: OwnedRecord): boolean {
    return record.status === RecordStatus.PUBLISHED || this.ownsOrganisation(record.ownerOrganisationId);
  }

  /**
   * Reading one record at its own address (by id or identifier): what canRead allows, and also a withdrawn
   * record, which was public once. Its address keeps answering with the record and its withdrawal reason, as
   * its IRI answers 410 Gone with a tombstone, so links and citations never break; it leaves every listing,
   * search and reference.
   */
  canReadAtAddress(record: OwnedRecord): boolean {
    return record.status === RecordStatus.WITHDRAWN || this.canRead(record);
  }

  /** Throws UNAUTHENTICATED for anonymous callers, before anything about the input is looked at. */
  assertSignedIn(field: string | null = null): void {
    if (!this.isAuthenticated) throw UserInputProblem.of(field, 'sign in to change the catalogue', 'UNAUTHENTICATED');
  }

  /** Throws a FORBIDDEN problem unless the viewer may write records owned by that organisation. */
  assertCanWrite(ownerOrganisationId: string | null | undefined, field: string | null = null): void {
    this.assertSignedIn(field);
    if (!this.ownsOrganisation(ownerOrganisationId)) {
      throw UserInputProblem.of(field, 'you may only change records of your own organisations', 'FORBIDDEN');
    }
  }

  /**
   * Harvested records stay as their source describes them: a data manager changes them at the source and the
   * next harvest brings the change. Admins (and the harvest itself) may still write them.
   */
  assertCanEditByHand(record: { provenanceSource: ProvenanceSource; harvestedFrom?: string | null }, field: string | null = null): void {
    if (record.provenanceSource !== ProvenanceSource.HARVESTED || this.isAdmin) return;
    throw UserInputProblem.of(
      field,
      `this record is harvested from ${record.harvestedFrom ?? 'another catalogue'}: change it there; the next harvest brings the change here`,
      'FORBIDDEN',
    );
  }

  /** Throws unless the viewer is an admin (what only admins manage: harvest sources). */
  assertAdmin(field: string | null = null): void {
    this.assertSignedIn(field);
    if (!this.isAdmin) throw UserInputProblem.of(field, 'only an admin may do this', 'FORBIDDEN');
  }

  /** SQL filter for harvest sources and their runs: an admin sees all, a data manager those of their organisations. */
  harvestSourceFilter(): Record<string, unknown> {
    return this.isAdmin ? {} : { organisation: { $in: [...this.ownOrganisationIds] } };
  }

  /** SQL filter for listings: PUBLISHED, or owned by the viewer's organisations. */
  readableFilter(): Record<string, unknown> {
    if (this.isAdmin) return {};
    if (this.ownOrganisationIds.size === 0) return { status: RecordStatus.PUBLISHED };
    return { $or: [{ status: RecordStatus.PUBLISHED }, { ownerOrganisationId: { $in: [...this.ownOrganisationIds] } }] };
  }

  searchVisibility(): SearchVisibility {
    return { allStatusesForOwners: this.isAdmin ? 'ALL' : [...this.ownOrganisationIds] };
  }
}
