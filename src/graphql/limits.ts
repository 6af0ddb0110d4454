import {
  getNamedType, getNullableType, GraphQLError, isListType, Kind, OperationTypeNode, valueFromASTUntyped, visit, type ASTVisitor, type DocumentNode,
  type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ArgumentNode, type GraphQLField,
} from 'graphql';
import { createComplexityRule, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { LIST_LIMITS, listLimitOf } from '../core/list-limits.js';
import type { Problem } from '../core/problems.js';
import { textProblems, type TextKind } from '../core/validation.js';

/** Rejects queries nested deeper than `maxDepth` fields (fragments followed), before they run. */
export function depthLimit(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const depthOf = (selectionSet: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!selectionSet) return 0;
      let deepest = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith('__')) continue;
          deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, seen));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet, seen));
        } else {
          const name = selection.name.value;
          if (seen.has(name)) continue;
          deepest = Math.max(deepest, depthOf(fragments.get(name)?.selectionSet, new Set([...seen, name])));
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > maxDepth) {
          context.reportError(new GraphQLError(`query is nested ${depth} levels deep; the limit is ${maxDepth}`, { extensions: { code: 'QUERY_TOO_DEEP' } }));
        }
      },
    };
  };
}

/** Most entry points (aliases included) one operation may select at its root. */
export const MAX_ROOT_FIELDS = 50;
/**
 * Entry points an operation may select once: each is a whole job of its own. An import reads and checks a file
 * of records (a request's 1 MB of JSON is about 200 datasets, over a second of work), and aliases of it naming
 * one variable would have a request do that work 50 times over.
 */
const ONCE_PER_OPERATION = ['importCatalogue'];
/**
 * Most mutations (aliases included) one operation may run. Each is a write checked and committed on its own, run
 * one after another, and aliases naming one variable repeat its whole input's checking: 50 of a dataset with 500
 * distributions would be 50 writes' work in one rate-limited request. Clients send one at a time (the web does).
 */
export const MAX_ROOT_MUTATIONS = 10;
/** Most fields one operation may select, counting every use of a fragment. */
export const MAX_SELECTED_FIELDS = 2_000;

/**
 * Bounds one request's total work however it is spread over aliases and fragments: at most
 * MAX_ROOT_FIELDS entry points (MAX_ROOT_MUTATIONS in a mutation), each of ONCE_PER_OPERATION once, and
 * MAX_SELECTED_FIELDS selected fields (a fragment counts each time it is spread). Page sizes and searches are priced by the cost limit on top of this.
 */
export function selectionBudget(maxRootFields = MAX_ROOT_FIELDS, maxFields = MAX_SELECTED_FIELDS) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const sizes = new Map<string, number>();
    // Saturates just above the budget, so fragments spread inside each other cannot overflow the count.
    const sizeOf = (selectionSet: SelectionSetNode | undefined, seen: ReadonlySet<string>): number => {
      let size = 0;
      for (const selection of selectionSet?.selections ?? []) {
        if (selection.kind === Kind.FIELD) size += 1 + sizeOf(selection.selectionSet, seen);
        else if (selection.kind === Kind.INLINE_FRAGMENT) size += sizeOf(selection.selectionSet, seen);
        else {
          const name = selection.name.value;
          if (seen.has(name)) continue;
          if (!sizes.has(name)) sizes.set(name, sizeOf(fragments.get(name)?.selectionSet, new Set([...seen, name])));
          size += sizes.get(name)!;
        }
        if (size > maxFields) return maxFields + 1;
      }
      return size;
    };
    const rootFieldsOf = (selectionSet: SelectionSetNode, seen: ReadonlySet<string>): string[] =>
      selectionSet.selections.flatMap((selection) => {
        if (selection.kind === Kind.FIELD) return selection.name.value.startsWith('__') ? [] : [selection.name.value];
        if (selection.kind === Kind.INLINE_FRAGMENT) return rootFieldsOf(selection.selectionSet, seen);
        const fragment = fragments.get(selection.name.value);
        return fragment && !seen.has(fragment.name.value) ? rootFieldsOf(fragment.selectionSet, new Set([...seen, fragment.name.value])) : [];
      });
    return {
      OperationDefinition(node) {
        const names = rootFieldsOf(node.selectionSet, new Set());
        const roots = names.length;
        for (const once of ONCE_PER_OPERATION) {
          const times = names.filter((name) => name === once).length;
          if (times <= 1) continue;
          context.reportError(
            new GraphQLError(`the operation runs ${once} ${times} times (aliases included); an operation runs it once: send each in a request of its own`, {
              extensions: { code: 'QUERY_TOO_LARGE' },
            }),
          );
          return;
        }
        if (roots > maxRootFields) {
          context.reportError(
            new GraphQLError(`the operation selects ${roots} entry points (aliases included); the limit is ${maxRootFields}: split it into several requests`, {
              extensions: { code: 'QUERY_TOO_LARGE' },
            }),
          );
          return;
        }
        if (node.operation === OperationTypeNode.MUTATION && roots > MAX_ROOT_MUTATIONS) {
          context.reportError(
            new GraphQLError(`the operation runs ${roots} mutations (aliases included); the limit is ${MAX_ROOT_MUTATIONS}: split it into several requests`, {
              extensions: { code: 'QUERY_TOO_LARGE' },
            }),
          );
          return;
        }
        const size = sizeOf(node.selectionSet, new Set());
        if (size > maxFields) {
          context.reportError(
            new GraphQLError(`the operation selects more than ${maxFields} fields (fragments counted each time they are used); ask for fewer`, {
              extensions: { code: 'QUERY_TOO_LARGE' },
            }),
          );
        }
      },
    };
  };
}

