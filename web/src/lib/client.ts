import type { TypedDocumentString } from './graphql/generated/graphql';
import { t } from './i18n.svelte';
import { session } from './session.svelte';
import type { UserError } from './user-errors';

export interface GraphQLProblem {
  message: string;
  extensions?: { code?: string; userErrors?: UserError[] };
}

/** A request the API refused as a whole (bad token, invalid query): shown to the user, never swallowed. */
export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    /** What was wrong with the arguments, each naming its field (a search's unknown filter value). */
    readonly userErrors: UserError[] = [],
  ) {
    super(message);
  }
}

/**
 * Sends one typed operation to the public GraphQL API, with the signed-in user's token when there is one.
 * With a `language`, every text the answer has in several languages (names in fragments, facet labels) comes
 * in that language where it exists (Accept-Language). Without one it asks for no language (`*`, instead of the
 * browser's own list), so editors get each record's own texts, the ones the single-value inputs write back.
 */
export async function execute<Result, Variables>(
  document: TypedDocumentString<Result, Variables>,
  variables: Variables,
  options: { signal?: AbortSignal; language?: string } = {},
): Promise<Result> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  headers['accept-language'] = options.language ?? '*';
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: document.toString(), variables }),
      signal: options.signal,
    });
  } catch (problem) {
    // An aborted request is the caller's own doing; anything else here is the network or a server that is down.
    if (options.signal?.aborted) throw problem;
    throw new RequestFailed(t('unreachable'), 'UNREACHABLE');
  }
  const body = (await response.json().catch(() => null)) as { data?: Result; errors?: GraphQLProblem[] } | null;
  if (body?.errors?.length) {
    const first = body.errors[0]!;
    if (first.extensions?.code === 'UNAUTHENTICATED') session.expire();
    throw new RequestFailed(first.message, first.extensions?.code, first.extensions?.userErrors);
  }
  if (!response.ok || !body?.data) throw new RequestFailed(t('unavailable', { status: response.status }), undefined);
  return body.data;
}

/** What to tell the user about a failed request: the API's own words, or what went wrong on the way. */
export function problemText(problem: unknown): string {
  return problem instanceof RequestFailed ? problem.message : String(problem);
}
