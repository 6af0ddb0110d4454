import type { TypedDocumentString } from './graphql/generated/graphql';
import { session } from './session.svelte';

export interface GraphQLProblem {
  message: string;
  extensions?: { code?: string };
}

/** A request the API refused as a whole (bad token, invalid query): shown to the user, never swallowed. */
export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
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
  const response = await fetch('/graphql', {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: document.toString(), variables }),
    signal: options.signal,
  });
  const body = (await response.json().catch(() => null)) as { data?: Result; errors?: GraphQLProblem[] } | null;
  if (body?.errors?.length) {
    const first = body.errors[0]!;
    if (first.extensions?.code === 'UNAUTHENTICATED') session.expire();
    throw new RequestFailed(first.message, first.extensions?.code);
  }
  if (!response.ok || !body?.data) throw new RequestFailed(`The catalogue answered ${response.status}.`, undefined);
  return body.data;
}
