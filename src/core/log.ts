/**
 * gdcat's log: one line per event on standard error, as text for people or as JSON for log shippers
 * (LOG_FORMAT; README, Operations, "Logs"). Too small a need for a logging library.
 */

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Values a line carries besides its message; undefined ones are left out. */
export type LogFields = Record<string, string | number | undefined>;

/** Logs a line at level info: what every part of gdcat that logs is given. */
export type Log = (line: string) => void;

/**
 * A Log that also takes fields, and logs at level warn what failed and will be tried again (an indexing batch),
 * at level error what failed for good or needs an operator (a harvest run, a database connection).
 */
export interface Logger extends Log {
  /** How lines are written: a caller that writes its own lines for people (a progress bar) writes JSON ones instead. */
  readonly format: LogFormat;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

type Level = 'info' | 'warn' | 'error';

export function createLogger(format: LogFormat = 'text', write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const render = format === 'json' ? jsonLine : textLine;
  const at = (level: Level) => (message: string, fields: LogFields = {}) => write(render(level, message, fields));
  return Object.assign(at('info'), { format, info: at('info'), warn: at('warn'), error: at('error') });
}

/** A Logger as it is; a plain Log (a test's, a caller's own sink) gets text lines at every level. */
export function loggerOf(log: Log): Logger {
  const logger = log as Partial<Logger>;
  if (logger.format && typeof logger.info === 'function' && typeof logger.warn === 'function' && typeof logger.error === 'function') return log as Logger;
  return createLogger('text', log);
}

function jsonLine(level: Level, message: string, fields: LogFields): string {
  return JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields });
}

/**
 * The message as it is, then the fields as name=value. A multi-line message (a stack) carries them on its
 * first line, where a search for a request id finds them. Values that could end the line or blur where a
 * value ends (a client's text) are quoted.
 */
function textLine(_level: Level, message: string, fields: LogFields): string {
  const named = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}=${typeof value === 'string' && /[\s"\\\p{Cc}]|^$/u.test(value) ? JSON.stringify(value) : value}`)
    .join('');
  const lineEnd = message.indexOf('\n');
  return lineEnd < 0 ? message + named : message.slice(0, lineEnd) + named + message.slice(lineEnd);
}
