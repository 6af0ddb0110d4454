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

export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  location.sync();
  if (!options.replace) window.scrollTo(0, 0);
}

/** Same-origin links to the catalogue's own pages change the view without reloading the application. */
export function startRouter(): void {
  window.addEventListener('popstate', () => location.sync());
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== window.location.origin) return;
    if (!isPage(anchor.pathname)) return;
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
