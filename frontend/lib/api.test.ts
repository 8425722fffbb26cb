import { describe, expect, it, vi } from "vitest";

import { replies, type FetchStub } from "../test-support/fetch";
import { ApiClient, ApiError, SessionExpiredError, parseRetryAfter, type TokenSource } from "./api";

const BASE = "https://api.test/api";

/** A token source that hands out `tokens` in turn (null: the session cannot be renewed). */
function tokenSource(...tokens: Array<string | null>) {
  const idToken = vi.fn<(force: boolean) => Promise<string | null>>(async () => {
    if (tokens.length === 0) throw new Error("no token left");
    return tokens.shift()!;
  });
  const expired = vi.fn();
  const source: TokenSource = { idToken, expired };
  return { source, idToken, expired };
}

const ok = (body: unknown) => () => Response.json(body);
const status = (code: number, body?: unknown, headers?: Record<string, string>) => () =>
  body === undefined
    ? new Response(null, { status: code, headers })
    : Response.json(body, { status: code, headers });

function call(fetch: FetchStub, index: number) {
  const [url, init] = fetch.mock.calls[index]!;
  return { url, ...init };
}

describe("parseRetryAfter", () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it.each([
    [null, null],
    ["", null],
    ["120", 120],
    ["1.6", 2],
    ["-5", 0],
    ["soon", null],
  ])("reads %j as %j seconds", (header, seconds) => {
    expect(parseRetryAfter(header, now)).toBe(seconds);
  });

  it("reads an HTTP date as the seconds until then, never negative", () => {
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90);
    expect(parseRetryAfter(new Date(now - 90_000).toUTCString(), now)).toBe(0);
  });
});

