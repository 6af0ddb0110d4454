import { GraphQLError } from 'graphql';
import type { SearchEngine } from './engine.js';

export interface SearchLimiterOptions {
  /** Searches run at once; the rest wait their turn. */
  concurrency: number;
  /** Searches that may wait; one more is refused at once. */
  queue: number;
  /** A search that waited this long for its turn is refused. */
  maxWaitMs: number;
}

/** Refused because too many searches are running or waiting: the client may retry shortly. */
export class SearchBusyError extends GraphQLError {
  constructor() {
    super('the catalogue is answering too many searches at once; try again in a moment', { extensions: { code: 'SEARCH_BUSY' } });
  }
}

/**
 * Bounds the searches one process runs at once, so expensive anonymous searches queue behind each other
 * instead of taking every connection and CPU that writes and reads by id need; the queue is bounded too,
 * and a search that cannot start in time is refused with SEARCH_BUSY rather than left hanging.
 */
export function limitSearches(engine: SearchEngine, options: SearchLimiterOptions): SearchEngine {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running -= 1;
    const next = waiting.shift();
    if (next) next();
  };
  const turn = (): Promise<void> => {
    if (running < options.concurrency) {
      running += 1;
      return Promise.resolve();
    }
    if (waiting.length >= options.queue) return Promise.reject(new SearchBusyError());
    return new Promise<void>((resolve, reject) => {
      const start = () => {
        clearTimeout(timer);
        running += 1;
        resolve();
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(start), 1);
        reject(new SearchBusyError());
      }, options.maxWaitMs);
      waiting.push(start);
    });
  };
  const inner = engine;
  return {
    name: inner.name,
    indexName: inner.indexName,
    init: () => inner.init(),
    upsert: (docs) => inner.upsert(docs),
    prepareUpsert: (docs) => inner.prepareUpsert(docs),
    remove: (ids) => inner.remove(ids),
    refresh: () => inner.refresh(),
    async search(request) {
      await turn();
      try {
        return await inner.search(request);
      } finally {
        release();
      }
    },
    rebuild: (batches, onProgress) => inner.rebuild(batches, onProgress),
    listIds: () => inner.listIds(),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
}

/** A search stopped by the statement timeout: the client should narrow it. */
export class SearchTooSlowError extends GraphQLError {
  constructor() {
    super('the search took too long and was stopped; use fewer or more specific words or filters', { extensions: { code: 'SEARCH_TIMEOUT' } });
  }
}
