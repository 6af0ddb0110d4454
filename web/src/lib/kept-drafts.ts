import type { DatasetDraft } from './dataset-draft';

/**
 * Unsaved edits kept in this browser tab (like the sign-in token), so an expired sign-in, a reload or a link
 * followed by mistake does not lose them. `version` is the record's version the edits were made on: saving
 * them later still meets a newer version as a conflict. `owner` is who made them.
 */
export interface KeptDraft {
  version: number | null;
  owner: string | null;
  draft: DatasetDraft;
}

const PREFIX = 'gdcat.draft.';

/** `record`: the record's id, or 'new' for one not yet created. */
export function keepDraft(record: string, kept: KeptDraft): void {
  sessionStorage.setItem(PREFIX + record, JSON.stringify(kept));
}

export function forgetDraft(record: string): void {
  sessionStorage.removeItem(PREFIX + record);
}

/** The edits `owner` kept for a record; another person's are not theirs to see. */
export function keptDraft(record: string, owner: string | null): KeptDraft | null {
  const text = sessionStorage.getItem(PREFIX + record);
  if (!text) return null;
  const kept = JSON.parse(text) as KeptDraft;
  return kept.owner === owner ? kept : null;
}

/** Signing out leaves no one's edits behind in the tab. */
export function forgetAllDrafts(): void {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
}
