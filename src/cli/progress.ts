import cliProgress from 'cli-progress';
import type { LogFields, Logger } from '../core/log.js';

export interface Progress {
  /** `total` when it became known after the start (an import learns it once the file is read). */
  update(done: number, total?: number | null): void;
  finish(): void;
}

/**
 * A progress bar on a terminal; plain "label: n/total" lines (at most every 10%) otherwise. Under LOG_FORMAT=json
 * the lines are log lines, on a terminal too (progressLine).
 */
export function progress(label: string, total: number, log: Logger, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY && log.format === 'text') {
    const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} {percentage}%`, stream }, cliProgress.Presets.shades_classic);
    bar.start(total, 0);
    return {
      update(done, newTotal) {
        if (newTotal != null && newTotal !== bar.getTotal()) bar.setTotal(newTotal);
        bar.update(done);
      },
      finish: () => bar.stop(),
    };
  }
  let lastDecile = -1;
  return {
    update(done, newTotal) {
      if (newTotal != null) total = newTotal;
      const decile = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        progressLine(log, `${label}: ${done}/${total}`, { done, total });
      }
    },
    finish() {
      progressLine(log, `${label}: done`, { done: total, total });
    },
  };
}

/**
 * A line telling how far a command has gone: the words alone for people, as they always were, and under
 * LOG_FORMAT=json a log line like any other (level info, the words as msg) with the numbers as fields.
 */
export function progressLine(log: Logger, text: string, fields: LogFields): void {
  if (log.format === 'json') log.info(text, fields);
  else log(text);
}

export interface StatusLine {
  update(text: string): void;
  finish(): void;
}

// Redrawing more often than this only costs time: nobody reads that fast.
const STATUS_REDRAW_MS = 100;

/**
 * One line a long task without a known total rewrites in place on a terminal; elsewhere (a log, a pipe) and under
 * LOG_FORMAT=json nothing, since the task reports its outcome when it ends.
 */
export function statusLine(log: Logger, stream: NodeJS.WriteStream = process.stderr): StatusLine {
  if (!stream.isTTY || log.format === 'json') return { update() {}, finish() {} };
  let drawnAt = 0;
  let drawn = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - drawnAt < STATUS_REDRAW_MS) return;
      drawnAt = now;
      drawn = true;
      stream.write(`\r${text.slice(0, Math.max(10, (stream.columns ?? 80) - 1))}\x1b[K`);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
