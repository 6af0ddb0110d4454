/** The most datasets one request may ask the API for (`first` of `datasets`). */
export const MAX_API_PAGE = 100;

/** The page number an address asks for (`page`), the first page when it names none or no whole number above 0. */
export function readPage(params: URLSearchParams): number {
  const page = Number(params.get('page') ?? '1');
  return Number.isInteger(page) && page > 0 ? page : 1;
}

/** One step of a walk through a result: the cursors of up to `first` datasets after `after`, and the total. */
export type CursorStep = (first: number, after: string | null) => Promise<{ cursors: string[]; totalCount: number }>;

/**
 * Where a page of `pageSize` results starts: the cursor of the dataset before it (null for the first page) and
 * the page's number. The API pages by cursor only, so the walk asks for the cursors of the datasets before the
 * page, at most MAX_API_PAGE a request. It never walks past the last page: a number beyond it (an old or
 * hand-made link) gives the last page, and the number returned is that page's.
 */
export async function findPageStart(page: number, pageSize: number, step: CursorStep): Promise<{ page: number; after: string | null }> {
  let before = (page - 1) * pageSize;
  let after: string | null = null;
  let skipped = 0;
  while (skipped < before) {
    const answer = await step(Math.min(MAX_API_PAGE, before - skipped), after);
    const lastPage = Math.max(1, Math.ceil(answer.totalCount / pageSize));
    before = Math.min(before, (lastPage - 1) * pageSize);
    const taken = answer.cursors.slice(0, Math.max(0, before - skipped));
    // Nothing more to take (datasets left the result while walking): the page is what follows those walked.
    if (taken.length === 0) break;
    after = taken.at(-1)!;
    skipped += taken.length;
  }
  return { page: Math.floor(skipped / pageSize) + 1, after };
}
