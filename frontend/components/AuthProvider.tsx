"use client";

// Loads /config.json, holds the session, and hands out an API client whose 401s end the
// session by sending the user to sign in (with a `next` path back to where they were).

import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from "react";

import { ApiClient } from "@/lib/api";
import * as cognito from "@/lib/cognito";
import { siteConfig, type SiteConfig } from "@/lib/config";
import { readRefreshToken, writeRefreshToken } from "@/lib/storage";

// "expired": the session ended while in use (a 401 the refresh token could not cure); the
// page sends the user to sign in and back, with what they typed kept.
type Status = "loading" | "signedOut" | "expired" | "signedIn" | "misconfigured";

interface AuthContextValue {
  status: Status;
  config: SiteConfig | null;
  configError: string | null;
  /** Why a stored session could not be resumed at start (Cognito unreachable), if so. */
  resumeError: string | null;
  email: string;
  api: ApiClient | null;
  signIn(email: string, password: string): Promise<void>;
  signUp(email: string, password: string): Promise<{ confirmed: boolean }>;
  confirmSignUp(email: string, code: string): Promise<void>;
  signOut(): Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

// Refresh a little before expiry so a request never leaves with a token about to lapse.
const EXPIRY_MARGIN_MS = 60_000;

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status>("loading");
  const [config, setConfig] = useState<SiteConfig | null>(null);
  const [configError, setConfigError] = useState<string | null>(null);
  const [resumeError, setResumeError] = useState<string | null>(null);
  const [email, setEmail] = useState("");
  const tokens = useRef<cognito.Tokens | null>(null);
  const refreshing = useRef<Promise<string | null> | null>(null);

  const adopt = useCallback((next: cognito.Tokens) => {
    tokens.current = next;
    writeRefreshToken(next.refreshToken);
    setEmail(cognito.emailFromIdToken(next.idToken));
    setResumeError(null);
    setStatus("signedIn");
  }, []);

  const clear = useCallback((next: "signedOut" | "expired" = "signedOut") => {
    tokens.current = null;
    writeRefreshToken(null);
    setEmail("");
    setStatus(next);
  }, []);

  const renew = useCallback(
    (cfg: SiteConfig): Promise<string | null> => {
      // One refresh in flight at a time: parallel 401s share it.
      if (!refreshing.current) {
        const refreshToken = tokens.current?.refreshToken ?? readRefreshToken();
        refreshing.current = (async () => {
          if (!refreshToken) return null;
          try {
            const next = await cognito.refresh(
              cfg.cognitoEndpoint,
              cfg.userPoolClientId,
              refreshToken,
            );
            adopt(next);
            return next.idToken;
          } catch (error) {
            // Only a refusal ends the session; a network failure or an outage fails this
            // request with its reason and keeps the refresh token for the next one.
            if (cognito.isTransient(error)) throw error;
            return null;
          } finally {
            refreshing.current = null;
          }
        })();
      }
      return refreshing.current;
    },
    [adopt],
  );

  useEffect(() => {
    let cancelled = false;
    (async () => {
      let cfg: SiteConfig;
      try {
        cfg = await siteConfig();
      } catch (error) {
        if (!cancelled) {
          setConfigError(error instanceof Error ? error.message : String(error));
          setStatus("misconfigured");
        }
        return;
      }
      if (cancelled) return;
      setConfig(cfg);
      let token: string | null = null;
      try {
        token = readRefreshToken() ? await renew(cfg) : null;
      } catch (error) {
        // Cognito unreachable at start: signed out for now, the refresh token kept so a
        // reload resumes the session once it is back.
        if (!cancelled) {
          setResumeError(error instanceof Error ? error.message : String(error));
          setStatus("signedOut");
        }
        return;
      }
      if (!cancelled && !token) clear("signedOut");
    })();
    return () => {
      cancelled = true;
    };
  }, [renew, clear]);

  const idToken = useCallback(
    async (force: boolean): Promise<string | null> => {
      if (!config) return null;
      const current = tokens.current;
      if (!force && current && current.expiresAt - EXPIRY_MARGIN_MS > Date.now()) {
        return current.idToken;
      }
      return renew(config);
    },
    [config, renew],
  );

  const expired = useCallback(() => clear("expired"), [clear]);

  const api = useMemo(
    // The client calls these from requests (effects and handlers), never during render.
    // eslint-disable-next-line react-hooks/refs
    () => (config ? new ApiClient(config.apiUrl, { idToken, expired }) : null),
    [config, idToken, expired],
  );

  const value = useMemo<AuthContextValue>(
    () => ({
      status,
      config,
      configError,
      resumeError,
      email,
      api,
      // A form can be sent before /config.json has arrived: these wait for it.
      async signIn(userEmail, password) {
        const { cognitoEndpoint, userPoolClientId } = await siteConfig();
        adopt(await cognito.signIn(cognitoEndpoint, userPoolClientId, userEmail, password));
      },
      async signUp(userEmail, password) {
        const { cognitoEndpoint, userPoolClientId } = await siteConfig();
        return cognito.signUp(cognitoEndpoint, userPoolClientId, userEmail, password);
      },
      async confirmSignUp(userEmail, code) {
        const { cognitoEndpoint, userPoolClientId } = await siteConfig();
        await cognito.confirmSignUp(cognitoEndpoint, userPoolClientId, userEmail, code);
      },
      async signOut() {
        const accessToken = tokens.current?.accessToken;
        clear("signedOut");
        if (config && accessToken) {
          // Revoke the refresh token too; if that fails the local session is gone anyway.
          await cognito.globalSignOut(config.cognitoEndpoint, accessToken).catch(() => undefined);
        }
      },
    }),
    [status, config, configError, resumeError, email, api, adopt, clear],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}
