import { GraphQLObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

type Storage = ReturnType<typeof getMetadataStorage>;
type FieldResolverMetadata = Storage['fieldResolvers'][number];
type ParamMetadata = NonNullable<FieldResolverMetadata['params']>[number];
type ParamReader = (root: Record<string, unknown>, args: Record<string, unknown>, context: unknown, info: unknown) => unknown;

/** A parameter type-graphql would convert (a root of another class): that call goes through type-graphql. */
const CONVERTED = Symbol('converted by type-graphql');
/** Types whose values type-graphql passes as given. */
const PLAIN: readonly Function[] = [String, Number, Boolean, Date];

/**
 * type-graphql calls every field through a generic wrapper that, on each call, sorts the resolver's parameters,
 * builds them and awaits an argument check (validation is off), so each field taking an argument (a title's
 * language) resolves as a promise; a page of 50 datasets resolves thousands of fields. Fields without
 * middlewares or roles whose parameters need no conversion (root, context, info, scalar and enum arguments)
 * get a resolver with the parameters worked out once, and stay synchronous when the method is; the others,
 * and any call whose root type-graphql would convert, keep type-graphql's resolver.
 */
export function withDirectResolvers(schema: GraphQLSchema, resolverClasses: readonly Function[]): GraphQLSchema {
  const storage = getMetadataStorage();
  const instances = new Map<Function, object>();
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!(type instanceof GraphQLObjectType)) continue;
    const fields = type.getFields();
    // The fields type-graphql gives the type: its interfaces' first, then its own (the same as its generator).
    const interfaces = storage.interfaceTypes.filter((it) => objectType.interfaceClasses?.includes(it.target));
    const metadata = new Map([...interfaces.flatMap((it) => it.fields ?? []), ...(objectType.fields ?? [])].map((field) => [field.schemaName, field]));
    for (const field of metadata.values()) {
      const definition = fields[field.schemaName];
      if (!definition?.resolve || field.middlewares?.length || field.roles) continue;
      // The same lookup as type-graphql's schema generator.
      const resolver = storage.fieldResolvers.find(
        (it) => (it.kind === 'internal' || resolverClasses.includes(it.target)) && it.getObjectType?.() === field.target && it.methodName === field.name,
      );
      if (!resolver) {
        const name = field.name;
        definition.resolve = (root: Record<string, unknown>) => root[name];
        continue;
      }
      if (resolver.kind !== 'external' || resolver.middlewares?.length || resolver.roles) continue;
      const readers = [...(resolver.params ?? [])].sort((a, b) => a.index - b.index).map(paramReader);
      if (readers.some((reader) => !reader)) continue;
      let instance = instances.get(resolver.target);
      if (!instance) {
        // Resolver classes are stateless; type-graphql's own resolvers (queries) use an instance of their own.
        instance = new (resolver.target as new () => object)();
        instances.set(resolver.target, instance);
      }
      definition.resolve = direct(instance, resolver.methodName, readers as ParamReader[], definition.resolve);
    }
  }
  return schema;
}

function direct(instance: object, methodName: string, readers: ParamReader[], viaTypeGraphql: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
  const method = (instance as Record<string, (...params: unknown[]) => unknown>)[methodName]!;
  return (root, args, context, info) => {
    const params = new Array<unknown>(readers.length);
    for (let i = 0; i < readers.length; i++) {
      const value = readers[i]!(root as Record<string, unknown>, args, context, info);
      if (value === CONVERTED) return viaTypeGraphql(root, args, context, info);
      params[i] = value;
    }
    return method.apply(instance, params);
  };
}

/** Reads one parameter as type-graphql would without converting it; undefined when it may need converting. */
function paramReader(param: ParamMetadata): ParamReader | undefined {
  switch (param.kind) {
    case 'context': {
      const property = param.propertyName;
      return property ? (_root, _args, context) => (context as Record<string, unknown>)[property] : (_root, _args, context) => context;
    }
    case 'info':
      return (_root, _args, _context, info) => info;
    case 'root': {
      const property = param.propertyName;
      const type = param.getType?.();
      const convertible = typeof type === 'function' && !PLAIN.includes(type as never);
      return (root) => {
        const value = property ? root[property] : root;
        return !convertible || value == null || value instanceof (type as Function) ? value : CONVERTED;
      };
    }
    case 'arg': {
      if (param.validateFn || param.validateSettings) return undefined;
      const type = param.getType();
      // Scalars and enums (objects) are passed as given; input types (classes) are converted to instances.
      if (typeof type !== 'object' && !PLAIN.includes(type as never)) return undefined;
      const name = param.name;
      return (_root, args) => args[name];
    }
    default:
      return undefined;
  }
}
