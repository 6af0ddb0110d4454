import type * as RDF from '@rdfjs/types';
import { fetch, type Response } from 'undici';
import { HARVEST_MAX_REDIRECTS, HARVEST_MAX_RESPONSE_BYTES } from '../config.js';
import { COMPLETE_UP_TO } from '../dcat/http/hydra-paging.js';
import { type RdfFormat, mediaTypesOf, rdfFormats } from '../dcat/rdf/formats.js';
import { parse } from '../dcat/rdf/parse.js';
import { isHarvestableUrl } from './harvest-source.rules.js';
import { PrivateAddressRefused, publicNetworksOnly, refusalMessage } from './private-networks.js';

/** Every serialisation gdcat writes, Turtle first. */
const ACCEPT = 'text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8, application/n-triples;q=0.7';

/** Why a document of a source could not be read; `code` names the failure mode. */
export class SourceProblem extends Error {
  constructor(
    readonly code:
      | 'SOURCE_DOWN' | 'TIMEOUT' | 'NOT_FOUND' | 'HTTP_ERROR' | 'INVALID_RDF' | 'UNSUPPORTED_FORMAT' | 'TOO_MANY_DOCUMENTS' | 'TOO_LARGE'
      | 'TOO_MANY_REDIRECTS' | 'PRIVATE_ADDRESS',
    readonly url: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RdfDocument {
  url: string;
  status: number;
  quads: RDF.Quad[];
  /** Up to when the source says this listing page is complete (a gdcat's, COMPLETE_UP_TO); null when it does not say. */
  completeUpTo: Date | null;
}

export interface FetchOptions {
  /** How long one request may take, whole body included. */
  timeoutMs: number;
  /** Largest body a response may have (HARVEST_MAX_RESPONSE_BYTES when not given). */
  maxResponseBytes?: number;
  /** Whether the source may be on loopback, link-local or private addresses (HARVEST_ALLOW_PRIVATE_NETWORKS). */
  allowPrivateNetworks: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches and parses one RDF document of a source. 410 Gone is a document too: a withdrawn dataset's
 * tombstone. Anything else that is not a 2xx, and anything that does not parse, is a SourceProblem.
 * Redirects are followed here, not by fetch, so that each hop is an http(s) URL and goes through the same
 * connection check (src/harvest/private-networks.ts) as the first.
 */
export async function fetchRdf(url: string, options: FetchOptions): Promise<RdfDocument> {
  let response: Response;
  let text: string;
  let at = url;
  try {
    const signal = AbortSignal.timeout(options.timeoutMs);
    for (let hops = 0; ; hops++) {
      response = await fetch(at, { headers: { accept: ACCEPT }, redirect: 'manual', signal, ...(options.allowPrivateNetworks ? {} : { dispatcher: publicNetworksOnly }) });
      const location = REDIRECTS.has(response.status) ? response.headers.get('location') : null;
      if (location === null) break;
      await response.body?.cancel();
      if (hops === HARVEST_MAX_REDIRECTS) throw new SourceProblem('TOO_MANY_REDIRECTS', url, `${url} redirected more than ${HARVEST_MAX_REDIRECTS} times; stopped following`);
      const next = URL.parse(location, at)?.href;
      if (!next || !isHarvestableUrl(next)) throw new SourceProblem('HTTP_ERROR', url, `${url} redirected to ${location}, which is not an http(s) URL`);
      at = next;
    }
    text = await bodyOf(response, url, options.maxResponseBytes ?? HARVEST_MAX_RESPONSE_BYTES);
  } catch (error) {
    if (error instanceof SourceProblem) throw error;
    const cause = error as Error & { cause?: { code?: string; message?: string } };
    if (cause.cause instanceof PrivateAddressRefused) {
      throw new SourceProblem('PRIVATE_ADDRESS', url, refusalMessage(at === url ? url : `${url} redirected to ${at}, which`, cause.cause.kind));
    }
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError') {
      throw new SourceProblem('TIMEOUT', url, `${url} did not answer within ${options.timeoutMs} ms`);
    }
    throw new SourceProblem('SOURCE_DOWN', url, `${url} cannot be reached: ${cause.cause?.code ?? cause.cause?.message ?? cause.message}`);
  }
  if (response.status === 404) throw new SourceProblem('NOT_FOUND', url, `${url} answered 404 Not Found`);
  if (!response.ok && response.status !== 410) throw new SourceProblem('HTTP_ERROR', url, `${url} answered ${response.status} ${response.statusText}`);
  const format = formatOf(response.headers.get('content-type'), url);
  try {
    return { url: at, status: response.status, quads: await parse(text, format, at), completeUpTo: instantOf(response.headers.get(COMPLETE_UP_TO)) };
  } catch (error) {
    throw new SourceProblem('INVALID_RDF', url, `${url} is not valid ${format}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** An instant a header states, or null when it states none (or something that is not one). */
function instantOf(value: string | null): Date | null {
  const instant = value === null ? null : new Date(value);
  return instant && !Number.isNaN(instant.getTime()) ? instant : null;
}

/**
 * The response body as text, counted as it streams in: a body over `limit` bytes (declared or not) is
 * refused without reading the rest, so a source that never stops sending cannot fill the memory.
 */
async function bodyOf(response: Response, url: string, limit: number): Promise<string> {
  const tooLarge = () => new SourceProblem('TOO_LARGE', url, `${url} answered more than ${limit} bytes (HARVEST_MAX_RESPONSE_BYTES); stopped reading it`);
  if (Number(response.headers.get('content-length')) > limit) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  const reader = response.body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    bytes += chunk.value.byteLength;
    if (bytes > limit) {
      // Cancelling the stream closes the connection: the rest is never sent for nothing.
      await reader.cancel();
      throw tooLarge();
    }
    parts.push(decoder.decode(chunk.value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

function formatOf(contentType: string | null, url: string): RdfFormat {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const format = rdfFormats.find((candidate) => mediaTypesOf[candidate].includes(mediaType));
  if (format) return format;
  // Static files are often served as text/plain or octet-stream: go by the file name then.
  const extension = /\.(ttl|jsonld|json|rdf|xml|nt)(?:[?#].*)?$/.exec(url)?.[1];
  const byExtension: Record<string, RdfFormat> = { ttl: 'text/turtle', jsonld: 'application/ld+json', json: 'application/ld+json', rdf: 'application/rdf+xml', xml: 'application/rdf+xml', nt: 'application/n-triples' };
  if (extension) return byExtension[extension]!;
  throw new SourceProblem('UNSUPPORTED_FORMAT', url, `${url} answered ${mediaType || 'without a media type'}, not one of ${rdfFormats.join(', ')}`);
}
