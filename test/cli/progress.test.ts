import { describe, expect, it } from 'vitest';
import { progress, progressLine, statusLine } from '../../src/cli/progress.js';
import { createLogger, type LogFormat } from '../../src/core/log.js';

/** Where a command's progress goes: a terminal, a log read by people, or one shipped as JSON (LOG_FORMAT). */
function terminal(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, columns: 80, write: (chunk: string) => written.push(chunk) } as unknown as NodeJS.WriteStream };
}

function logOf(format: LogFormat) {
  const lines: string[] = [];
  return { lines, log: createLogger(format, (line) => lines.push(line)) };
}

describe('progress of CLI commands', () => {
  it('in text off a terminal: "label: done/total" lines at most every tenth, then "label: done", as always', () => {
    const { lines, log } = logOf('text');
    const { written, stream } = terminal(false);
    const bar = progress('export', 20, log, stream);
    for (let done = 0; done <= 20; done++) bar.update(done);
    bar.finish();
    expect(lines).toEqual(['export: 0/20', ...[2, 4, 6, 8, 10, 12, 14, 16, 18, 20].map((done) => `export: ${done}/20`), 'export: done']);
    expect(written).toEqual([]);
  });

  it('under LOG_FORMAT=json: one JSON log line each, level info, the words as msg and done and total as fields, on a terminal too', () => {
    for (const isTTY of [false, true]) {
      const { lines, log } = logOf('json');
      const { written, stream } = terminal(isTTY);
      const bar = progress('import', 0, log, stream);
      bar.update(0, 2);
      bar.update(1);
      bar.update(2);
      bar.finish();
      expect(written).toEqual([]);
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        { time: expect.any(String), level: 'info', msg: 'import: 0/2', done: 0, total: 2 },
        { time: expect.any(String), level: 'info', msg: 'import: 1/2', done: 1, total: 2 },
        { time: expect.any(String), level: 'info', msg: 'import: 2/2', done: 2, total: 2 },
        { time: expect.any(String), level: 'info', msg: 'import: done', done: 2, total: 2 },
      ]);
    }
  });

  it('gives a step its numbers as fields in JSON only (backup, restore)', () => {
    const json = logOf('json');
    progressLine(json.log, 'backup: dataset 16 rows', { table: 'dataset', rows: 16 });
    expect(JSON.parse(json.lines[0]!)).toEqual({ time: expect.any(String), level: 'info', msg: 'backup: dataset 16 rows', table: 'dataset', rows: 16 });
    const text = logOf('text');
    progressLine(text.log, 'backup: dataset 16 rows', { table: 'dataset', rows: 16 });
    expect(text.lines).toEqual(['backup: dataset 16 rows']);
  });

  it('rewrites a status line on a terminal in text only: under LOG_FORMAT=json the outcome is logged when the task ends', () => {
    for (const format of ['text', 'json'] as const) {
      const { lines, log } = logOf(format);
      const { written, stream } = terminal(true);
      const status = statusLine(log, stream);
      status.update('harvest x: 1 documents read');
      status.finish();
      expect(lines).toEqual([]);
      expect(written.length > 0).toBe(format === 'text');
    }
  });
});
