import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type Response } from 'express';
import { GraphQLError, validate, type GraphQLFormattedError } from 'graphql';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type Server } from 'node:http';
import { httpSettingsFromEnv, type HttpSettings } from '../config.js';
import { AccessPolicy } from '../records/access-policy.js';
import { InvalidTokenError, type TokenVerifier } from '../auth/tokens.js';
import { ANONYMOUS, type Viewer } from '../records/viewer.js';
import { UserInputProblem } from '../core/problems.js';
import { createLogger, loggerOf, type Log, type Logger } from '../core/log.js';
import { acceptedLanguages } from '../core/languages.js';
import { createLoaders } from '../db/loaders.js';
import { actingOrganisationIds } from '../organisations/organisation.queries.js';
import type { Orm } from '../db/orm.js';
import type { SearchEngine } from '../search/engine.js';
import type { OutboxIndexer } from '../search/indexer.js';
import type { RequestContext } from '../graphql/kit/context.js';
import { checkArgumentTexts, costLimit, costVariables, depthLimit, rememberWithinLimits, selectionBudget } from '../graphql/limits.js';
import { gdcatSchema } from '../graphql/schema.js';
import { asUnavailableError, RETRY_AFTER_SECONDS, UNAVAILABLE_CODES, unavailability } from '../graphql/errors.js';
import { accessLog, RESOLVED_OPERATION } from './access-log.js';
import { checkHealth, checkReadiness } from './health.js';
import { metrics } from './metrics.js';
import { rateLimit } from './rate-limit.js';
import { bodyDepthGuard, documentDepthGuard, errorResponder, notFound, requestTargetGuard, sendError } from './request-errors.js';
import { requestIdOf, requestIds } from './request-id.js';
import { cors, securityHeaders } from './security-headers.js';

export interface AppDependencies {
  orm: Orm;
  search: SearchEngine;
  indexer: OutboxIndexer;
  verifyToken: TokenVerifier;
  smallCountThreshold: number;
  version: string;
  /** Public base URL of this deployment (service-info organisation URL; no record may take an IRI under it). */
  baseUrl: string;
  /** Whether harvest sources may be registered on private networks (HARVEST_ALLOW_PRIVATE_NETWORKS); unset: not. */
  harvestPrivateNetworks?: boolean;
  /** Extra routers (e.g. DCAT) mounted before /graphql. */
  routers?: express.Router[];
  /** Answers a path nothing else does, before the JSON 404 (the web catalogue's not-found page for browsers). */
  pageNotFound?: express.RequestHandler;
  /** Where lines are logged; a plain Log gets text lines. Unset: text on standard error. */
  log?: Log;
  /** Limits, timeouts and exposure of the HTTP edge; unset: the defaults (as with an empty environment). */
  http?: HttpSettings;
  /** OIDC issuer the web catalogue signs people in with (allowed in its content security policy). */
  oidcIssuer?: string;
}

export const MAX_QUERY_DEPTH = 12;
/** Largest GraphQL document, in lexical tokens (the web catalogue's largest query has under 1,000). */
export const MAX_QUERY_TOKENS = 20_000;

/**
 * graphql-js stops checking that same-named selections can merge after a budget of comparisons (about a thousand
 * selections of one name at one level) and says only this, which names no reason.
 */
const VALIDATION_ABORTED = 'Validation aborted.';
const TOO_MANY_OVERLAPPING_SELECTIONS =
  'the operation selects the same fields too many times to be checked (about a thousand selections of one name in one selection set); select each field once';

/** Failures the client cannot fix: it is given the request id to quote, and the log has it on the failure's line. */
const QUOTABLE_CODES = ['INTERNAL_SERVER_ERROR', ...UNAVAILABLE_CODES];

/**
 * The response of the GraphQL request under way, set for the rest of its handling on /graphql. Apollo gives
 * formatError and its plugins no request, but calls them within the request's own async flow: formatError
 * reads the request id from it, and the operation a document names is noted on it for the access line.
 */
const graphqlResponse = new AsyncLocalStorage<Response>();

/** Notes the operation Apollo resolved (the document's only one when the client named none) for the access line. */
const operationForAccessLog: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operationName }) {
        const res = graphqlResponse.getStore();
        if (res && operationName) res.locals[RESOLVED_OPERATION] = operationName;
      },
    };
  },
};

function formatError(logger: Logger, hideSuggestions: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const res = graphqlResponse.getStore();
    const requestId = res ? requestIdOf(res) : undefined;
    const answer = answerTo(formatted, error, hideSuggestions, (message) => logger.error(message, { requestId }));
    if (!requestId || !QUOTABLE_CODES.includes(String(answer.extensions?.code))) return answer;
    return { ...answer, extensions: { ...answer.extensions, requestId } };
  };
}

