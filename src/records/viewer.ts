export type Role = 'anonymous' | 'data_manager' | 'admin';

/** Who is calling: from a verified bearer token, or anonymous. */
export interface Viewer {
  subject: string;
  role: Role;
  /** Public identifiers of the organisations a data manager acts for. */
  organisationIdentifiers: string[];
}

export const ANONYMOUS: Viewer = { subject: 'anonymous', role: 'anonymous', organisationIdentifiers: [] };
