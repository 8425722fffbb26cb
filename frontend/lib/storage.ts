// What the site keeps in the browser, in one place.
//
// Tokens: the id and access tokens live in memory only; the refresh token is kept in
// localStorage so a reload or a new tab stays signed in. The trade-off: script running on
// this origin could read the refresh token. The CSP allows scripts from this origin only,
// the bundle has no third-party code, and signing out revokes the token (GlobalSignOut).
// An httpOnly cookie would need a server, which a static site on CloudFront does not have.
//
// Drafts (the question being typed) live in sessionStorage, so a session that expires
// mid-sentence sends the user to sign in and back without losing the text.

const REFRESH_TOKEN_KEY = "docagent.refreshToken";
const DRAFT_PREFIX = "docagent.draft.";

function safe<T>(action: () => T, fallback: T): T {
  try {
    return action();
  } catch {
    return fallback; // storage disabled (private mode, quota): degrade, do not crash
  }
}

export function readRefreshToken(): string | null {
  return safe(() => window.localStorage.getItem(REFRESH_TOKEN_KEY), null);
}

export function writeRefreshToken(token: string | null): void {
  safe(() => {
    if (token) window.localStorage.setItem(REFRESH_TOKEN_KEY, token);
    else window.localStorage.removeItem(REFRESH_TOKEN_KEY);
  }, undefined);
}

export function readDraft(name: string): string {
  return safe(() => window.sessionStorage.getItem(DRAFT_PREFIX + name) ?? "", "");
}

export function writeDraft(name: string, text: string): void {
  safe(() => {
    if (text) window.sessionStorage.setItem(DRAFT_PREFIX + name, text);
    else window.sessionStorage.removeItem(DRAFT_PREFIX + name);
  }, undefined);
}

/** A same-site path to return to after sign-in; anything else (another origin) is refused. */
export function safeNextPath(raw: string | null | undefined): string {
  const fallback = "/documents/";
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.includes("\\")) {
    return fallback;
  }
  // URL parsing drops tabs and newlines, so "/\t/evil.example" is "//evil.example": ask the
  // parser itself whether the path stays on this origin.
  const here = "https://site.invalid";
  try {
    return new URL(raw, here).origin === here ? raw : fallback;
  } catch {
    return fallback; // e.g. "/\t/a b": a host that does not parse
  }
}
