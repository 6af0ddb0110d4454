import { type EntityMetadata, type EntityProperty, ReferenceKind, Reference, UniqueConstraintViolationException, Utils, wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CompiledQuery } from 'kysely';
import { UserInputProblem } from '../core/problems.js';

/**
 * Writes the new entities of a unit of work (records the rules built, their parts, audit entries, outbox
 * events) with one INSERT statement: a data-modifying CTE per table, each inserting all of that table's rows
 * from one JSON array. The ORM's unit of work would issue a statement per table and spend most of a bulk
 * import's CPU computing change sets for rows that are only ever inserted. Updates still go through the ORM.
 *
 * Constraints are checked at the end of the statement, so parents and children may come in any order. The
 * entities are registered with the entity manager afterwards, as if the ORM had flushed them.
 */
export async function insertNewEntities(em: EntityManager): Promise<void> {
  const insert = takeNewEntities(em);
  if (!insert) return;
  await insert.run();
  insert.register();
}

/** The new entities of a unit of work as rows, taken out of it, and the one statement that writes them. */
export interface NewEntityInsert {
  /** Runs the statement on the entity manager's connection; a taken identifier is the caller's problem. */
  run(): Promise<void>;
  /** Makes the entity manager know the inserted entities as loaded ones (only after `run`). */
  register(): void;
}

/**
 * Takes the new entities out of the unit of work and turns them into the rows of one INSERT statement,
 * without running it: a bulk writer may clear the entity manager and check its next records while the
 * statement runs (the connection runs its statements in order). Null when there is nothing new.
 */
export function takeNewEntities(em: EntityManager): NewEntityInsert | null {
  const persistStack = em.getUnitOfWork().getPersistStack();
  const fresh = new Set<object>();
  for (const entity of persistStack) collectNew(entity, fresh);
  if (fresh.size === 0) return null;
  const tables = new Map<string, Table>();
  const table = (name: string, kind: string | null) => tables.get(name) ?? tables.set(name, { name, kind, rows: [] }).get(name)!;
  for (const entity of fresh) {
    persistStack.delete(entity);
    const wrapped = wrap(entity, true);
    const meta = wrapped.__meta as EntityMetadata;
    const plan = rowPlanOf(meta);
    table(meta.tableName, meta.className).rows.push(rowOf(entity, plan));
    for (const prop of plan.links) {
      const owner = wrapped.getPrimaryKey();
      for (const item of (entity as Record<string, { getItems(check: false): object[] }>)[prop.name].getItems(false)) {
        table(prop.pivotTable, null).rows.push({ [prop.joinColumns[0]]: owner, [prop.inverseJoinColumns[0]]: wrap(item, true).getPrimaryKey() });
      }
    }
  }
  const sql = insertStatement([...tables.values()]);
  const parameters = [...tables.values()].map((t) => JSON.stringify(t.rows));
  const kinds = new Map([...tables.values()].map((t) => [t.name, t.kind]));
  return {
    async run() {
      try {
        await executeBound(em, sql, parameters);
      } catch (error) {
        const converted = em.getDriver().convertException(error as Error);
        throw asDuplicateIdentifier(converted, kinds) ?? converted;
      }
    },
    register() {
      const comparator = em.getComparator();
      const unitOfWork = em.getUnitOfWork();
      for (const entity of fresh) {
        const wrapped = wrap(entity, true);
        // Rows numbered by the database (audit entries, outbox events) are never read back in this unit of work.
        if (wrapped.getPrimaryKey() == null) continue;
        unitOfWork.register(entity, comparator.prepareEntity(entity), { refresh: true });
        for (const prop of wrapped.__meta.relations) {
          const value = (entity as Record<string, unknown>)[prop.name];
          if (Utils.isCollection(value)) value.takeSnapshot();
        }
      }
    },
  };
}

interface Table {
  name: string;
  /** The entity the rows are of; null for the link rows of a many-to-many relation. */
  kind: string | null;
  rows: Record<string, unknown>[];
}

function isNew(entity: object): boolean {
  const wrapped = wrap(entity, true);
  return !wrapped.__managed && !wrapped.__originalEntityData;
}

/** The entity and every new entity it reaches through its own relations. */
function collectNew(entity: object, fresh: Set<object>): void {
  if (fresh.has(entity) || !isNew(entity)) return;
  fresh.add(entity);
  const meta = wrap(entity, true).__meta as EntityMetadata;
  for (const prop of meta.relations) {
    const value = (entity as Record<string, unknown>)[prop.name];
    if (value == null) continue;
    if (Utils.isCollection(value)) {
      for (const item of value.getItems(false)) collectNew(item, fresh);
    } else {
      collectNew(Reference.unwrapReference(value as object), fresh);
    }
  }
}

