export type AuthMode = 'dev' | 'oidc';

export interface AuthConfig {
  mode: AuthMode;
  issuer?: string;
  jwksUrl?: string;
  audience?: string;
  /** Public client id and scope the web catalogue signs people in with (authorization code flow, PKCE). */
  clientId?: string;
  scope?: string;
  /** Where the local development signing key is kept (dev mode only). */
  devKeyFile: string;
  /** Longest lifetime (exp - iat, and exp - now) a token may have; default DEFAULT_TOKEN_MAX_LIFETIME_SECONDS. */
  maxLifetimeSeconds?: number;
}

/** AUTH_MODE=dev is the default only when no OIDC issuer is configured. */
export function authConfigFromEnv(env: NodeJS.ProcessEnv, devKeyFile: string): AuthConfig {
  const issuer = env.OIDC_ISSUER || undefined;
  const mode = (env.AUTH_MODE as AuthMode | undefined) ?? (issuer ? 'oidc' : 'dev');
  if (mode !== 'dev' && mode !== 'oidc') throw new Error(`AUTH_MODE must be dev or oidc, not ${mode}`);
  if (mode === 'oidc' && !issuer) throw new Error('AUTH_MODE=oidc needs OIDC_ISSUER (and OIDC_JWKS_URL)');
  // An issuer signs tokens for every application it serves: without an audience, one given to another of them
  // (carrying the same role claims) would be accepted here.
  if (mode === 'oidc' && !env.OIDC_AUDIENCE) {
    throw new Error("AUTH_MODE=oidc needs OIDC_AUDIENCE: the audience (aud) the issuer's tokens for this catalogue carry, so tokens it gave other applications are refused");
  }
  return {
    mode,
    issuer,
    jwksUrl: env.OIDC_JWKS_URL || (issuer ? `${issuer.replace(/\/$/, '')}/.well-known/jwks.json` : undefined),
    audience: env.OIDC_AUDIENCE || undefined,
    clientId: env.OIDC_CLIENT_ID || undefined,
    scope: env.OIDC_SCOPE || undefined,
    devKeyFile,
  };
}
