import type { ApolloServerPlugin } from '@apollo/server';
import express from 'express';
import { timingSafeEqual } from 'node:crypto';
import client from 'prom-client';
import { sendError } from './request-errors.js';

export interface MetricsOptions {
  /** Operation names with their own series; any other name is counted as "other". */
  operations: readonly string[];
  /** Bearer token GET /metrics requires; unset: open. */
  token?: string;
}

/** Label of operations not in the known list, and of requests without a name. */
const OTHER_OPERATION = 'other';
const ANONYMOUS_OPERATION = 'anonymous';

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'gdcat_' });
const requestDuration = new client.Histogram({
  name: 'gdcat_graphql_request_seconds',
  help: 'GraphQL request duration by operation name (known operations; every other name is "other")',
  labelNames: ['operation'],
  registers: [registry],
});

/**
 * Prometheus metrics. Label values are bounded: a client chooses its operation names, so only the known
 * ones get a series of their own, and /metrics cannot be grown by sending new names.
 */
export function metrics(options: MetricsOptions): { router: express.Router; plugin: ApolloServerPlugin } {
  const known = new Set(options.operations);
  const labelOf = (name: string | null | undefined) => (!name ? ANONYMOUS_OPERATION : known.has(name) ? name : OTHER_OPERATION);
  const plugin: ApolloServerPlugin = {
    async requestDidStart() {
      const end = requestDuration.startTimer();
      return {
        async willSendResponse(request) {
          end({ operation: labelOf(request.operationName ?? request.request.operationName) });
        },
      };
    },
  };
  const router = express.Router();
  router.get('/metrics', async (req, res) => {
    if (options.token && !bearerMatches(req.get('authorization'), options.token)) {
      res.set('www-authenticate', 'Bearer realm="metrics"');
      sendError(res, 401, 'UNAUTHENTICATED', '/metrics needs the bearer token the operator configured (METRICS_TOKEN)');
      return;
    }
    res.type(registry.contentType).send(await registry.metrics());
  });
  return { router, plugin };
}

function bearerMatches(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