/**
 * Most work one operation may ask for, counted as the fields it could resolve at worst: one page of 100
 * datasets with every distribution they may hold (50,000, as a full /dcat page) fits, three such pages do not;
 * the web catalogue's largest operation (a dataset's landing page, every list at its maximum) costs a sixth.
 */
export const MAX_QUERY_COMPLEXITY = 300_000;
/** What one dataset search costs on top of what it selects, so aliased searches exhaust the budget fast (40 of them). */
export const SEARCH_COST = 7_500;

/** How many other records a record's list of them typically names, for the cost (the input bound is LIST_LIMITS). */
const TYPICAL_REFERENCES = 10;

/** Everyone to contact for a dataset: its route's first contact, each step's body, each holder (access/who-to-ask.ts). */
const CONTACTS_PER_DATASET = 1 + LIST_LIMITS.steps! + LIST_LIMITS.dataHolders!;

/**
 * The size the cost counts for a list without a page size (`first`) that is not a list a record holds:
 * derived from a bound where there is one, else a typical size (these lists grow with use, not with a request).
 * A record's own lists count at their maximum (core/list-limits.ts), by field name.
 */
const UNPAGED_LIST_SIZES: Readonly<Record<string, number>> = {
  // A connection's page: its size (`first`) is counted at the field that takes it.
  edges: 1,
  'Dataset.accessContacts': CONTACTS_PER_DATASET,
  'Dataset.whoToAsk': CONTACTS_PER_DATASET,
  // Worked out once per search whatever its page size (which multiplies all a search selects), at most
  // FACET_FIELDS x FACET_BUCKETS buckets: SEARCH_COST prices them.
  'DatasetSearchResult.facets': 1,
  'Facet.buckets': 1,
  // Lists of other records count at a typical size, not at their maximum: they resolve through the request's
  // loaders to records shared across it (a page names the same few organisations again and again), and
  // walking record to record at the maxima would price one evaluation with its studies' partners in millions.
  ...Object.fromEntries(
    ['dataHolders', 'contributors', 'funders', 'participatingOrganisations', 'publications', 'evaluatedDatasets', 'evaluatedStudies',
      'Study.outputs', 'Dataset.healthEconomicEvaluations'].map((name) => [name, TYPICAL_REFERENCES]),
  ),
  // Lists inside each item of a record's list: priced at their maxima they would multiply (500 distributions x
  // 20 formats), so a page of datasets with every field could not be asked for; a distribution names a few formats,
  // an evaluation reports a few results.
  'Distribution.formats': 3,
  'HealthEconomicEvaluation.results': 10,
  // Typical: changes in one record's history.
  history: 50,
  'RecordChange.changes': 20,
  'DiseaseTerm.ancestors': 30,
};

function unpagedListSize(typeName: string, fieldName: string): number {
  return UNPAGED_LIST_SIZES[`${typeName}.${fieldName}`] ?? UNPAGED_LIST_SIZES[fieldName] ?? listLimitOf(fieldName);
}

/**
 * Page sizes multiply the cost of what is selected below them, and so does every other list, at the most
 * items it can hold: aliases x page size x a record's distributions is priced as it could be answered.
 */
const listCost: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const first = pageSizeOf(field, args);
  if (getNamedType(field.type).name === 'DatasetSearchResult') return SEARCH_COST + childComplexity * Math.max(first ?? 1, 1);
  if (first !== null) return 1 + childComplexity * Math.max(first, 1);
  // A list of scalars (keywords) counts each item once.
  if (isListType(getNullableType(field.type))) return 1 + Math.max(childComplexity, 1) * unpagedListSize(type.name, field.name);
  return undefined;
};

/**
 * The page size a field is answered with: its `first`, or the declared default when `first` is null, as the
 * resolvers read it (`first: null` is a page of the default size, not of one); null for a field without one.
 */
