/** The page's address as state: pages read it, links and forms change it with navigate(). */
class Location {
  path = $state(window.location.pathname);
  search = $state(window.location.search);

  get params(): URLSearchParams {
    return new URLSearchParams(this.search);
  }

  sync(): void {
    this.path = window.location.pathname;
    this.search = window.location.search;
  }
}

export const location = new Location();

/**
 * Goes to `url`. A link's new page starts at the top; a form changing the page it is on (a facet ticked, a
 * purpose applied) keeps the place (`inPlace`), so the control just used stays where the user is.
 */
export function navigate(url: string, options: { replace?: boolean; inPlace?: boolean } = {}): void {
  const before = window.location.pathname;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  location.sync();
  if (!options.replace && !options.inPlace) window.scrollTo(0, 0);
  if (window.location.pathname !== before) announcePage();
}

/**
 * Another page replaced the one shown: the focus moves to its content, as a page load would start there, so a
 * keyboard or screen reader user is not left on a link that no longer exists.
 */
function announcePage(): void {
  document.getElementById('main')?.focus({ preventScroll: true });
}

/** Same-origin links to the catalogue's own pages change the view without reloading the application. */
export function startRouter(): void {
  window.addEventListener('popstate', () => {
    const before = location.path;
    location.sync();
    if (location.path !== before) announcePage();
  });
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== window.location.origin) return;
    if (!isPage(anchor.pathname)) return;
    // A link to a place on this page (the skip link, an error summary's) is the browser's to follow.
    if (anchor.hash && anchor.pathname === window.location.pathname && anchor.search === window.location.search) return;
    event.preventDefault();
    navigate(anchor.pathname + anchor.search + anchor.hash);
  });
}

/** Paths the application renders; everything else (RDF, GraphQL) is left to the browser. */
export function isPage(path: string): boolean {
  return path === '/' || path.startsWith('/datasets/') || path === '/manage' || path.startsWith('/manage/');
}

/** The landing page of a dataset: a stable address built from its public identifier. */
export function datasetPath(identifier: string): string {
  return `/datasets/${encodeURIComponent(identifier)}`;
}
