import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.js';
import { createLogger, loggerOf } from '../../src/core/log.js';

/** gdcat's log lines (README, Operations, "Logs"). */
describe('log', () => {
  function linesOf(format: 'text' | 'json') {
    const lines: string[] = [];
    return { lines, log: createLogger(format, (line) => lines.push(line)) };
  }

  it('writes text as today: the message, then the fields, on the first line of a stack', () => {
    const { lines, log } = linesOf('text');
    log('migrations are up to date');
    log.info('request', { method: 'GET', path: '/dcat/catalog', status: 200, operation: undefined, requestId: 'r-1' });
    log.error('internal error: Error: boom\n    at resolve (x.js:1:1)', { requestId: 'r-2' });
    expect(lines).toEqual([
      'migrations are up to date',
      'request method=GET path=/dcat/catalog status=200 requestId=r-1',
      'internal error: Error: boom requestId=r-2\n    at resolve (x.js:1:1)',
    ]);
  });

  it('quotes a text value that could end the line or blur where it ends', () => {
    const { lines, log } = linesOf('text');
    log.info('request', { operation: 'A\nrequest forged=yes', other: 'two words', empty: '' });
    expect(lines).toEqual(['request operation="A\\nrequest forged=yes" other="two words" empty=""']);
  });

  it('writes JSON as one object a line: time, level, msg and the fields', () => {
    const { lines, log } = linesOf('json');
    log('listening');
    log.error('internal error: Error: boom\n    at x', { requestId: 'r-3', status: 500, operation: undefined });
    const [info, error] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
    expect(info).toEqual({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), level: 'info', msg: 'listening' });
    expect(error).toEqual({ time: expect.any(String), level: 'error', msg: 'internal error: Error: boom\n    at x', requestId: 'r-3', status: 500 });
  });

  it('writes warnings at level warn: a failure that will be tried again', () => {
    const { lines, log } = linesOf('json');
    log.warn('indexing batch failed, to be retried: refused', { attempt: 2 });
    expect(JSON.parse(lines[0]!)).toEqual({ time: expect.any(String), level: 'warn', msg: 'indexing batch failed, to be retried: refused', attempt: 2 });
    const text = linesOf('text');
    text.log.warn('indexing batch failed, to be retried: refused', { attempt: 2 });
    expect(text.lines).toEqual(['indexing batch failed, to be retried: refused attempt=2']);
  });

  it('takes a logger as it is and gives a plain line function text lines', () => {
    const { log } = linesOf('json');
    expect(loggerOf(log)).toBe(log);
    expect(log.format).toBe('json');
    const lines: string[] = [];
    const plain = loggerOf((line) => lines.push(line));
    plain.error('failed', { requestId: 'r-4' });
    plain.warn('retrying', { attempt: 1 });
    expect(lines).toEqual(['failed requestId=r-4', 'retrying attempt=1']);
    expect(plain.format).toBe('text');
  });

  it('reads LOG_FORMAT once, in the configuration, and names it when it is neither text nor json', () => {
    expect(configFromEnv({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(configFromEnv({}).logFormat).toBeUndefined();
    expect(() => configFromEnv({ LOG_FORMAT: 'xml' })).toThrow('LOG_FORMAT must be text or json, not xml');
  });
});