function pageSizeOf(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number | null {
  if (typeof args.first === 'number') return args.first;
  const declared = field.args.find((argument) => argument.name === 'first')?.defaultValue;
  return typeof declared === 'number' ? declared : null;
}

/** Refuses an operation whose cost (listCost, with these variables) is above MAX_QUERY_COMPLEXITY. */
export function costLimit(variables: Record<string, unknown>, maximumComplexity = MAX_QUERY_COMPLEXITY) {
  return createComplexityRule({
    maximumComplexity,
    variables,
    estimators: [listCost, simpleEstimator({ defaultComplexity: 1 })],
    createError: (max, actual) =>
      new GraphQLError(`query cost ${actual} exceeds the limit ${max}; ask for smaller pages, fewer lists or fewer fields`, {
        extensions: { code: 'QUERY_TOO_COMPLEX' },
      }),
  });
}

/** Longest key (variables as JSON) an operation found within the limits is remembered with; longer ones are checked every time. */
const MAX_REMEMBERED_VARIABLES = 2_000;
/** Keys remembered per document (a page's query sent with many searches); the oldest are forgotten together. */
const MAX_REMEMBERED_PER_DOCUMENT = 64;

/** What a check reads of an operation's variables, as a key: operations with the same key pass or fail it together. */
export type VariablesKey = (document: DocumentNode, variables: Record<string, unknown> | undefined) => string;

/** Every variable: a check that reads any of them. */
export const allVariables: VariablesKey = (_document, variables) => JSON.stringify(variables ?? {});

const costVariableNames = new WeakMap<DocumentNode, string[]>();

/**
 * The variables the cost and selection checks read: page sizes (`first`, which the cost estimators multiply
 * by) and the conditions of @include and @skip (which decide what is selected). A write sends new texts and
 * inputs every time but costs the same, so its checks run once per document.
 */
export const costVariables: VariablesKey = (document, variables) => {
  let names = costVariableNames.get(document);
  if (!names) {
    const found = new Set<string>();
    const collect = (argument: ArgumentNode) => visit(argument.value, { Variable: (variable) => void found.add(variable.name.value) });
    visit(document, {
      Field: (field) => field.arguments?.filter((argument) => argument.name.value === 'first').forEach(collect),
      Directive: (directive) => directive.arguments?.forEach(collect),
    });
    names = [...found].sort();
    costVariableNames.set(document, names);
  }
  return JSON.stringify(names.map((name) => variables?.[name] ?? null));
};

/**
 * Runs `check` once per document and key of its variables (`keyOf`, what the check reads of them) found
 * within the limits: re-running the checks cost a search more CPU than its GraphQL execution. Apollo keeps
 * one parsed document per query text, so the same query sent again is the same document, and what is
 * remembered of it goes with it. Operations that fail are checked again every time.
 */
export function rememberWithinLimits(
  check: (document: DocumentNode, variables: Record<string, unknown> | undefined) => void,
  keyOf: VariablesKey = allVariables,
): (document: DocumentNode, variables: Record<string, unknown> | undefined) => void {
  const passed = new WeakMap<DocumentNode, Set<string>>();
  return (document, variables) => {
    const key = keyOf(document, variables);
    const remembered = passed.get(document);
    if (remembered?.has(key)) return;
    check(document, variables);
    if (key.length > MAX_REMEMBERED_VARIABLES) return;
    const keys = remembered ?? new Set<string>();
    if (keys.size >= MAX_REMEMBERED_PER_DOCUMENT) keys.clear();
    keys.add(key);
    passed.set(document, keys);
  };
}

/** Whole documents given as JSON (importCatalogue's input) may hold long text under names of their own. */
const JSON_ARGUMENTS = new Set(['importCatalogue.input']);
const MAX_REPORTED_PROBLEMS = 10;

/** importCatalogue's input holding a spreadsheet: {format: "xlsx" | "csv", ...} (src/harvest/import-file.ts). */
function isSpreadsheet(value: unknown): boolean {
  const format = (value as { format?: unknown } | null)?.format;
  return typeof format === 'string' && ['xlsx', 'csv'].includes(format.toLowerCase());
}

/**
 * Checks every text in every argument of the operation (inline or from variables, at any depth) before
 * anything runs: no NUL character or lone surrogate anywhere, and no text longer than its kind allows
 * (TEXT_LIMITS, by field name). Answers 400 BAD_USER_INPUT naming the argument path, so no service, database or search engine ever
 * sees an oversized or unstorable value.
 */
export function checkArgumentTexts(document: DocumentNode, variables: Record<string, unknown> | undefined): void {
  const problems: Problem[] = [];
  visit(document, {
    Field(node) {
      for (const argument of node.arguments ?? []) {
        const name = `${node.name.value}.${argument.name.value}`;
        const value = valueFromASTUntyped(argument.value, variables);
        // A spreadsheet (base64 XLSX, CSV texts) is one long text by nature: the import checks every cell's
        // text against the same limits once it has read the file (src/harvest/import.ts), row by row.
        if (JSON_ARGUMENTS.has(name) && isSpreadsheet(value)) continue;
        const unlisted: TextKind = JSON_ARGUMENTS.has(name) ? 'freeText' : 'shortText';
        problems.push(...textProblems(value, argument.name.value, unlisted));
      }
    },
  });
  if (problems.length > 0) {
    problems.splice(MAX_REPORTED_PROBLEMS);
    throw new GraphQLError(problems.map((p) => `${p.field}: ${p.message}`).join('; '), {
      extensions: { code: 'BAD_USER_INPUT', userErrors: problems, http: { status: 400 } },
    });
  }
}
