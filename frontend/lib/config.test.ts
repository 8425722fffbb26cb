import { beforeEach, describe, expect, it, vi } from "vitest";

import { ConfigError, DEFAULT_MAX_UPLOAD_BYTES, parseConfig } from "./config";

const VALID = {
  apiUrl: "https://abc.example/api",
  region: "eu-west-1",
  userPoolId: "eu-west-1_pool",
  userPoolClientId: "client",
  cognitoEndpoint: "https://idp.example/",
};

describe("parseConfig", () => {
  it("returns every setting of a complete file", () => {
    expect(parseConfig({ ...VALID, maxUploadBytes: 1234 })).toEqual({
      ...VALID,
      maxUploadBytes: 1234,
      demo: null,
    });
  });

  it("reads the demo user's suggested questions, and ignores a malformed demo entry", () => {
    const demo = { email: "demo@example.com", questions: ["When?", 3, "Where?"] };
    expect(parseConfig({ ...VALID, demo }).demo).toEqual({
      email: "demo@example.com",
      questions: ["When?", "Where?"],
    });
    expect(parseConfig({ ...VALID, demo: { questions: "no" } }).demo).toBeNull();
  });

  it.each([null, "config", 42, undefined])("refuses %j: not a JSON object", (raw) => {
    expect(() => parseConfig(raw)).toThrow(new ConfigError("config.json is not a JSON object"));
  });

  it("lists every missing key, in order", () => {
    expect(() => parseConfig({ region: "eu-west-1" })).toThrow(
      "config.json is missing: apiUrl, userPoolId, userPoolClientId, cognitoEndpoint",
    );
    expect(() => parseConfig({})).toThrow(ConfigError);
  });

  it("counts an empty or non-string value as missing", () => {
    expect(() => parseConfig({ ...VALID, apiUrl: "", userPoolId: 7 })).toThrow(
      "config.json is missing: apiUrl, userPoolId",
    );
  });

  it("strips trailing slashes from apiUrl only", () => {
    const config = parseConfig({ ...VALID, apiUrl: "https://abc.example/api//" });
    expect(config.apiUrl).toBe("https://abc.example/api");
    expect(config.cognitoEndpoint).toBe("https://idp.example/");
  });

  it.each([undefined, 0, -1, "1000", null])(
    "uses 50 MB when maxUploadBytes is %j",
    (maxUploadBytes) => {
      expect(parseConfig({ ...VALID, maxUploadBytes }).maxUploadBytes).toBe(
        DEFAULT_MAX_UPLOAD_BYTES,
      );
    },
  );

  it("defaults to 50 MB", () => {
    expect(DEFAULT_MAX_UPLOAD_BYTES).toBe(52_428_800);
  });
});

describe("siteConfig", () => {
  // siteConfig() keeps its request in module state: each test loads a fresh module.
  beforeEach(() => {
    vi.resetModules();
  });

  function deferredFetch() {
    let answer: (response: Response) => void = () => undefined;
    const fetch = vi.fn(
      () =>
        new Promise<Response>((resolve) => {
          answer = resolve;
        }),
    );
    vi.stubGlobal("fetch", fetch);
    return { fetch, answer: (response: Response) => answer(response) };
  }

  it("fetches /config.json once, uncached, for callers that ask before it arrives", async () => {
    const { siteConfig } = await import("./config");
    const { fetch, answer } = deferredFetch();

    const first = siteConfig();
    const second = siteConfig();
    answer(Response.json({ ...VALID, apiUrl: "https://abc.example/api/" }));

    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(a.apiUrl).toBe("https://abc.example/api");
    expect(await siteConfig()).toBe(a);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith("/config.json", { cache: "no-store" });
  });

  it("fails with the HTTP status, and stays failed without asking again", async () => {
    const config = await import("./config");
    const fetch = vi.fn(async () => new Response("Not Found", { status: 404 }));
    vi.stubGlobal("fetch", fetch);

    await expect(config.siteConfig()).rejects.toThrow(
      new config.ConfigError("could not load /config.json (HTTP 404)"),
    );
    await expect(config.siteConfig()).rejects.toBeInstanceOf(config.ConfigError);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("rejects a file that is missing settings", async () => {
    const { siteConfig } = await import("./config");
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Response.json({ apiUrl: "https://abc.example/api" })),
    );

    await expect(siteConfig()).rejects.toThrow(
      "config.json is missing: region, userPoolId, userPoolClientId, cognitoEndpoint",
    );
  });
});
