import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** A `gdcat` command run as a child process from the built CLI (scripts/install.sh, scripts/test.sh build it). */
export interface Gdcat {
  process: ChildProcess;
  output: string[];
}

const CLI = path.resolve('dist/src/cli/main.js');

/** Starts `gdcat <command>` and resolves once its log matches `ready`. */
export function startGdcat(command: 'serve' | 'indexer', env: NodeJS.ProcessEnv, ready: RegExp): Promise<Gdcat> {
  const child = spawn(process.execPath, [CLI, command], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start:\n${output.join('')}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (ready.test(output.join(''))) {
        clearTimeout(timer);
        resolve({ process: child, output });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code}:\n${output.join('')}`));
    });
  });
}

/** Stops it as an operator would (SIGTERM), or abruptly with 'SIGKILL', and waits for the exit. */
export async function stopGdcat(gdcat: Gdcat | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!gdcat || gdcat.process.exitCode !== null || gdcat.process.signalCode !== null) return;
  const exited = new Promise((resolve) => gdcat.process.once('exit', resolve));
  gdcat.process.kill(signal);
  await exited;
}
