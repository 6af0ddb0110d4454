import { subscribe } from 'node:diagnostics_channel';
import type { Worker } from 'node:worker_threads';

const started: Worker[] = [];
subscribe('worker_threads', (message) => started.push((message as { worker: Worker }).worker));

/** The worker threads this process has started since it loaded this module (Node announces each one). */
export const startedThreads = (): readonly Worker[] => started;

/** Of the given threads, those still running (a thread that has ended has no id). */
export const running = (threads: readonly Worker[]): Worker[] => threads.filter((thread) => thread.threadId !== -1);
