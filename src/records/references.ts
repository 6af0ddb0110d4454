import { type EntityClass, type EntityDictionary, type Primary, wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { fromGlobalId } from '../core/global-id.js';
import type { Problems } from '../core/problems.js';
import type { AccessPolicy } from './access-policy.js';
import type { CatalogueRecord } from './record.js';

/**
 * Finds a record by either of the ids clients hold: its Relay global id or its public identifier, whatever
 * its status. Only the write path's own record lookup and `findReadable` use it.
 */
export async function findByRef<T extends { id: string; identifier: string }>(
  em: EntityManager,
  entity: EntityClass<T>,
  ref: string,
): Promise<T | null> {
  const cache = caches.get(em);
  const key = `${entity.name} ${ref}`;
  if (cache?.has(key)) return cache.get(key) as T | null;
  const global = fromGlobalId(ref);
  const byId = global && global.type === entity.name;
  const [found = null] = byId ? await readRecords(em, entity, [global.id], []) : await readRecords(em, entity, [], [ref]);
  if (cache && found) cache.set(key, found);
  return found;
}

/**
 * The records of a kind with these ids or identifiers, read as plain rows and made entities of the unit of work
 * (one already in it is kept as it is, unread): every write reads the record it changes and the few it names,
 * and building the ORM's query cost more CPU than reading them.
 */
async function readRecords<T extends { id: string }>(em: EntityManager, entity: EntityClass<T>, ids: string[], identifiers: string[]): Promise<T[]> {
  const unitOfWork = em.getUnitOfWork();
  const loaded = (id: string) => {
    const known = unitOfWork.getById<T>(entity, id as Primary<T>);
    return known && wrap(known).isInitialized() ? known : null;
  };
  const found = ids.map(loaded).filter((record) => record !== null);
  const unread = ids.filter((id) => !loaded(id));
  const conditions = [unread.length > 0 ? 'id in (?)' : null, identifiers.length > 0 ? 'identifier in (?)' : null].filter((c) => c !== null);
  if (conditions.length === 0) return found;
  const values = [unread, identifiers].filter((list) => list.length > 0);
  const table = em.getMetadata(entity).tableName;
  const rows = await em.getConnection().execute<EntityDictionary<T>[]>(`select * from "${table}" where ${conditions.join(' or ')}`, values, 'all', em.getTransactionContext());
  return [...found, ...rows.map((row) => loaded(row.id as string) ?? em.map(entity, row))];
}

/**
 * Bulk writes (import, harvest) name the same publishers and access bodies thousands of times: while a
 * cache is on for an entity manager, each reference is looked up once, and records created in the same
 * unit of work are found before they are flushed. Clear it whenever the entity manager is cleared.
 */
const caches = new WeakMap<EntityManager, Map<string, object | null>>();

export function cacheReferences(em: EntityManager): void {
  caches.set(em, new Map());
}

export function clearReferenceCache(em: EntityManager): void {
  caches.get(em)?.clear();
}

/** Makes a record created in this unit of work findable by its identifier before it is flushed. */
export function rememberReference(em: EntityManager, record: { identifier: string; constructor: { name: string } }): void {
  caches.get(em)?.set(`${record.constructor.name} ${record.identifier}`, record);
}

/** A record the caller may read, by Relay id or identifier; unknown and unreadable are both null. */
export async function findReadable<T extends CatalogueRecord>(em: EntityManager, policy: AccessPolicy, entity: EntityClass<T>, ref: string): Promise<T | null> {
  const found = await findByRef(em, entity, ref);
  return found && policy.canRead(found) ? found : null;
}

/** A record by Relay id or identifier as its own address answers it (AccessPolicy.canReadAtAddress). */
export async function findAtAddress<T extends CatalogueRecord>(em: EntityManager, policy: AccessPolicy, entity: EntityClass<T>, ref: string): Promise<T | null> {
  const found = await findByRef(em, entity, ref);
  return found && policy.canReadAtAddress(found) ? found : null;
}

/**
 * The reference rule, the one place every record kind resolves the records its input points at
 * (README, "Security model"):
 * - `link`: any record the caller may read (published, or of their own organisations). Naming a record
 *   this way changes only the record being written.
 * - `claim`: only a record of the caller's own organisations (an admin: any). Used where the reference
 *   decides who owns or answers for the record (ownerOrganisation, a dataset's publisher, an access body's
 *   operatedBy) or shows up on the referenced record itself (a study's outputs from wasGeneratedBy, a
 *   dataset's evaluations from evaluatedDatasets), so no data manager changes what another
 *   organisation's records show.
 * Unknown and unreadable references get the same NOT_FOUND answer, so a draft's existence does not leak.
 */
export class References {
  /** Records this write has already looked up, by the reference it named them with (found ones only). */
  private readonly known = new Map<string, CatalogueRecord>();

  constructor(
    private readonly em: EntityManager,
    private readonly policy: AccessPolicy,
  ) {}

  /**
   * Looks up, in one statement, every record of a kind the write is about to name, so that each reference
   * costs no statement of its own and a record named twice is read once. The rule still runs per reference.
   */
  async prefetch<T extends CatalogueRecord>(entity: EntityClass<T>, refs: readonly (string | null | undefined)[]): Promise<void> {
    // A bulk write's reference cache (cacheReferences) already holds what earlier records named.
    const cache = caches.get(this.em);
    const wanted = [...new Set(refs.filter((ref): ref is string => typeof ref === 'string' && !!ref))].filter((ref) => !this.known.has(`${entity.name} ${ref}`) && !cache?.has(`${entity.name} ${ref}`));
    if (wanted.length === 0) return;
    const ids = new Map<string, string>();
    const identifiers: string[] = [];
    for (const ref of wanted) {
      const global = fromGlobalId(ref);
      if (global && global.type === entity.name) ids.set(global.id, ref);
      else identifiers.push(ref);
    }
    for (const row of await readRecords(this.em, entity, [...ids.keys()], identifiers)) {
      for (const ref of [identifiers.includes(row.identifier) ? row.identifier : null, ids.get(row.id)]) {
        if (!ref) continue;
        this.known.set(`${entity.name} ${ref}`, row);
        cache?.set(`${entity.name} ${ref}`, row);
      }
    }
  }

  /** The record a reference names, whatever its status (the rule decides what it may be). */
  private async find<T extends CatalogueRecord>(entity: EntityClass<T>, ref: string): Promise<T | null> {
    const key = `${entity.name} ${ref}`;
    const known = this.known.get(key) as T | undefined;
    if (known) return known;
    const found = await findByRef(this.em, entity, ref);
    if (found) this.known.set(key, found);
    return found;
  }

  link<T extends CatalogueRecord>(entity: EntityClass<T>, ref: string, field: string, problems: Problems): Promise<T | null> {
    return this.resolve(entity, ref, field, problems, false);
  }

  links<T extends CatalogueRecord>(entity: EntityClass<T>, refs: readonly string[], field: string, problems: Problems): Promise<T[]> {
    return this.resolveAll(entity, refs, field, problems, false);
  }

  /**
   * A claim field that already points at `current` keeps it without a new claim: leaving a reference as it is
   * changes nothing another organisation's records show (a re-import of a dataset made by a national study).
   */
  async keepOrClaim<T extends CatalogueRecord>(
    entity: EntityClass<T>,
    ref: string,
    current: T | null | undefined,
    field: string,
    problems: Problems,
  ): Promise<T | null> {
    if (current) {
      const found = await this.find(entity, ref);
      if (found && found.id === current.id) return found;
    }
    return this.claim(entity, ref, field, problems);
  }

  claim<T extends CatalogueRecord>(entity: EntityClass<T>, ref: string, field: string, problems: Problems): Promise<T | null> {
    return this.resolve(entity, ref, field, problems, true);
  }

  claims<T extends CatalogueRecord>(entity: EntityClass<T>, refs: readonly string[], field: string, problems: Problems): Promise<T[]> {
    return this.resolveAll(entity, refs, field, problems, true);
  }

  private async resolve<T extends CatalogueRecord>(
    entity: EntityClass<T>,
    ref: string,
    field: string,
    problems: Problems,
    claim: boolean,
  ): Promise<T | null> {
    const record = await this.find(entity, ref);
    const found = record && this.policy.canRead(record) ? record : null;
    if (!found) {
      problems.add(field, `no ${entity.name} with id or identifier "${ref}"`, 'NOT_FOUND');
      return null;
    }
    if (claim && !this.policy.ownsOrganisation(found.ownerOrganisationId)) {
      problems.add(field, `${entity.name} "${ref}" belongs to another organisation; only its own data managers may name it here`, 'FORBIDDEN');
      return null;
    }
    return found;
  }

  private async resolveAll<T extends CatalogueRecord>(
    entity: EntityClass<T>,
    refs: readonly string[],
    field: string,
    problems: Problems,
    claim: boolean,
  ): Promise<T[]> {
    const found: T[] = [];
    for (const [index, ref] of refs.entries()) {
      const item = await this.resolve(entity, ref, `${field}[${index}]`, problems, claim);
      if (item) found.push(item);
    }
    return found;
  }
}
