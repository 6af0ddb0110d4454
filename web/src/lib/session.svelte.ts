import { forgetAllDrafts } from './kept-drafts';

/** Who is signed in: a bearer token kept for this browser tab only, and the gdcat claims it carries. */
export interface Claims {
  sub?: string;
  role?: string;
  orgs?: string[];
  exp?: number;
}

const KEY = 'gdcat.token';

function decodeClaims(token: string): Claims | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(json) as Claims;
  } catch {
    return null;
  }
}

class Session {
  token = $state<string | null>(sessionStorage.getItem(KEY));
  /** Set when the API refused the token, so the sign-in page can say why. */
  expired = $state(false);

  get claims(): Claims | null {
    return this.token ? decodeClaims(this.token) : null;
  }

  /** Keeps a token that looks like a JWT; the API verifies it on the first request. */
  signIn(token: string): boolean {
    const trimmed = token.trim().replace(/^Bearer\s+/i, '');
    if (!decodeClaims(trimmed)) return false;
    sessionStorage.setItem(KEY, trimmed);
    this.token = trimmed;
    this.expired = false;
    return true;
  }

  signOut(): void {
    this.#forgetToken();
    forgetAllDrafts();
  }

  /** The API refused the token: unsaved edits stay in the tab for when the same person signs in again. */
  expire(): void {
    this.#forgetToken();
    this.expired = true;
  }

  #forgetToken(): void {
    sessionStorage.removeItem(KEY);
    this.token = null;
  }
}

export const session = new Session();

/** How this deployment signs people in, written into the page by the server. */
export interface AuthSettings {
  mode: 'dev' | 'oidc';
  issuer?: string;
  clientId?: string;
  scope?: string;
}

export function authSettings(): AuthSettings {
  const element = document.getElementById('gdcat-config');
  if (!element?.textContent) return { mode: 'dev' };
  try {
    return (JSON.parse(element.textContent) as { auth: AuthSettings }).auth;
  } catch {
    return { mode: 'dev' };
  }
}
