import { createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_TOKEN_MAX_LIFETIME_SECONDS, TOKEN_CLOCK_SKEW_SECONDS } from '../config.js';
import type { AuthConfig } from './auth-config.js';
import type { Role, Viewer } from '../records/viewer.js';

const DEV_ISSUER = 'urn:gdcat:dev';
const DEV_AUDIENCE = 'gdcat';
const ALGORITHM = 'ES256';

/** Token claims gdcat reads: `role` (data_manager | admin) and `orgs` (organisation identifiers). */
export interface GdcatClaims extends JWTPayload {
  role?: string;
  orgs?: string[];
}

export class InvalidTokenError extends Error {}

interface DevKeyPair {
  privateJwk: JWK;
  publicJwk: JWK;
}

/** The local development key pair, created on first use and kept in the state directory. */
async function devKeyPair(file: string): Promise<DevKeyPair> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as DevKeyPair;
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const pair = { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(pair), { mode: 0o600 });
  return pair;
}

export async function mintDevToken(
  config: AuthConfig,
  claims: { role: Exclude<Role, 'anonymous'>; orgs: string[]; subject?: string; expiresIn?: string },
): Promise<string> {
  if (config.mode !== 'dev') throw new Error('gdcat token only works with AUTH_MODE=dev');
  const { privateJwk } = await devKeyPair(config.devKeyFile);
  const key = await importJWK(privateJwk, ALGORITHM);
  const issuedAt = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ role: claims.role, orgs: claims.orgs })
    .setProtectedHeader({ alg: ALGORITHM })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setSubject(claims.subject ?? `dev-${claims.role}`)
    .setIssuedAt(issuedAt)
    .setExpirationTime(claims.expiresIn ?? DEV_TOKEN_LIFETIME)
    .sign(key);
  // Handed out only when the server would accept it: a token it refuses is no use to anyone.
  const lifetime = decodeJwt(token).exp! - issuedAt;
  const max = maxLifetimeOf(config);
  if (lifetime <= 0 || lifetime > max) throw new Error(`the token's lifetime must be between 1 second and ${max} seconds (TOKEN_MAX_LIFETIME_SECONDS)`);
  return token;
}

/** Lifetime of a development token unless --expires-in says otherwise. */
const DEV_TOKEN_LIFETIME = '12h';

function maxLifetimeOf(config: AuthConfig): number {
  return config.maxLifetimeSeconds ?? DEFAULT_TOKEN_MAX_LIFETIME_SECONDS;
}

/**
 * A token must say when it expires, within the configured lifetime, and must not claim to be issued in the
 * future: a stolen token without exp, or one valid for a century, would otherwise work for good.
 */
function checkLifetime(payload: JWTPayload, maxLifetime: number): void {
  const now = Math.floor(Date.now() / 1000);
  const { exp, iat } = payload;
  if (typeof exp !== 'number') throw new InvalidTokenError('invalid bearer token: it has no expiry (exp)');
  if (iat !== undefined && (typeof iat !== 'number' || iat > now + TOKEN_CLOCK_SKEW_SECONDS)) {
    throw new InvalidTokenError('invalid bearer token: its issue time (iat) is in the future');
  }
  const lifetime = exp - Math.min(typeof iat === 'number' ? iat : now, now);
  if (lifetime > maxLifetime + TOKEN_CLOCK_SKEW_SECONDS) {
    throw new InvalidTokenError(`invalid bearer token: it is valid for longer than the ${maxLifetime} seconds this catalogue accepts`);
  }
}

export type TokenVerifier = (token: string) => Promise<Viewer>;

export async function createTokenVerifier(config: AuthConfig): Promise<TokenVerifier> {
  const claimRules = { requiredClaims: ['exp'], clockTolerance: TOKEN_CLOCK_SKEW_SECONDS };
  const verify =
    config.mode === 'dev'
      ? await (async () => {
          const key = await importJWK((await devKeyPair(config.devKeyFile)).publicJwk, ALGORITHM);
          return (token: string) => jwtVerify<GdcatClaims>(token, key, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, ...claimRules });
        })()
      : (() => {
          const jwks = createRemoteJWKSet(new URL(config.jwksUrl!));
          return (token: string) => jwtVerify<GdcatClaims>(token, jwks, { issuer: config.issuer, audience: config.audience, ...claimRules });
        })();

  const verified = new VerifiedTokens();
  return async (token) => {
    const known = verified.get(token);
    if (known) return known;
    let payload: GdcatClaims;
    try {
      ({ payload } = await verify(token));
    } catch (error) {
      throw new InvalidTokenError(`invalid bearer token: ${(error as Error).message}`);
    }
    checkLifetime(payload, maxLifetimeOf(config));
    const role = payload.role;
    if (role !== 'data_manager' && role !== 'admin') {
      throw new InvalidTokenError('bearer token has no gdcat role (expected role data_manager or admin)');
    }
    const orgs = Array.isArray(payload.orgs) ? payload.orgs.filter((o): o is string => typeof o === 'string') : [];
    if (role === 'data_manager' && orgs.length === 0) {
      throw new InvalidTokenError('a data_manager token must name at least one organisation in orgs');
    }
    const viewer: Viewer = { subject: payload.sub ?? 'unknown', role, organisationIdentifiers: orgs };
    verified.add(token, viewer, payload.exp! * 1000);
    return viewer;
  };
}

/**
 * Tokens whose signature and claims were checked lately: a client sends the same token with every request,
 * and the ES256 check is a large part of a small write's cost. A token is trusted again only until it expires
 * and for at most a minute, so a key taken out of the issuer's key set stops working as soon as before, give
 * or take that minute.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { viewer: Viewer; until: number }>();

  get(token: string): Viewer | null {
    const entry = this.entries.get(token);
    if (!entry) return null;
    if (entry.until > Date.now()) return entry.viewer;
    this.entries.delete(token);
    return null;
  }

  add(token: string, viewer: Viewer, expiresAt: number): void {
    // Oldest first out: a map keeps insertion order.
    if (this.entries.size >= VERIFIED_TOKENS_KEPT) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { viewer, until: Math.min(expiresAt, Date.now() + VERIFIED_TOKEN_TRUST_MS) });
  }
}

const VERIFIED_TOKENS_KEPT = 1_000;
const VERIFIED_TOKEN_TRUST_MS = 60_000;
