import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authConfigFromEnv } from '../../src/auth/auth-config.js';
import { createTokenVerifier, InvalidTokenError, mintDevToken } from '../../src/auth/tokens.js';

describe('bearer tokens', () => {
  describe('OIDC mode: issuer + JWKS', () => {
    let server: Server;
    let issuer: string;
    let sign: (claims: Record<string, unknown>, options?: { issuer?: string; expiresIn?: string | null; issuedAt?: number }) => Promise<string>;
    beforeAll(async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
      server = createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      sign = (claims, options = {}) => {
        const token = new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer(options.issuer ?? issuer)
          .setAudience('gdcat')
          .setSubject('alice');
        if (options.issuedAt !== undefined) token.setIssuedAt(options.issuedAt);
        if (options.expiresIn !== null) token.setExpirationTime(options.expiresIn ?? '5m');
        return token.sign(privateKey);
      };
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('accepts the issuer’s token and reads role and organisations', async () => {
      const config = authConfigFromEnv({ OIDC_ISSUER: issuer, OIDC_AUDIENCE: 'gdcat' }, '/unused');
      expect(config.mode).toBe('oidc');
      expect(config.jwksUrl).toBe(`${issuer}/.well-known/jwks.json`);
      const verify = await createTokenVerifier(config);
      expect(await verify(await sign({ role: 'data_manager', orgs: ['urn:org:a'] }))).toEqual({
        subject: 'alice',
        role: 'data_manager',
        organisationIdentifiers: ['urn:org:a'],
      });
    });

    it('refuses tokens without exp, valid for longer than the configured lifetime, or issued in the future', async () => {
      const config = { ...authConfigFromEnv({ OIDC_ISSUER: issuer, OIDC_AUDIENCE: 'gdcat' }, '/unused'), maxLifetimeSeconds: 3600 };
      const verify = await createTokenVerifier(config);
      const now = Math.floor(Date.now() / 1000);
      expect((await verify(await sign({ role: 'admin' }, { expiresIn: '59m', issuedAt: now }))).role).toBe('admin');
      await expect(verify(await sign({ role: 'admin' }, { expiresIn: null, issuedAt: now }))).rejects.toThrow(/exp/);
      await expect(verify(await sign({ role: 'admin' }, { expiresIn: '100y', issuedAt: now }))).rejects.toThrow(/longer than the 3600 seconds/);
      await expect(verify(await sign({ role: 'admin' }, { expiresIn: '2h' }))).rejects.toThrow(/longer than the 3600 seconds/);
      await expect(verify(await sign({ role: 'admin' }, { expiresIn: '30m', issuedAt: now + 600 }))).rejects.toThrow(/in the future/);
      // Within the clock skew allowed between the issuer and this server.
      expect((await verify(await sign({ role: 'admin' }, { expiresIn: '30m', issuedAt: now + 30 }))).role).toBe('admin');
    });

    it("needs the audience of this catalogue's tokens, and refuses a token the issuer gave another application", async () => {
      expect(() => authConfigFromEnv({ OIDC_ISSUER: issuer }, '/unused')).toThrow(/^AUTH_MODE=oidc needs OIDC_AUDIENCE: /);
      const verify = await createTokenVerifier(authConfigFromEnv({ OIDC_ISSUER: issuer, OIDC_AUDIENCE: 'another-app' }, '/unused'));
      await expect(verify(await sign({ role: 'admin' }))).rejects.toThrow(/"aud" claim/);
    });

    it('rejects another issuer, an expired token, a missing role and a data manager without organisations', async () => {
      const verify = await createTokenVerifier(authConfigFromEnv({ OIDC_ISSUER: issuer, OIDC_AUDIENCE: 'gdcat' }, '/unused'));
      await expect(verify(await sign({ role: 'admin' }, { issuer: 'https://elsewhere' }))).rejects.toThrow(InvalidTokenError);
      await expect(verify(await sign({ role: 'admin' }, { expiresIn: '-1m' }))).rejects.toThrow(/exp/);
      await expect(verify(await sign({}))).rejects.toThrow(/no gdcat role/);
      await expect(verify(await sign({ role: 'data_manager', orgs: [] }))).rejects.toThrow(/at least one organisation/);
    });
  });

  describe('dev mode', () => {
    it('mints development tokens only within the configured lifetime', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'gdcat-dev-key-'));
      const config = { ...authConfigFromEnv({}, path.join(dir, 'key.json')), maxLifetimeSeconds: 3600 };
      await expect(mintDevToken(config, { role: 'admin', orgs: [], expiresIn: '100y' })).rejects.toThrow(/between 1 second and 3600 seconds/);
      const token = await mintDevToken(config, { role: 'admin', orgs: [], expiresIn: '1h' });
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
      expect(claims.exp - claims.iat).toBe(3600);
    });
    it('is the default without an issuer, and its tokens verify only with the same local key', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'gdcat-dev-key-'));
      const config = authConfigFromEnv({}, path.join(dir, 'key.json'));
      expect(config.mode).toBe('dev');
      const token = await mintDevToken(config, { role: 'admin', orgs: [] });
      expect((await (await createTokenVerifier(config))(token)).role).toBe('admin');
      const other = authConfigFromEnv({}, path.join(dir, 'other-key.json'));
      await expect((await createTokenVerifier(other))(token)).rejects.toThrow(InvalidTokenError);
    });

    it('refuses to mint tokens in OIDC mode', async () => {
      await expect(mintDevToken(authConfigFromEnv({ OIDC_ISSUER: 'https://idp.example', OIDC_AUDIENCE: 'gdcat' }, '/unused'), { role: 'admin', orgs: [] })).rejects.toThrow(/AUTH_MODE=dev/);
    });
  });
});
