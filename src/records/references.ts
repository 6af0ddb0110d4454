import { type EntityClass, type EntityDictionary, wrap } from '@mikro-orm/core';
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
  lock: RowLock = 'none',
): Promise<T | null> {
  const cache = caches.get(em);
  const key = `${entity.name} ${ref}`;
  if (lock === 'none' && cache?.has(key)) return cache.get(key) as T | null;
  const global = fromGlobalId(ref);
  const byId = global && global.type === entity.name;
  const [found = null] = byId ? await readRecords(em, entity, [global.id], [], lock) : await readRecords(em, entity, [], [ref], lock);
  if (cache && found) cache.set(key, found);
  return found;
}

/**
 * `update`: the row stays locked until the transaction ends, so a concurrent write of the same record waits and
 * then reads what this one left (a delete racing a publish: one of them is refused, never both confirmed).
 */
export type RowLock = 'none' | 'update';

/**
 * The records of a kind with these ids or identifiers, read as plain rows and made entities of the unit of work
 * (one already in it is kept as it is, unread): every write reads the record it changes and the few it names,
 * and building the ORM's query cost more CPU than reading them.
 */
async function readRecords<T extends { id: string }>(em: EntityManager, entity: EntityClass<T>, ids: string[], identifiers: string[], lock: RowLock): Promise<T[]> {
  const [found] = await readRecordsOfKinds(em, [{ entity, ids, identifiers }], lock);
  return found as T[];
}

/** Records of one kind to read, by id and by identifier. */
interface Wanted {
  entity: EntityClass<{ id: string }>;
  ids: string[];
  identifiers: string[];
}

/**
 * readRecords for several kinds at once, in one statement: a write names organisations, access bodies and a study,
 * and each statement is a round trip to the database. The records of each kind, in the order of `wanted`.
 */
