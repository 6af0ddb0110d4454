import type { ChildProcess } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';

const started: ChildProcess[] = [];
subscribe('child_process', (message) => started.push((message as { process: ChildProcess }).process));

/** The child processes this process has started since it loaded this module (Node announces each one). */
export const startedProcesses = (): readonly ChildProcess[] => started;

/** Of the given processes, those still running. */
export const running = (processes: readonly ChildProcess[]): ChildProcess[] => processes.filter((child) => child.exitCode === null && child.signalCode === null);
