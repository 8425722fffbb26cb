// Cognito's user-pool API over plain fetch (x-amz-json-1.1), instead of Amplify: four
// calls do not justify ~100 kB of JavaScript.

import { PASSWORD_RULES } from "./password";

export interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds at which the id token expires. */
  expiresAt: number;
}

export class CognitoError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const FRIENDLY: Record<string, string> = {
  NotAuthorizedException: "Incorrect email or password.",
  UserNotFoundException: "Incorrect email or password.",
  UsernameExistsException: "An account with this email already exists. Sign in instead.",
  UserNotConfirmedException: "This account is not confirmed yet. Enter the code we emailed you.",
  CodeMismatchException: "That code is not right. Check the email and try again.",
  ExpiredCodeException: "That code has expired. Sign up again to get a new one.",
  InvalidPasswordException: `The password does not meet the rules. ${PASSWORD_RULES}`,
  TooManyRequestsException: "Too many attempts. Wait a minute and try again.",
  LimitExceededException: "Too many attempts. Wait a minute and try again.",
};

async function call<T>(endpoint: string, action: string, body: object): Promise<T> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": `AWSCognitoIdentityProviderService.${action}`,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new CognitoError(
      "NetworkError",
      "Cannot reach the sign-in service. Check your connection.",
    );
  }
  const data = await jsonBody(response);
  if (data === null) {
    // e.g. a proxy's HTML error page in front of Cognito
    throw new CognitoError(
      "UnexpectedResponse",
      `The sign-in service answered unexpectedly (HTTP ${response.status}). Try again shortly.`,
    );
  }
  if (!response.ok) {
    const rawType = String(data.__type ?? data.code ?? "UnknownError");
    const code = rawType.includes("#") ? rawType.split("#").pop()! : rawType;
    const message = FRIENDLY[code] ?? String(data.message ?? data.Message ?? "Sign-in failed.");
    throw new CognitoError(code, message);
  }
  return data as T;
}

async function jsonBody(response: Response): Promise<Record<string, unknown> | null> {
  const text = await response.text().catch(() => null);
  if (text === null) return null;
  if (text === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    const isObject = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
    return isObject ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

// Failures that say nothing about the session: the refresh token may still be good.
const TRANSIENT = new Set([
  "NetworkError",
  "UnexpectedResponse",
  "InternalErrorException",
  "TooManyRequestsException",
  "LimitExceededException",
]);

/** Whether a failed call may succeed if retried later (as opposed to a refusal). */
export function isTransient(error: unknown): boolean {
  return error instanceof CognitoError && TRANSIENT.has(error.code);
}

interface AuthenticationResult {
  IdToken: string;
  AccessToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
}

function toTokens(result: AuthenticationResult, refreshToken: string): Tokens {
  return {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    refreshToken: result.RefreshToken ?? refreshToken,
    expiresAt: Date.now() + result.ExpiresIn * 1000,
  };
}

export async function signIn(
  endpoint: string,
  clientId: string,
  email: string,
  password: string,
): Promise<Tokens> {
  const data = await call<{ AuthenticationResult?: AuthenticationResult; ChallengeName?: string }>(
    endpoint,
    "InitiateAuth",
    {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: clientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    },
  );
  if (!data.AuthenticationResult) {
    throw new CognitoError(
      data.ChallengeName ?? "ChallengeRequired",
      "This account needs a step the site does not support yet. Contact your administrator.",
    );
  }
  return toTokens(data.AuthenticationResult, "");
}

export async function refresh(
  endpoint: string,
  clientId: string,
  refreshToken: string,
): Promise<Tokens> {
  const data = await call<{ AuthenticationResult?: AuthenticationResult }>(
    endpoint,
    "InitiateAuth",
    {
      AuthFlow: "REFRESH_TOKEN_AUTH",
      ClientId: clientId,
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    },
  );
  if (!data.AuthenticationResult) {
    throw new CognitoError(
      "UnexpectedResponse",
      "The sign-in service answered unexpectedly (no tokens). Try again shortly.",
    );
  }
  return toTokens(data.AuthenticationResult, refreshToken);
}

export async function signUp(
  endpoint: string,
  clientId: string,
  email: string,
  password: string,
): Promise<{ confirmed: boolean }> {
  const data = await call<{ UserConfirmed?: boolean }>(endpoint, "SignUp", {
    ClientId: clientId,
    Username: email,
    Password: password,
    UserAttributes: [{ Name: "email", Value: email }],
  });
  return { confirmed: data.UserConfirmed === true };
}

export async function confirmSignUp(
  endpoint: string,
  clientId: string,
  email: string,
  code: string,
): Promise<void> {
  await call(endpoint, "ConfirmSignUp", {
    ClientId: clientId,
    Username: email,
    ConfirmationCode: code,
  });
}

export async function globalSignOut(endpoint: string, accessToken: string): Promise<void> {
  await call(endpoint, "GlobalSignOut", { AccessToken: accessToken });
}

/** The `email` claim of an id token (display only; the API verifies the token). */
export function emailFromIdToken(idToken: string): string {
  try {
    const payload = idToken.split(".")[1] ?? "";
    const binary = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    // atob gives one character per byte; the claims are UTF-8 (e.g. an address with ë).
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json) as Record<string, unknown>;
    return typeof claims.email === "string" ? claims.email : "";
  } catch {
    return "";
  }
}