async function readRecordsOfKinds(em: EntityManager, wanted: Wanted[], lock: RowLock = 'none'): Promise<{ id: string }[][]> {
  const unitOfWork = em.getUnitOfWork();
  // A row to lock is read even when its entity is loaded already: the lock is what the read is for.
  const loaded = (entity: EntityClass<{ id: string }>, id: string) => {
    if (lock !== 'none') return null;
    const known = unitOfWork.getById(entity, id as never);
    return known && wrap(known).isInitialized() ? known : null;
  };
  const found = wanted.map(({ entity, ids }) => ids.map((id) => loaded(entity, id)).filter((record) => record !== null));
  const reads = wanted
    .map(({ entity, ids, identifiers }, kind) => {
      const unread = ids.filter((id) => !loaded(entity, id));
      const conditions = [unread.length > 0 ? 'id in (?)' : null, identifiers.length > 0 ? 'identifier in (?)' : null].filter((c) => c !== null);
      const values = [unread, identifiers].filter((list) => list.length > 0);
      return { kind, table: em.getMetadata(entity).tableName, where: conditions.join(' or '), values };
    })
    .filter((read) => read.where);
  if (reads.length === 0) return found;
  const execute = <R>(sql: string, values: unknown[]) => em.getConnection().execute<R[]>(sql, values, 'all', em.getTransactionContext());
  const map = (kind: number, row: EntityDictionary<{ id: string }>) => {
    const { entity } = wanted[kind];
    found[kind].push(loaded(entity, row.id as string) ?? em.map(entity, row));
  };
  if (reads.length === 1) {
    const [{ kind, table, where, values }] = reads;
    const locking = lock === 'update' ? ' for update' : '';
    for (const row of await execute<EntityDictionary<{ id: string }>>(`select * from "${table}" where ${where}${locking}`, values)) map(kind, row);
    return found;
  }
  // Tables of different columns share one result as JSON rows, which the ORM maps as it maps the plain ones.
  const sql = reads.map(({ kind, table, where }) => `select ${kind} as kind, to_jsonb(t) as row from "${table}" t where ${where}`).join(' union all ');
  const rows = await execute<{ kind: number; row: EntityDictionary<{ id: string }> }>(sql, reads.flatMap((read) => read.values));
  for (const { kind, row } of rows) map(kind, row);
  return found;
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

/**
 * Records a bulk write was given but refused, by kind and identifier, with where the writer read them: a later
 * record naming one is told that, not that no such record exists (a study refused on its row would otherwise
 * show as "no Study" on every dataset naming it).
 */
const refusals = new WeakMap<EntityManager, Map<string, string>>();

export function rememberRefused(em: EntityManager, kind: string, identifier: string, where: string): void {
  const refused = refusals.get(em) ?? refusals.set(em, new Map()).get(em)!;
  if (!refused.has(`${kind} ${identifier}`)) refused.set(`${kind} ${identifier}`, where);
}

/** Makes a record created in this unit of work findable by its identifier before it is flushed. */
export function rememberReference(em: EntityManager, record: { identifier: string; constructor: { name: string } }): void {
  caches.get(em)?.set(`${record.constructor.name} ${record.identifier}`, record);
}

/** A record the caller may read, by Relay id or identifier; unknown and unreadable are both null. */
export async function findReadable<T extends CatalogueRecord>(em: EntityManager, policy: AccessPolicy, entity: EntityClass<T>, ref: string, lock: RowLock = 'none'): Promise<T | null> {
  const found = await findByRef(em, entity, ref, lock);
  return found && policy.canRead(found) ? found : null;
}

/** A record by Relay id or identifier as its own address answers it (AccessPolicy.canReadAtAddress). */
export async function findAtAddress<T extends CatalogueRecord>(em: EntityManager, policy: AccessPolicy, entity: EntityClass<T>, ref: string): Promise<T | null> {
  const found = await findByRef(em, entity, ref);
  return found && policy.canReadAtAddress(found) ? found : null;
}

/** Records of one kind a write names, by the references (Relay ids or identifiers) it names them with. */
export interface Named {
  entity: EntityClass<CatalogueRecord>;
  refs: readonly (string | null | undefined)[];
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
   * Looks up, in one statement, every record the write is about to name (each kind with the references to it), so
   * that each reference costs no statement of its own and a record named twice is read once. The rule still runs
   * per reference.
   */
  async prefetch(named: readonly Named[]): Promise<void> {
    // A bulk write's reference cache (cacheReferences) already holds what earlier records named.
    const cache = caches.get(this.em);
    const wanted = named.map(({ entity, refs }) => {
      const fresh = [...new Set(refs.filter((ref): ref is string => typeof ref === 'string' && !!ref))].filter((ref) => !this.known.has(`${entity.name} ${ref}`) && !cache?.has(`${entity.name} ${ref}`));
      const byId = new Map<string, string>();
      const identifiers: string[] = [];
      for (const ref of fresh) {
        const global = fromGlobalId(ref);
        if (global && global.type === entity.name) byId.set(global.id, ref);
        else identifiers.push(ref);
      }
      return { entity, byId, ids: [...byId.keys()], identifiers };
    }).filter((kind) => kind.ids.length > 0 || kind.identifiers.length > 0);
    if (wanted.length === 0) return;
    const found = await readRecordsOfKinds(this.em, wanted);
    for (const [kind, { entity, byId, identifiers }] of wanted.entries()) {
      for (const row of found[kind] as CatalogueRecord[]) {
        for (const ref of [identifiers.includes(row.identifier) ? row.identifier : null, byId.get(row.id)]) {
          if (!ref) continue;
          this.known.set(`${entity.name} ${ref}`, row);
          cache?.set(`${entity.name} ${ref}`, row);
        }
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
    // An import file naming no owner, and no organisation importing it, gives none: not a record to look for.
    if (!ref.trim()) {
      problems.add(field, 'is required', 'REQUIRED');
      return null;
    }
    const record = await this.find(entity, ref);
    const found = record && this.policy.canRead(record) ? record : null;
    if (!found) {
      const refused = refusals.get(this.em)?.get(`${entity.name} ${ref}`);
      problems.add(field, refused ? `${entity.name} "${ref}" is refused at ${refused}; its problems are reported there` : `no ${entity.name} with id or identifier "${ref}"`, 'NOT_FOUND');
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
