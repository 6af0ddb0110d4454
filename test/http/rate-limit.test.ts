import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOf, rateLimit } from '../../src/http/rate-limit.js';

describe('the rate limit counts a client, not an address', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // Behind a proxy the client address comes from X-Forwarded-For, as TRUST_PROXY makes it.
    const app = express().set('trust proxy', true).use(rateLimit(2)).get('/', (_req, res) => void res.send('ok'));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server?.close(() => resolve())));

  const statusFrom = async (address: string) => (await fetch(url, { headers: { 'x-forwarded-for': address } })).status;

  it('counts every address of an IPv6 /64 as one client, which could otherwise send each request from another', async () => {
    // The window is the calendar minute: start early enough in one that the requests share it.
    const second = new Date().getUTCSeconds();
    if (second > 50) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
    const statuses = [];
    for (const address of ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:fffe', '2001:0db8:0001:0002:0:0:0:3']) statuses.push(await statusFrom(address));
    expect(statuses).toEqual([200, 200, 429]);
    // The next /64 is another client; an IPv4 address counts alike however it is written.
    expect(await statusFrom('2001:db8:1:3::1')).toBe(200);
    expect([await statusFrom('192.0.2.7'), await statusFrom('::ffff:192.0.2.7'), await statusFrom('192.0.2.7')]).toEqual([200, 200, 429]);
  }, 30_000);

  it('names an IPv6 client by its /64, however the address is written', () => {
    const addresses = ['2001:DB8:0:0:1::', 'fe80::1%eth0', '::a:b:c:d:192.0.2.1', '::ffff:192.0.2.1', '192.0.2.1'];
    expect(addresses.map(clientOf)).toEqual(['2001:db8:0:0::/64', 'fe80:0:0:0::/64', '0:0:a:b::/64', '192.0.2.1', '192.0.2.1']);
  });
});
