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
  // The issuer sends the browser back to /manage; the page signed in from (an editor whose sign-in expired,
  // its edits kept) is opened again from there.
  sessionStorage.setItem(STATE_KEY, JSON.stringify({ verifier, state, returnTo: window.location.pathname }));
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

/**
 * Completes a sign-in when the issuer sent the browser back with a code; returns the manager page it started
 * from when it did, null when it did not.
 */
export async function completeOidcSignIn(settings: AuthSettings, params: URLSearchParams): Promise<string | null> {
  const code = params.get('code');
  const saved = sessionStorage.getItem(STATE_KEY);
  if (!code || !saved || !settings.issuer || !settings.clientId) return null;
  sessionStorage.removeItem(STATE_KEY);
  const { verifier, state, returnTo } = JSON.parse(saved) as { verifier: string; state: string; returnTo?: string };
  if (params.get('state') !== state) return null;
  const { token_endpoint } = await discover(settings.issuer);
  const response = await fetch(token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri(), client_id: settings.clientId, code_verifier: verifier }),
  });
  if (!response.ok) return null;
  const tokens = (await response.json()) as { access_token?: string };
  if (!tokens.access_token || !session.signIn(tokens.access_token)) return null;
  return returnTo?.startsWith('/manage/') ? returnTo : '/manage';
}