describe("ApiClient.request", () => {
  it("sends the id token as Authorization, and JSON only when there is a body", async () => {
    const { source, idToken } = tokenSource("token-1", "token-1");
    const fetch = replies(ok({ items: [] }), ok({ conversationId: "c1" }));
    const client = new ApiClient(BASE, source);

    await expect(client.request("GET", "/documents")).resolves.toEqual({ items: [] });
    await expect(client.request("POST", "/conversations", { title: "T" })).resolves.toEqual({
      conversationId: "c1",
    });

    expect(idToken).toHaveBeenNthCalledWith(1, false);
    expect(call(fetch, 0)).toEqual({
      url: `${BASE}/documents`,
      method: "GET",
      headers: { Authorization: "token-1" },
      body: undefined,
    });
    expect(call(fetch, 1)).toEqual({
      url: `${BASE}/conversations`,
      method: "POST",
      headers: { Authorization: "token-1", "Content-Type": "application/json" },
      body: '{"title":"T"}',
    });
  });

  it("returns undefined for 204 No Content", async () => {
    replies(status(204));
    const client = new ApiClient(BASE, tokenSource("t").source);
    await expect(client.request("DELETE", "/documents/d1")).resolves.toBeUndefined();
  });

  it("on 401 forces one refresh and retries with the new token", async () => {
    const { source, idToken, expired } = tokenSource("stale", "fresh");
    const fetch = replies(status(401, { message: "Unauthorized" }), ok({ answer: 42 }));

    await expect(new ApiClient(BASE, source).request("GET", "/x")).resolves.toEqual({
      answer: 42,
    });

    expect(idToken.mock.calls).toEqual([[false], [true]]);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(call(fetch, 1).headers).toEqual({ Authorization: "fresh" });
    expect(expired).not.toHaveBeenCalled();
  });

  it("ends the session when the retry is refused too", async () => {
    const { source, idToken, expired } = tokenSource("stale", "fresh");
    const fetch = replies(status(401), status(401));

    await expect(new ApiClient(BASE, source).request("GET", "/x")).rejects.toBeInstanceOf(
      SessionExpiredError,
    );
    expect(idToken).toHaveBeenCalledTimes(2);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it("ends the session when the forced refresh gives no token, without a retry", async () => {
    const { source, expired } = tokenSource("stale", null);
    const fetch = replies(status(401));

    const error = await new ApiClient(BASE, source).request("GET", "/x").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SessionExpiredError);
    expect(error).toMatchObject({ status: 401, code: "session_expired" });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it("ends the session when no token can be had at all, without a request", async () => {
    // The id token lapsed while the tab was idle and the refresh token is refused.
    const { source, idToken, expired } = tokenSource(null);
    const fetch = replies();

    await expect(new ApiClient(BASE, source).request("GET", "/x")).rejects.toBeInstanceOf(
      SessionExpiredError,
    );
    expect(idToken).toHaveBeenCalledTimes(1);
    expect(fetch).not.toHaveBeenCalled();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it("maps the API's error body to an ApiError", async () => {
    replies(status(404, { error: { code: "not_found", message: "No such document." } }));
    const error = await new ApiClient(BASE, tokenSource("t").source)
      .request("GET", "/documents/d1")
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(SessionExpiredError);
    expect(error).toMatchObject({
      status: 404,
      code: "not_found",
      message: "No such document.",
      retryAfterSeconds: null,
    });
  });

  it("carries Retry-After on 429 and 503", async () => {
    replies(
      status(
        429,
        { error: { code: "quota_exceeded", message: "Quota." } },
        { "Retry-After": "60" },
      ),
    );
    await expect(
      new ApiClient(BASE, tokenSource("t").source).request("POST", "/x", {}),
    ).rejects.toMatchObject({ status: 429, code: "quota_exceeded", retryAfterSeconds: 60 });
  });

  it("keeps a generic message for a reply that is not the API's JSON", async () => {
    replies(() => new Response("<html>Bad Gateway</html>", { status: 502 }));
    await expect(
      new ApiClient(BASE, tokenSource("t").source).request("GET", "/x"),
    ).rejects.toMatchObject({ status: 502, code: "error", message: "The server answered 502." });

    replies(status(500, { message: "Internal server error" }));
    await expect(
      new ApiClient(BASE, tokenSource("t").source).request("GET", "/x"),
    ).rejects.toMatchObject({ status: 500, code: "error", message: "The server answered 500." });
  });

  it("reports a failed fetch as a network error", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("Failed to fetch");
      }),
    );
    await expect(
      new ApiClient(BASE, tokenSource("t").source).request("GET", "/x"),
    ).rejects.toMatchObject({
      status: 0,
      code: "network",
      message: "Cannot reach the server. Check your connection.",
    });
  });
});

describe("ApiClient lists", () => {
  it("follows nextCursor (URL-encoded) until it is null", async () => {
    const fetch = replies(
      ok({ items: [{ documentId: "a" }], nextCursor: "c/1+=" }),
      ok({ items: [{ documentId: "b" }], nextCursor: null }),
    );
    const documents = await new ApiClient(BASE, tokenSource("t", "t").source).listDocuments();

    expect(documents.map((d) => d.documentId)).toEqual(["a", "b"]);
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      `${BASE}/documents?limit=100`,
      `${BASE}/documents?limit=100&cursor=c%2F1%2B%3D`,
    ]);
  });

  it("stops after 10 pages of documents and 3 of conversations", async () => {
    const endless = () => Response.json({ items: [{}], nextCursor: "more" });
    const fetch = replies(...Array<() => Response>(13).fill(endless));
    const client = new ApiClient(BASE, tokenSource(...Array<string>(13).fill("t")).source);

    expect(await client.listDocuments()).toHaveLength(10);
    expect(await client.listConversations()).toHaveLength(3);
    expect(fetch).toHaveBeenCalledTimes(13);
    expect(call(fetch, 12).url).toBe(`${BASE}/conversations?limit=100&cursor=more`);
  });
});

