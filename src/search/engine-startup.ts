import { SEARCH_SETUP_RETRY_FIRST_MS, SEARCH_SETUP_RETRY_MAX_MS } from '../config.js';
import { type Log, loggerOf } from '../core/log.js';
import { SearchUnavailableError, type SearchEngine } from './engine.js';

export interface StartedSearchEngine {
  /** The engine to use from now on: until its index is set up it refuses searches and writes as unavailable. */
  engine: SearchEngine;
  /** Whether the index was set up before this returned. */
  ready: boolean;
  /** Settles once the index is set up (at once when ready); never if the engine is closed first. */
  setUp: Promise<void>;
}

/**
 * Sets up the engine's index (init) for a process that serves or indexes. When the engine cannot be reached,
 * the process starts all the same: searches answer SEARCH_UNAVAILABLE as during an outage, /readyz says why,
 * and init is retried in the background with a back-off doubling from SEARCH_SETUP_RETRY_FIRST_MS up to
 * SEARCH_SETUP_RETRY_MAX_MS. Writes to the engine are refused until then too: the outbox keeps them, and no
 * document reaches an index Elasticsearch would create by itself without the catalogue's mapping. Any other
 * failure (a missing analyzer, a mapping conflict) stops the start. `where` names the engine in the log; the process
 * runs without search meanwhile, so that is logged at level warn.
 */
export async function startSearchEngine(engine: SearchEngine, where: string, log: Log): Promise<StartedSearchEngine> {
  try {
    await engine.init();
    return { engine, ready: true, setUp: Promise.resolve() };
  } catch (error) {
    if (!(error instanceof SearchUnavailableError)) {
      throw new Error(`could not set up the search index on ${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    loggerOf(log).warn(
      `search engine ${where} cannot be reached (${error.message}): searches answer SEARCH_UNAVAILABLE and indexing waits; ` +
        `setting up its index in the background, retrying up to every ${SEARCH_SETUP_RETRY_MAX_MS / 1000} s`,
    );
    return retryInBackground(engine, where, error, log);
  }
}

function retryInBackground(engine: SearchEngine, where: string, first: Error, log: Log): StartedSearchEngine {
  let ready = false;
  let closed = false;
  let reason = first.message;
  let timer: NodeJS.Timeout | undefined;
  let attempts = 1;
  let markSetUp!: () => void;
  const setUp = new Promise<void>((resolve) => (markSetUp = resolve));

  const retry = (waitMs: number) => {
    timer = setTimeout(() => {
      attempts += 1;
      engine.init().then(
        () => {
          if (closed) return;
          ready = true;
          log(`search engine ${where}: index set up after ${attempts} attempts`);
          markSetUp();
        },
        (error: Error) => {
          if (closed) return;
          // Logged once per new reason: a node that is still down says nothing new, one that refuses the index does.
          if (error.message !== reason) loggerOf(log).warn(`search engine ${where}: index not set up yet (${error.message}); retrying`);
          reason = error.message;
          retry(Math.min(waitMs * 2, SEARCH_SETUP_RETRY_MAX_MS));
        },
      );
    }, waitMs);
    // Like the indexer's timers: the retries alone do not keep a process alive.
    timer.unref();
  };
  retry(SEARCH_SETUP_RETRY_FIRST_MS);

  const unavailable = () => new SearchUnavailableError(`search engine ${where}: index not set up yet (${reason}); retrying in the background`);
  const whenSetUp =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      ready ? call(...args) : Promise.reject(unavailable());
  const guarded: SearchEngine = {
    name: engine.name,
    indexName: engine.indexName,
    init: () => engine.init(),
    upsert: whenSetUp((docs) => engine.upsert(docs)),
    prepareUpsert: (docs) => engine.prepareUpsert(docs),
    remove: whenSetUp((ids) => engine.remove(ids)),
    refresh: whenSetUp(() => engine.refresh()),
    search: whenSetUp((request) => engine.search(request)),
    rebuild: whenSetUp((batches, onProgress) => engine.rebuild(batches, onProgress)),
    listIds: whenSetUp(() => engine.listIds()),
    ping: whenSetUp(() => engine.ping()),
    async close() {
      closed = true;
      clearTimeout(timer);
      await engine.close();
    },
  };
  return { engine: guarded, ready: false, setUp };
}
