import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The module of a worker thread, `file` beside the calling module (its import.meta.url) as compiled in dist/. Run
 * from its TypeScript source (by the test runner, whose compiling of modules does not reach a worker's), the caller
 * starts the build's copy.
 */
export function compiledWorkerModule(callerUrl: string, file: string): URL {
  const beside = new URL(file, callerUrl);
  return callerUrl.endsWith('.ts') ? new URL(beside.href.replace(/\/src\/(?!.*\/src\/)/, '/dist/src/')) : beside;
}

/**
 * A worker thread waited on for one message at a time. Its failure (an uncaught error, or ending before it was
 * stopped) rejects the wait under way and every later one, so no caller waits for a thread that is gone.
 */
export class MessageThread<Task, Message> {
  private readonly worker: Worker;
  private waiting: { resolve: (message: Message) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;
  private readonly exited: Promise<void>;

  /** `ended` says what an ending with this exit code means to the caller (the work it did not finish). */
  constructor(module: URL, options: WorkerOptions, ended: (code: number) => string) {
    this.worker = new Worker(module, options);
    this.worker.on('message', (message: Message) => {
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.resolve(message);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.exited = new Promise((resolve) => {
      this.worker.on('exit', (code) => {
        this.fail(new Error(ended(code)));
        resolve();
      });
    });
  }

  /** The thread's next message. */
  next(): Promise<Message> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** Sends a task and waits for the message the thread answers it with. */
  ask(task: Task): Promise<Message> {
    const answer = this.next();
    this.worker.postMessage(task);
    return answer;
  }

  /** Sends `last` (the task that ends the thread, after the one under way) unless it failed; waits until it has ended. */
  async stop(last: Task): Promise<void> {
    if (!this.failure) this.worker.postMessage(last);
    await this.exited;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(this.failure);
  }
}
