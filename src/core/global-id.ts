import { isUuid } from './validation.js';

/**
 * Relay global ids: base64url("Type:uuid"). Opaque to clients, stable for the life of the record, and they
 * tell `node(id)` which table to read.
 */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export function fromGlobalId(globalId: string): { type: string; id: string } | null {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0) return null;
  const id = decoded.slice(separator + 1);
  if (!isUuid(id)) return null;
  return { type: decoded.slice(0, separator), id };
}
