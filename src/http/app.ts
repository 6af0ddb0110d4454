import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express } from 'express';
import { GraphQLError, validate, type GraphQLFormattedError } from 'graphql';
import { createComplexityRule, simpleEstimator } from 'graphql-query-complexity';
import type { Server } from 'node:http';
import client from 'prom-client';
import { AccessPolicy } from '../records/access-policy.js';
import { InvalidTokenError, type TokenVerifier } from '../auth/tokens.js';
import { ANONYMOUS, type Viewer } from '../records/viewer.js';
import { UserInputProblem } from '../core/problems.js';
import { acceptedLanguages } from '../core/languages.js';
import { createLoaders } from '../db/loaders.js';
import { actingOrganisationIds } from '../organisations/organisation.queries.js';
import type { Orm } from '../db/orm.js';
import type { SearchEngine } from '../search/engine.js';
import type { OutboxIndexer } from '../search/indexer.js';
import type { RequestContext } from '../graphql/kit/context.js';
import { depthLimit } from '../graphql/limits.js';
import { gdcatSchema } from '../graphql/schema.js';

export interface AppDependencies {
  orm: Orm;
  search: SearchEngine;
  indexer: OutboxIndexer;
  verifyToken: TokenVerifier;
  smallCountThreshold: number;
  version: string;
  /** Public base URL of this deployment (service-info organisation URL). */
  baseUrl?: string;
  /** Extra routers (e.g. DCAT) mounted before /graphql. */
  routers?: express.Router[];
  log?: (line: string) => void;
}

export const MAX_QUERY_DEPTH = 12;
export const MAX_QUERY_COMPLEXITY = 20_000;

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'gdcat_' });
const requestDuration = new client.Histogram({
  name: 'gdcat_graphql_request_seconds',
  help: 'GraphQL request duration by operation name',
  labelNames: ['operation'],
  registers: [registry],
});

/** Page sizes multiply the cost of what is selected below them. */
function complexityRule(variables: Record<string, unknown>) {
  return createComplexityRule({
    maximumComplexity: MAX_QUERY_COMPLEXITY,
    variables,
    estimators: [
      ({ args, childComplexity }) => {
        const first = typeof args.first === 'number' ? args.first : undefined;
        return first !== undefined ? 1 + childComplexity * Math.max(first, 1) : undefined;
      },
      simpleEstimator({ defaultComplexity: 1 }),
    ],
    createError: (max, actual) =>
      new GraphQLError(`query cost ${actual} exceeds the limit ${max}; ask for smaller pages or fewer fields`, { extensions: { code: 'QUERY_TOO_COMPLEX' } }),
  });
}

/** Errors the client caused keep their message; anything else is logged and masked (never a stack trace). */
function formatError(log: (line: string) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = (error as { originalError?: unknown }).originalError;
    if (original instanceof UserInputProblem) {
      return { message: original.message, path: formatted.path, extensions: { code: 'BAD_USER_INPUT', userErrors: original.errors } };
    }
    // Errors GraphQL itself raised (syntax, validation, variable coercion) describe the request: pass them on.
    const code = formatted.extensions?.code;
    if ((code && code !== 'INTERNAL_SERVER_ERROR') || !original || original instanceof GraphQLError) {
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: code ?? 'BAD_REQUEST' } };
    }
    log(`internal error: ${(original as Error)?.stack ?? formatted.message}`);
    return { message: 'internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

export async function createApp(deps: AppDependencies): Promise<{ app: Express; apollo: ApolloServer<RequestContext> }> {
  const log = deps.log ?? ((line: string) => console.error(line));
  const timing: ApolloServerPlugin<RequestContext> = {
    async requestDidStart() {
      const end = requestDuration.startTimer();
      return {
        async willSendResponse(request) {
          end({ operation: request.operationName ?? 'anonymous' });
        },
        async didResolveOperation(request) {
          // Runs once variables are known, since page sizes come from them. Its errors are the client's.
          const errors = validate(request.schema, request.document, [complexityRule(request.request.variables ?? {})]);
          if (errors.length > 0) {
            throw new GraphQLError(errors[0].message, {
              extensions: { code: errors[0].extensions?.code ?? 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
  const apollo = new ApolloServer<RequestContext>({
    schema: await gdcatSchema(),
    validationRules: [depthLimit(MAX_QUERY_DEPTH)],
    formatError: formatError(log),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    plugins: [timing],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const database = await deps.orm.isConnected().catch(() => false);
    const search = await deps.search.ping().catch(() => false);
    const pending = await deps.indexer.pendingCount().catch(() => null);
    res.status(database && search ? 200 : 503).json({ database, search: { engine: deps.search.name, up: search, pendingOutboxEvents: pending } });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  app.get('/service-info', (_req, res) => {
    res.json({
      id: 'se.gdcat.catalogue',
      name: 'gdcat',
      type: { group: 'org.ga4gh', artifact: 'service-registry', version: '1.0.0' },
      description: 'National genomics data catalogue: datasets, consent scopes (DUO), access routes and health-economic evidence.',
      organization: { name: 'gdcat', url: deps.baseUrl ?? 'http://localhost:4000' },
      version: deps.version,
      environment: process.env.NODE_ENV ?? 'production',
    });
  });
  for (const router of deps.routers ?? []) app.use(router);

  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
    // Texts come in the language Accept-Language asks for, so caches must keep one answer per language.
    (_req, res, next) => {
      res.vary('Accept-Language');
      next();
    },
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<RequestContext> => {
        const viewer = await viewerOf(req.headers.authorization, deps.verifyToken);
        const em = deps.orm.em.fork();
        const policy = AccessPolicy.forViewer(viewer, await actingOrganisationIds(em, viewer));
        return {
          em,
          policy,
          loaders: createLoaders(em, policy),
          search: deps.search,
          settings: { smallCountThreshold: deps.smallCountThreshold },
          acceptedLanguages: acceptedLanguages(req.headers['accept-language']),
          afterWrite: () => deps.indexer.notify(),
        };
      },
    }),
  );
  return { app, apollo };
}

async function viewerOf(authorization: string | undefined, verify: TokenVerifier): Promise<Viewer> {
  if (!authorization) return ANONYMOUS;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
  try {
    return await verify(match[1]);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthenticated(error.message);
    throw error;
  }
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.once('error', reject);
  });
}