describe("ApiClient calls", () => {
  it("creates a document with its name, type and size", async () => {
    const fetch = replies(ok({ document: {}, upload: {} }));
    await new ApiClient(BASE, tokenSource("t").source).createDocument(
      "a.pdf",
      "application/pdf",
      9,
    );
    expect(call(fetch, 0)).toMatchObject({
      url: `${BASE}/documents`,
      method: "POST",
      body: '{"name":"a.pdf","contentType":"application/pdf","size":9}',
    });
  });

  it("asks a question in the conversation, with the id URL-encoded", async () => {
    const fetch = replies(ok({ messageId: "m1" }));
    await new ApiClient(BASE, tokenSource("t").source).ask("c 1/2", "Why?");
    expect(call(fetch, 0)).toMatchObject({
      url: `${BASE}/conversations/c%201%2F2/messages`,
      method: "POST",
      body: '{"question":"Why?"}',
    });
  });

  it("counts a delete of something already gone (404) as done", async () => {
    const fetch = replies(
      status(404, { error: { code: "not_found", message: "Gone." } }),
      status(204),
    );
    const client = new ApiClient(BASE, tokenSource("t", "t").source);

    await expect(client.deleteDocument("d/1")).resolves.toBeUndefined();
    await expect(client.deleteConversation("c1")).resolves.toBeUndefined();
    expect(call(fetch, 0)).toMatchObject({ url: `${BASE}/documents/d%2F1`, method: "DELETE" });
    expect(call(fetch, 1)).toMatchObject({ url: `${BASE}/conversations/c1`, method: "DELETE" });
  });

  it("still reports other failures of a delete", async () => {
    replies(status(500, { error: { code: "internal", message: "Broken." } }));
    await expect(
      new ApiClient(BASE, tokenSource("t").source).deleteConversation("c1"),
    ).rejects.toMatchObject({ status: 500, message: "Broken." });
  });
});

describe("ApiClient feedback and document parts", () => {
  it("puts the rating, with the comment only when there is one", async () => {
    const { source } = tokenSource("t", "t");
    const rated = { messageId: "m1", feedback: { rating: "down", comment: "Wrong" } };
    const fetch = replies(ok(rated), ok(rated));
    const client = new ApiClient(BASE, source);

    await expect(client.giveFeedback("c 1", "m1", "down", "Wrong")).resolves.toEqual(rated);
    await client.giveFeedback("c 1", "m1", "up", null);

    expect(call(fetch, 0)).toMatchObject({
      url: `${BASE}/conversations/c%201/messages/m1/feedback`,
      method: "PUT",
      body: JSON.stringify({ rating: "down", comment: "Wrong" }),
    });
    expect(call(fetch, 1).body).toBe(JSON.stringify({ rating: "up" }));
  });

  it("reads a document part, and answers null when the API has none (404)", async () => {
    const { source } = tokenSource("t", "t", "t");
    const part = { documentId: "d1", part: 2, page: 2, pageLabel: "ii", section: null, text: "x" };
    const fetch = replies(
      ok(part),
      status(404, { error: { code: "not_found", message: "Part not found." } }),
      status(500, { error: { code: "internal", message: "Boom." } }),
    );
    const client = new ApiClient(BASE, source);

    await expect(client.getDocumentPart("d1", 2)).resolves.toEqual(part);
    await expect(client.getDocumentPart("d1", 9)).resolves.toBeNull();
    await expect(client.getDocumentPart("d1", 3)).rejects.toMatchObject({ status: 500 });
    expect(call(fetch, 0)).toMatchObject({ url: `${BASE}/documents/d1/parts/2`, method: "GET" });
  });
});

describe("ApiClient.olderMessages", () => {
  it("asks for the page before the cursor", async () => {
    const { source } = tokenSource("t");
    const page = { items: [{ messageId: "m0" }], nextCursor: null };
    const fetch = replies(ok(page));
    const client = new ApiClient(BASE, source);

    await expect(client.olderMessages("c1", "abc/=")).resolves.toEqual(page);
    expect(call(fetch, 0)).toMatchObject({
      url: `${BASE}/conversations/c1/messages?cursor=abc%2F%3D&limit=50`,
      method: "GET",
    });
  });
});
