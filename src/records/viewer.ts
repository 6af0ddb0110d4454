export type Role = 'anonymous' | 'data_manager' | 'admin';

/** Who is calling: from a verified bearer token, or anonymous. */
export interface Viewer {
  subject: string;
  role: Role;
  /** Public identifiers of the organisations a data manager acts for. */
  organisationIdentifiers: string[];
}

export const ANONYMOUS: Viewer = { subject: 'anonymous', role: 'anonymous', organisationIdentifiers: [] };

/**
 * The actor of writes no person makes (seed, scheduled harvests, a CLI import without --org): it may write
 * everything, and the audit log names the task, e.g. "system:seed".
 */
export function systemActor(task: string): Viewer {
  return { subject: `system:${task}`, role: 'admin', organisationIdentifiers: [] };
}