/** What the client is told of an error: errors it caused keep their message; anything else is logged and masked (never a stack trace). */
function answerTo(
  formatted: GraphQLFormattedError,
  error: unknown,
  hideSuggestions: boolean,
  logError: (message: string) => void,
): GraphQLFormattedError {
  const original = (error as { originalError?: unknown }).originalError;
  const unavailable = unavailability(original);
  if (unavailable) {
    logError(`${unavailable.code}: ${(original as Error).message}`);
    return { message: unavailable.message, path: formatted.path, extensions: { code: unavailable.code } };
  }
  if (original instanceof UserInputProblem) {
    return { message: original.message, path: formatted.path, extensions: { code: 'BAD_USER_INPUT', userErrors: original.errors } };
  }
  // Errors GraphQL itself raised (syntax, validation, variable coercion) describe the request: pass them on.
  const code = formatted.extensions?.code;
  if ((code && code !== 'INTERNAL_SERVER_ERROR') || !original || original instanceof GraphQLError) {
    // Apollo's own request errors (e.g. a persisted-query hash that does not match) carry no code of their own.
    const requestCode = !code || code === 'INTERNAL_SERVER_ERROR' ? 'BAD_REQUEST' : code;
    // Apollo strips suggestions from validation errors only; variable coercion names input fields and enum values too.
    const message = hideSuggestions ? formatted.message.replace(/ ?Did you mean .+?\?$/, '') : formatted.message;
    if (message === VALIDATION_ABORTED) {
      return { message: TOO_MANY_OVERLAPPING_SELECTIONS, extensions: { code: 'QUERY_TOO_COMPLEX' } };
    }
    // The argument checks name each field at fault, as a payload's userErrors do.
    const userErrors = formatted.extensions?.userErrors;
    return { message, locations: formatted.locations, path: formatted.path, extensions: { code: requestCode, ...(userErrors ? { userErrors } : {}) } };
  }
  logError(`internal error: ${(original as Error)?.stack ?? formatted.message}`);
  return { message: 'internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

export async function createApp(deps: AppDependencies): Promise<{ app: Express; apollo: ApolloServer<RequestContext> }> {
  const logger = loggerOf(deps.log ?? createLogger());
  const http = deps.http ?? httpSettingsFromEnv();
  const metered = metrics({ operations: http.metricsOperations, token: http.metricsToken });
  const schema = await gdcatSchema();
  // Run once variables are known, since page sizes and texts come from them. Their errors are the client's.
  const checkTexts = rememberWithinLimits(checkArgumentTexts);
  const checkCost = rememberWithinLimits((document, variables) => {
    let errors: readonly GraphQLError[];
    try {
      errors = validate(schema, document, [selectionBudget(), costLimit(variables ?? {})]);
    } catch (error) {
      errors = [new GraphQLError((error as Error).message, { extensions: { code: 'QUERY_TOO_COMPLEX' } })];
    }
    if (errors.length > 0) {
      throw new GraphQLError(errors[0].message, {
        extensions: { code: errors[0].extensions?.code ?? 'BAD_USER_INPUT', http: { status: 400 } },
      });
    }
  }, costVariables);
  const limits: ApolloServerPlugin<RequestContext> = {
    async requestDidStart() {
      return {
        async willSendResponse(request) {
          // A dependency outage answers 503 (src/graphql/errors.ts).
          const { body, http: head } = request.response;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          if (errors?.some((error) => UNAVAILABLE_CODES.includes(String(error.extensions?.code)))) {
            head.status = 503;
            head.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
          }
        },
        async didResolveOperation(request) {
          checkTexts(request.document, request.request.variables);
          checkCost(request.document, request.request.variables);
        },
      };
    },
  };
  const apollo = new ApolloServer<RequestContext>({
    schema,
    validationRules: [depthLimit(MAX_QUERY_DEPTH)],
    parseOptions: { maxTokens: MAX_QUERY_TOKENS },
    // No automatic persisted queries: the web catalogue does not use them, and each would be kept in memory.
    persistedQueries: false,
    formatError: formatError(logger, !http.introspection),
    includeStacktraceInErrorResponses: false,
    introspection: http.introspection,
    // Without introspection, "did you mean" suggestions would spell the schema out field by field.
    hideSchemaDetailsFromClientErrors: !http.introspection,
    // No cache hints are set: without this Apollo's default cache control plugin hooks every resolved field
    // (a page of 50 datasets resolves several thousand).
    plugins: [metered.plugin, limits, operationForAccessLog, ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
    // The command stops the server on SIGINT and SIGTERM (cli/main.ts). Apollo's own handlers (on unless NODE_ENV
    // is test) stopped Apollo and sent the signal again, which ended the process before the embedded PostgreSQL
    // was stopped: it kept running, orphaned.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', http.trustProxy);
  app.use(requestIds(), accessLog(logger), securityHeaders({ baseUrl: deps.baseUrl, oidcIssuer: deps.oidcIssuer }), cors(http.corsOrigins), requestTargetGuard());
  app.get('/healthz', async (_req, res) => {
    const health = await checkHealth(deps);
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });
  app.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness(deps);
    res.status(readiness.status === 'ready' ? 200 : 503).json(readiness);
  });
  app.use(metered.router);
  app.use(rateLimit(http.rateLimitPerMinute));
  app.get('/service-info', (_req, res) => {
    res.json({
      id: 'se.gdcat.catalogue',
      name: 'gdcat',
      type: { group: 'org.ga4gh', artifact: 'service-registry', version: '1.0.0' },
      description: 'National genomics data catalogue: datasets, consent scopes (DUO), access routes and health-economic evidence.',
      organization: { name: 'gdcat', url: deps.baseUrl },
      version: deps.version,
      environment: process.env.NODE_ENV ?? 'production',
    });
  });
  for (const router of deps.routers ?? []) app.use(router);

  app.use(
    '/graphql',
    express.json({ limit: http.maxBodyBytes }),
    bodyDepthGuard(),
    documentDepthGuard(),
    // Texts come in the language Accept-Language asks for, so caches must keep one answer per language.
    (_req, res, next) => {
      res.vary('Accept-Language');
      next();
    },
    (_req, res, next) => graphqlResponse.run(res, next),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<RequestContext> => {
        const viewer = await viewerOf(req.headers.authorization, deps.verifyToken);
        const em = deps.orm.em.fork();
        const acting = await actingOrganisationIds(em, viewer).catch((error: unknown) => {
          throw asUnavailableError(error) ?? error;
        });
        const policy = AccessPolicy.forViewer(viewer, acting);
        return {
          em,
          policy,
          loaders: createLoaders(em, policy),
          search: deps.search,
          settings: { smallCountThreshold: deps.smallCountThreshold },
          baseUrl: deps.baseUrl,
          harvestPrivateNetworks: deps.harvestPrivateNetworks ?? false,
          acceptedLanguages: acceptedLanguages(req.headers['accept-language']),
          afterWrite: () => deps.indexer.notify(),
        };
      },
    }),
  );
  // Outside GraphQL (the DCAT/FDP pages, the web catalogue's data), a dependency outage is a 503 too; other
  // errors go on to the next handler.
  app.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    const unavailable = unavailability(error);
    if (!unavailable || res.headersSent) {
      next(error);
      return;
    }
    const requestId = requestIdOf(res);
    logger.error(`${unavailable.code}: ${(error as Error).message}`, { requestId });
    res.set('retry-after', String(RETRY_AFTER_SECONDS));
    sendError(res, 503, unavailable.code, unavailable.message, { requestId });
  });
  if (deps.pageNotFound) app.use(deps.pageNotFound);
  app.use(notFound(), errorResponder(logger));
  return { app, apollo };
}

