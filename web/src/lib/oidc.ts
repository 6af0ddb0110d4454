import type { AuthSettings } from './session.svelte';
import { session } from './session.svelte';

/**
 * OpenID Connect sign-in for public clients: authorization code flow with PKCE. The issuer's token is the
 * bearer token the API verifies (OIDC_ISSUER / OIDC_AUDIENCE on the server).
 */
const STATE_KEY = 'gdcat.oidc';

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`the sign-in service answered ${response.status}`);
  return (await response.json()) as Discovery;
}

function randomText(bytes: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function redirectUri(): string {
  return `${window.location.origin}/manage`;
}

export async function beginOidcSignIn(settings: AuthSettings): Promise<void> {
  if (!settings.issuer || !settings.clientId) throw new Error('OIDC sign-in needs OIDC_ISSUER and OIDC_CLIENT_ID');
  const { authorization_endpoint } = await discover(settings.issuer);
  const verifier = randomText(32);
  const state = randomText(16);
  const challenge = base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(STATE_KEY, JSON.stringify({ verifier, state }));
  const url = new URL(authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: redirectUri(),
    scope: settings.scope ?? 'openid',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.href);
}

/** Completes a sign-in when the issuer sent the browser back with a code; returns whether it did. */
export async function completeOidcSignIn(settings: AuthSettings, params: URLSearchParams): Promise<boolean> {
  const code = params.get('code');
  const saved = sessionStorage.getItem(STATE_KEY);
  if (!code || !saved || !settings.issuer || !settings.clientId) return false;
  sessionStorage.removeItem(STATE_KEY);
  const { verifier, state } = JSON.parse(saved) as { verifier: string; state: string };
  if (params.get('state') !== state) return false;
  const { token_endpoint } = await discover(settings.issuer);
  const response = await fetch(token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri(), client_id: settings.clientId, code_verifier: verifier }),
  });
  if (!response.ok) return false;
  const tokens = (await response.json()) as { access_token?: string };
  return tokens.access_token ? session.signIn(tokens.access_token) : false;
}