/**
 * How an entity's row is read from it: its stored properties (each with the column it goes to, and whether it
 * names another record) and the many-to-many links it owns. Worked out once per entity type, not per row.
 */
interface RowPlan {
  columns: { name: string; column: string; reference: boolean }[];
  /** Every column, not given yet: each row starts as a copy of it (see rowOf). */
  blankRow: Record<string, unknown>;
  links: EntityProperty[];
}

const rowPlans = new WeakMap<EntityMetadata, RowPlan>();

function rowPlanOf(meta: EntityMetadata): RowPlan {
  let plan = rowPlans.get(meta);
  if (plan) return plan;
  const columns: RowPlan['columns'] = [];
  for (const prop of meta.props as EntityProperty[]) {
    if (prop.persist === false || !prop.fieldNames?.length) continue;
    const scalar = prop.kind === ReferenceKind.SCALAR || prop.kind === ReferenceKind.EMBEDDED;
    const reference = prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner);
    if (scalar || reference) columns.push({ name: prop.name, column: prop.fieldNames[0], reference: !!reference });
  }
  const blankRow = Object.fromEntries(columns.map(({ column }) => [column, undefined]));
  plan = { columns, blankRow, links: meta.relations.filter((prop) => prop.kind === ReferenceKind.MANY_TO_MANY && prop.owner) };
  rowPlans.set(meta, plan);
  return plan;
}

/**
 * Column values as PostgreSQL reads them from JSON into the table's own row type; a column the entity leaves
 * undefined stays undefined, which JSON leaves out. The row starts as a copy of the plan's blank row and its dates
 * are written as JSON writes them: a row given its columns one by one under computed names ends in dictionary
 * mode, and a date is converted by a call back into JavaScript, both of which JSON.stringify serialises several
 * times slower, on megabytes of rows per batch.
 */
function rowOf(entity: object, plan: RowPlan): Record<string, unknown> {
  const row = { ...plan.blankRow };
  for (const { name, column, reference } of plan.columns) {
    const value = (entity as Record<string, unknown>)[name];
    if (value === undefined) continue;
    row[column] = !reference || value === null ? jsonValue(value) : wrap(Reference.unwrapReference(value as object), true).getPrimaryKey();
  }
  return row;
}

/** A date as JSON text states it (null for an invalid one); any other value as it is. */
export function jsonValue(value: unknown): unknown {
  return value instanceof Date ? value.toJSON() : value;
}

/**
 * Runs a statement with bound parameters ($1, $2...) on the entity manager's connection (its transaction, if
 * any) and logs it as the ORM logs its own; returns its rows. `em.execute` would quote megabytes of JSON into
 * the SQL text instead.
 */
export async function executeBound<T = Record<string, unknown>>(em: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  const query: CompiledQuery = { sql, parameters, query: { kind: 'RawNode', sqlFragments: [sql], parameters: [] }, queryId: { queryId: 'bound' } };
  const started = Date.now();
  try {
    return (await em.getKysely().executeQuery<T>(query)).rows;
  } finally {
    em.config.getLogger().logQuery({ query: sql, took: Date.now() - started, level: 'info' });
  }
}

/**
 * One statement for every table: `with t0 as (insert ...), t1 as (insert ...) insert ...`. Only the columns
 * some row gives are named, so the others keep their database defaults (serial ids, trigger-kept columns).
 */
function insertStatement(tables: Table[]): string {
  const inserts = tables.map((t, i) => {
    const given = new Set<string>();
    for (const row of t.rows) for (const column in row) if (row[column] !== undefined) given.add(column);
    const columns = [...given].map((c) => `"${c}"`).join(', ');
    return `insert into "${t.name}" (${columns}) select ${columns} from jsonb_populate_recordset(null::"${t.name}", $${i + 1}::jsonb)`;
  });
  const last = inserts.pop()!;
  return inserts.length ? `with ${inserts.map((sql, i) => `w${i} as (${sql})`).join(', ')} ${last}` : last;
}

/** The public identifier is unique per record kind; a clash is the caller's problem, named as create names it. */
function asDuplicateIdentifier(error: unknown, kinds: Map<string, string | null>): UserInputProblem | null {
  if (!(error instanceof UniqueConstraintViolationException)) return null;
  const match = /"(\w+)_identifier_unique"[\s\S]*Key \(identifier\)=\((.*)\) already exists/.exec(error.message);
  const kind = match ? kinds.get(match[1]) : null;
  return kind ? duplicateIdentifier(match![2], kind) : null;
}

export function duplicateIdentifier(identifier: string, kind: string): UserInputProblem {
  return UserInputProblem.of('input.identifier', `"${identifier}" is already used by another ${kind}`, 'DUPLICATE');
}