async function viewerOf(authorization: string | undefined, verify: TokenVerifier): Promise<Viewer> {
  if (!authorization) return ANONYMOUS;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
  try {
    return await verify(match[1]);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthenticated(error.message, 'invalid_token');
    throw error;
  }
}

/**
 * A 401 names the scheme to authenticate with (RFC 9110 §11.6.1, RFC 6750 §3), with invalid_token when a bearer
 * token was given: OAuth clients read it to know they should fetch a new token.
 */
function unauthenticated(message: string, error?: 'invalid_token'): GraphQLError {
  const challenge = error ? `Bearer realm="gdcat", error="${error}"` : 'Bearer realm="gdcat"';
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: new Map([['www-authenticate', challenge]]) } } });
}

/** Listens with the request, header and idle timeouts set, so a client that trickles cannot hold a socket. */
export function listen(app: Express, port: number, host: string, http: HttpSettings = httpSettingsFromEnv()): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(
      {
        requestTimeout: http.requestTimeoutMs,
        headersTimeout: http.headersTimeoutMs,
        // How often Node looks for requests past those timeouts (its default, 30 s, would double them).
        connectionsCheckingInterval: Math.min(1_000, http.headersTimeoutMs),
      },
      app,
    );
    server.setTimeout(http.idleSocketTimeoutMs);
    // Idle keep-alive connections are kept as long: longer than a reverse proxy's usual idle timeout, so the
    // proxy (or a client) never reuses a connection this server is closing at that moment.
    server.keepAliveTimeout = http.idleSocketTimeoutMs;
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
