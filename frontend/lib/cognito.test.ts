import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { replies, type FetchStub } from "../test-support/fetch";
import {
  CognitoError,
  confirmSignUp,
  emailFromIdToken,
  globalSignOut,
  isTransient,
  refresh,
  signIn,
  signUp,
} from "./cognito";

const ENDPOINT = "https://cognito-idp.test/";
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

const json = (status: number, body: unknown) => () =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/x-amz-json-1.1" },
  });

function sent(fetch: FetchStub, call = 0) {
  const [url, init] = fetch.mock.calls[call]!;
  return {
    url,
    method: init.method,
    headers: init.headers as Record<string, string>,
    body: JSON.parse(init.body as string) as unknown,
  };
}

const AUTH = {
  AuthenticationResult: {
    IdToken: "id-1",
    AccessToken: "access-1",
    RefreshToken: "refresh-1",
    ExpiresIn: 3600,
  },
};

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ["Date"] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("the request", () => {
  it("is a POST of x-amz-json-1.1 naming the action in X-Amz-Target", async () => {
    const fetch = replies(json(200, AUTH));
    await signIn(ENDPOINT, "client-1", "ann@example.com", "Secret-1");

    expect(fetch).toHaveBeenCalledTimes(1);
    expect(sent(fetch)).toEqual({
      url: ENDPOINT,
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
      },
      body: {
        AuthFlow: "USER_PASSWORD_AUTH",
        ClientId: "client-1",
        AuthParameters: { USERNAME: "ann@example.com", PASSWORD: "Secret-1" },
      },
    });
  });
});

describe("signIn", () => {
  it("returns the tokens with the id token's expiry as epoch milliseconds", async () => {
    replies(json(200, AUTH));
    await expect(signIn(ENDPOINT, "client-1", "ann@example.com", "pw")).resolves.toEqual({
      idToken: "id-1",
      accessToken: "access-1",
      refreshToken: "refresh-1",
      expiresAt: NOW + 3_600_000,
    });
  });

  it("refuses a challenge the site cannot answer, naming it", async () => {
    replies(json(200, { ChallengeName: "NEW_PASSWORD_REQUIRED", Session: "s" }));
    const error = await signIn(ENDPOINT, "c", "ann@example.com", "pw").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CognitoError);
    expect(error).toMatchObject({
      code: "NEW_PASSWORD_REQUIRED",
      message: expect.stringContaining("does not support"),
    });
  });
});

describe("refresh", () => {
  it("sends REFRESH_TOKEN_AUTH and keeps the refresh token Cognito does not return", async () => {
    const { AccessToken, IdToken, ExpiresIn } = AUTH.AuthenticationResult;
    const fetch = replies(json(200, { AuthenticationResult: { AccessToken, IdToken, ExpiresIn } }));

    const tokens = await refresh(ENDPOINT, "client-1", "refresh-0");

    expect(sent(fetch).body).toEqual({
      AuthFlow: "REFRESH_TOKEN_AUTH",
      ClientId: "client-1",
      AuthParameters: { REFRESH_TOKEN: "refresh-0" },
    });
    expect(sent(fetch).headers["X-Amz-Target"]).toBe(
      "AWSCognitoIdentityProviderService.InitiateAuth",
    );
    expect(tokens).toEqual({
      idToken: "id-1",
      accessToken: "access-1",
      refreshToken: "refresh-0",
      expiresAt: NOW + 3_600_000,
    });
  });

  it("takes a rotated refresh token when Cognito sends one", async () => {
    replies(json(200, AUTH));
    expect((await refresh(ENDPOINT, "c", "refresh-0")).refreshToken).toBe("refresh-1");
  });
});

describe("signUp, confirmSignUp, globalSignOut", () => {
  it("signUp sends the e-mail as username and attribute, and reports confirmation", async () => {
    const fetch = replies(json(200, { UserConfirmed: true }), json(200, { UserSub: "sub" }));

    await expect(signUp(ENDPOINT, "client-1", "ann@example.com", "pw")).resolves.toEqual({
      confirmed: true,
    });
    await expect(signUp(ENDPOINT, "client-1", "bob@example.com", "pw")).resolves.toEqual({
      confirmed: false,
    });
    expect(sent(fetch).headers["X-Amz-Target"]).toBe("AWSCognitoIdentityProviderService.SignUp");
    expect(sent(fetch).body).toEqual({
      ClientId: "client-1",
      Username: "ann@example.com",
      Password: "pw",
      UserAttributes: [{ Name: "email", Value: "ann@example.com" }],
    });
  });

  it("confirmSignUp sends the code", async () => {
    const fetch = replies(() => new Response("", { status: 200 }));
    await confirmSignUp(ENDPOINT, "client-1", "ann@example.com", "123456");
    expect(sent(fetch).headers["X-Amz-Target"]).toBe(
      "AWSCognitoIdentityProviderService.ConfirmSignUp",
    );
    expect(sent(fetch).body).toEqual({
      ClientId: "client-1",
      Username: "ann@example.com",
      ConfirmationCode: "123456",
    });
  });

  it("globalSignOut sends the access token", async () => {
    const fetch = replies(json(200, {}));
    await globalSignOut(ENDPOINT, "access-1");
    expect(sent(fetch).headers["X-Amz-Target"]).toBe(
      "AWSCognitoIdentityProviderService.GlobalSignOut",
    );
    expect(sent(fetch).body).toEqual({ AccessToken: "access-1" });
  });
});

