import { parentPort, workerData } from 'node:worker_threads';
import type { Cell } from './spreadsheet-columns.js';
import type { Spreadsheet } from './spreadsheet-files.js';
import { BATCHES_AHEAD, type XlsxJob, type XlsxMessage, type XlsxRequest } from './xlsx-thread.js';
import { openXlsx } from './xlsx-reader.js';

/**
 * The workbook's thread (xlsx-thread.ts): opens the workbook, then reads the sheets it is asked for and sends
 * their rows in batches, never more than BATCHES_AHEAD of them not yet taken.
 */

/** Cells per batch: in the bench's workbook 167 rows of the datasets sheet, 957 of consent, 160-260 KB of JSON. */
const BATCH_CELLS = 8192;

const port = parentPort!;
const { input } = workerData as XlsxJob;
const post = (message: XlsxMessage) => port.postMessage(message);

/** A sheet being sent: its batches not yet taken, and whether it is to stop. */
class Sending {
  ahead = 0;
  stopped = false;
  private waiting: (() => void) | null = null;

  /** Until the import has taken a batch (or has stopped reading). */
  async room(): Promise<void> {
    while (this.ahead >= BATCHES_AHEAD && !this.stopped) await new Promise<void>((resolve) => (this.waiting = resolve));
  }

  wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }
}

const sendings = new Map<number, Sending>();

async function send(book: Spreadsheet, id: number, sheet: string): Promise<void> {
  const sending = new Sending();
  sendings.set(id, sending);
  let rows: number[] = [];
  let cells: Cell[][] = [];
  let count = 0;
  const flush = () => {
    post({ id, ...batch(rows, cells) });
    sending.ahead++;
    rows = [];
    cells = [];
    count = 0;
  };
  try {
    for await (const row of book.rows(sheet)) {
      rows.push(row.row);
      cells.push(row.cells);
      count += row.cells.length;
      if (count < BATCH_CELLS) continue;
      flush();
      await sending.room();
      if (sending.stopped) return;
    }
    if (rows.length > 0) flush();
    post({ id, end: true });
  } catch (error) {
    // The rows read before the error first, as the import would have had them reading in its own thread.
    if (rows.length > 0) flush();
    post({ id, error: (error as Error).message });
  } finally {
    sendings.delete(id);
  }
}

/** Rows' cells as JSON, with the cells JSON would change listed apart. */
function batch(rows: number[], cells: Cell[][]): { rows: number[]; cells: string; dates: number[]; numbers: number[] } {
  const dates: number[] = [];
  const numbers: number[] = [];
  for (let r = 0; r < cells.length; r++) {
    const row = cells[r]!;
    for (let c = 0; c < row.length; c++) {
      const cell = row[c];
      if (cell instanceof Date) dates.push(r, c, cell.getTime());
      else if (typeof cell === 'number' && (!Number.isFinite(cell) || Object.is(cell, -0))) numbers.push(r, c, cell);
    }
  }
  return { rows, cells: JSON.stringify(cells), dates, numbers };
}

async function estimate(book: Spreadsheet, id: number, sheet: string): Promise<void> {
  try {
    post({ id, estimate: await book.estimatedRows(sheet) });
  } catch (error) {
    post({ id, error: (error as Error).message });
  }
}

const opening = openXlsx(typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength));
const book = await opening.catch((error: Error) => post({ failed: error.message }));
// A workbook that cannot be opened leaves this thread nothing to listen for: it ends.
if (book) {
  post({ opened: book.sheets });
  port.on('message', (request: XlsxRequest) => {
    if ('read' in request) void send(book, request.id, request.read);
    else if ('estimate' in request) void estimate(book, request.id, request.estimate);
    else {
      const sending = sendings.get(request.id);
      if (!sending) return;
      if ('stop' in request) sending.stopped = true;
      else sending.ahead--;
      sending.wake();
    }
  });
}
