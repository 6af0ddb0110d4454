import type { EntityManager } from '@mikro-orm/postgresql';
import { Organisation } from '../organisations/organisation.entity.js';
import { RecordStatus } from '../common/record.js';
import { UserInputProblem } from '../common/user-error.js';
import type { SearchVisibility } from '../search/engine.js';
import type { Viewer } from './viewer.js';

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

  static async forViewer(em: EntityManager, viewer: Viewer): Promise<AccessPolicy> {
    if (viewer.role !== 'data_manager') return new AccessPolicy(viewer, new Set());
    const orgs = await em.find(Organisation, { identifier: { $in: viewer.organisationIdentifiers } }, { fields: ['id'] });
    return new AccessPolicy(viewer, new Set(orgs.map((o) => o.id)));
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

  /** Throws a FORBIDDEN problem unless the viewer may write records owned by that organisation. */
  assertCanWrite(ownerOrganisationId: string | null | undefined, field: string | null = null): void {
    if (!this.isAuthenticated) throw UserInputProblem.of(field, 'sign in to change the catalogue', 'UNAUTHENTICATED');
    if (!this.ownsOrganisation(ownerOrganisationId)) {
      throw UserInputProblem.of(field, 'you may only change records of your own organisations', 'FORBIDDEN');
    }
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