describe("errors", () => {
  async function failure(answer: () => Response): Promise<CognitoError> {
    replies(answer);
    const error = await signIn(ENDPOINT, "c", "ann@example.com", "pw").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CognitoError);
    return error as CognitoError;
  }

  it.each([
    ["NotAuthorizedException", "Incorrect email or password."],
    ["UserNotFoundException", "Incorrect email or password."],
    ["UsernameExistsException", "An account with this email already exists. Sign in instead."],
    ["CodeMismatchException", "That code is not right. Check the email and try again."],
    ["TooManyRequestsException", "Too many attempts. Wait a minute and try again."],
  ])("maps __type %s to a sentence a user can act on", async (type, message) => {
    const error = await failure(json(400, { __type: type, message: "raw Cognito text" }));
    expect(error.code).toBe(type);
    expect(error.message).toBe(message);
  });

  it("drops the namespace before '#' in __type", async () => {
    const error = await failure(
      json(400, { __type: "com.amazonaws.cognito#UserNotConfirmedException", message: "raw" }),
    );
    expect(error.code).toBe("UserNotConfirmedException");
    expect(error.message).toBe("This account is not confirmed yet. Enter the code we emailed you.");
  });

  it("passes an unknown error's own message through (message or Message)", async () => {
    expect(
      await failure(json(400, { __type: "InvalidParameterException", message: "Bad email." })),
    ).toMatchObject({ code: "InvalidParameterException", message: "Bad email." });
    expect(
      await failure(json(400, { code: "SomethingElse", Message: "Capitalised." })),
    ).toMatchObject({ code: "SomethingElse", message: "Capitalised." });
  });

  it("falls back to UnknownError and a generic message for an empty error reply", async () => {
    const error = await failure(() => new Response("", { status: 500 }));
    expect(error).toMatchObject({ code: "UnknownError", message: "Sign-in failed." });
  });

  it("reports a network failure as such", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("Failed to fetch");
      }),
    );
    await expect(signIn(ENDPOINT, "c", "ann@example.com", "pw")).rejects.toMatchObject({
      code: "NetworkError",
      message: "Cannot reach the sign-in service. Check your connection.",
    });
  });
});

describe("replies that are not Cognito's", () => {
  const failure = async (answer: () => Response) => {
    replies(answer);
    return refresh(ENDPOINT, "c", "r").then(
      () => expect.unreachable("the call should fail"),
      (error: unknown) => error as CognitoError,
    );
  };

  it.each([
    ["an HTML error page", () => new Response("<html>Bad Gateway</html>", { status: 502 })],
    ["a JSON value that is not an object", () => new Response("[1]", { status: 200 })],
    [
      "truncated JSON on success",
      () => new Response('{"AuthenticationResult": {', { status: 200 }),
    ],
  ])("are an UnexpectedResponse naming the status, not a parser error: %s", async (_, answer) => {
    const error = await failure(answer);
    expect(error).toBeInstanceOf(CognitoError);
    expect(error.code).toBe("UnexpectedResponse");
    expect(error.message).toMatch(/^The sign-in service answered unexpectedly \(HTTP \d+\)/);
  });
});

describe("a refresh answered without tokens", () => {
  it("is an UnexpectedResponse, not a crash reading them", async () => {
    replies(json(200, {}));
    await expect(refresh(ENDPOINT, "c", "r")).rejects.toMatchObject({
      code: "UnexpectedResponse",
      message: "The sign-in service answered unexpectedly (no tokens). Try again shortly.",
    });
  });
});

describe("isTransient", () => {
  it.each([
    ["NetworkError", true],
    ["UnexpectedResponse", true],
    ["InternalErrorException", true],
    ["TooManyRequestsException", true],
    ["LimitExceededException", true],
    ["NotAuthorizedException", false],
    ["UserNotFoundException", false],
    ["UnknownError", false],
  ])("%s → %s", (code, expected) => {
    expect(isTransient(new CognitoError(code, "m"))).toBe(expected);
  });

  it("is false for anything that is not a CognitoError", () => {
    expect(isTransient(new TypeError("Failed to fetch"))).toBe(false);
    expect(isTransient("NetworkError")).toBe(false);
  });
});

describe("emailFromIdToken", () => {
  const base64url = (text: string) =>
    Buffer.from(text, "utf8").toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
  const token = (claims: object) =>
    `${base64url('{"alg":"RS256"}')}.${base64url(JSON.stringify(claims)).replace(/=+$/, "")}.sig`;

  it("reads the email claim of the payload", () => {
    expect(emailFromIdToken(token({ sub: "1", email: "ann@example.com" }))).toBe("ann@example.com");
  });

  it("decodes the claims as UTF-8", () => {
    expect(emailFromIdToken(token({ email: "zoë.søren@exämple.com" }))).toBe(
      "zoë.søren@exämple.com",
    );
  });

  it("decodes base64url (- and _), without padding", () => {
    // "??>" and "~~~" encode to base64 with '/' and '+', i.e. '_' and '-' in base64url.
    const claims = { email: "x@example.com", note: "??>~~~" };
    const encoded = token(claims);
    expect(encoded.split(".")[1]).toMatch(/[-_]/);
    expect(encoded.split(".")[1]).not.toContain("=");
    expect(emailFromIdToken(encoded)).toBe("x@example.com");
  });

  it.each([
    ["no email claim", token({ sub: "1" })],
    ["an email that is not a string", token({ email: ["ann@example.com"] })],
    ["no payload", "header-only"],
    ["a payload that is not base64", "a.!!!.c"],
    ["a payload that is not JSON", `a.${base64url("not json")}.c`],
    ["an empty string", ""],
  ])("returns an empty string for %s", (_case, idToken) => {
    expect(emailFromIdToken(idToken)).toBe("");
  });
});
