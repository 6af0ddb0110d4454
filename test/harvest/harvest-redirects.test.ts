import { createServer, type Server } from 'node:http';
import type { Dispatcher as DispatcherType } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fetchRdf } from '../../src/harvest/harvest-fetch.js';

// Every test server listens on 127.0.0.1. The one at `outside.origin` stands in for a source on the internet:
// connections to it skip the check; every other connection goes through the real one.
const outside = vi.hoisted(() => ({ origin: '' }));
vi.mock('../../src/harvest/private-networks.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/harvest/private-networks.js')>();
  const { Agent, Dispatcher } = await import('undici');
  const open = new Agent();
  class OutsideCountsAsPublic extends Dispatcher {
    dispatch(options: DispatcherType.DispatchOptions, handler: DispatcherType.DispatchHandlers): boolean {
      return (String(options.origin) === outside.origin ? open : actual.publicNetworksOnly).dispatch(options, handler);
    }
  }
  return { ...actual, publicNetworksOnly: new OutsideCountsAsPublic() };
});

const OPTIONS = { timeoutMs: 2_000, allowPrivateNetworks: false };
const TURTLE = '<https://foreign.example/dataset/1> a <http://www.w3.org/ns/dcat#Dataset> .';

let source: Server;
let internal: Server;
let internalRequests = 0;
let internalUrl: string;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

beforeAll(async () => {
  internal = createServer((_req, res) => {
    internalRequests++;
    res.writeHead(200, { 'content-type': 'text/turtle' }).end(TURTLE);
  });
  internalUrl = await listen(internal);
  source = createServer((req, res) => {
    const path = req.url ?? '';
    if (path === '/to-internal') res.writeHead(302, { location: `${internalUrl}/_cat/indices` }).end();
    else if (path === '/to-page') res.writeHead(301, { location: 'page.ttl' }).end();
    else if (path === '/page.ttl') res.writeHead(200, { 'content-type': 'text/turtle' }).end(TURTLE);
    else if (path.startsWith('/loop/')) res.writeHead(307, { location: `/loop/${Number(path.slice(6)) + 1}` }).end();
    else if (path === '/to-file') res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    else res.writeHead(404).end();
  });
  outside.origin = await listen(source);
});
afterAll(async () => {
  await Promise.all([source, internal].map((server) => new Promise<void>((resolve) => server?.close(() => resolve()))));
});

describe('redirects are followed hop by hop, each hop checked like the first', () => {
  it('a source redirecting to a private address is refused before that address is asked anything', async () => {
    const url = `${outside.origin}/to-internal`;
    await expect(fetchRdf(url, OPTIONS)).rejects.toMatchObject({
      code: 'PRIVATE_ADDRESS',
      url,
      message: `${url} redirected to ${internalUrl}/_cat/indices, which resolves to a loopback address; set HARVEST_ALLOW_PRIVATE_NETWORKS=true to allow harvesting from private networks`,
    });
    expect(internalRequests).toBe(0);
  });

  it('a redirect within the source is followed, and the document is read at the address it came from', async () => {
    const document = await fetchRdf(`${outside.origin}/to-page`, OPTIONS);
    expect(document).toMatchObject({ url: `${outside.origin}/page.ttl`, status: 200 });
    expect(document.quads).toHaveLength(1);
  });

  it('stops after a bounded number of redirects', async () => {
    const url = `${outside.origin}/loop/0`;
    await expect(fetchRdf(url, OPTIONS)).rejects.toMatchObject({ code: 'TOO_MANY_REDIRECTS', message: `${url} redirected more than 5 times; stopped following` });
  });

  it('follows only http(s) redirects', async () => {
    const url = `${outside.origin}/to-file`;
    await expect(fetchRdf(url, OPTIONS)).rejects.toMatchObject({ code: 'HTTP_ERROR', message: `${url} redirected to file:///etc/passwd, which is not an http(s) URL` });
  });

  it('with private networks allowed, the redirect to the internal address is followed', async () => {
    expect((await fetchRdf(`${outside.origin}/to-internal`, { ...OPTIONS, allowPrivateNetworks: true })).url).toBe(`${internalUrl}/_cat/indices`);
    expect(internalRequests).toBe(1);
  });
});
