import { describe, expect, it, vi } from "vitest";

import {
  readDraft,
  readRefreshToken,
  safeNextPath,
  writeDraft,
  writeRefreshToken,
} from "./storage";

/** A Storage kept in a Map, so a test can look at the keys the site uses. */
class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

function browserStorage() {
  const localStorage = new MemoryStorage();
  const sessionStorage = new MemoryStorage();
  vi.stubGlobal("window", { localStorage, sessionStorage });
  return { localStorage, sessionStorage };
}

/** Storage that throws, as Safari's private mode and a full quota do. */
class RefusingStorage {
  getItem(): string | null {
    throw new DOMException("denied", "SecurityError");
  }
  setItem(): void {
    throw new DOMException("full", "QuotaExceededError");
  }
  removeItem(): void {
    throw new DOMException("denied", "SecurityError");
  }
}

describe("the refresh token", () => {
  it("is kept in localStorage under docagent.refreshToken", () => {
    const { localStorage, sessionStorage } = browserStorage();
    expect(readRefreshToken()).toBeNull();

    writeRefreshToken("refresh-1");

    expect(localStorage.items).toEqual(new Map([["docagent.refreshToken", "refresh-1"]]));
    expect(sessionStorage.items.size).toBe(0);
    expect(readRefreshToken()).toBe("refresh-1");
  });

  it("is removed by writing null or an empty string", () => {
    const { localStorage } = browserStorage();
    writeRefreshToken("refresh-1");
    writeRefreshToken(null);
    expect(localStorage.items.size).toBe(0);

    writeRefreshToken("refresh-2");
    writeRefreshToken("");
    expect(readRefreshToken()).toBeNull();
  });
});

describe("drafts", () => {
  it("are kept per name in sessionStorage, and an empty draft is removed", () => {
    const { localStorage, sessionStorage } = browserStorage();
    expect(readDraft("chat")).toBe("");

    writeDraft("chat", "Which boat?");
    writeDraft("other", "Hello");

    expect(sessionStorage.items.get("docagent.draft.chat")).toBe("Which boat?");
    expect(readDraft("chat")).toBe("Which boat?");
    expect(readDraft("other")).toBe("Hello");
    expect(localStorage.items.size).toBe(0);

    writeDraft("chat", "");
    expect(sessionStorage.items.has("docagent.draft.chat")).toBe(false);
    expect(readDraft("chat")).toBe("");
  });
});

describe("storage that cannot be used", () => {
  it("degrades to nothing stored instead of throwing", () => {
    vi.stubGlobal("window", {
      localStorage: new RefusingStorage(),
      sessionStorage: new RefusingStorage(),
    });
    expect(() => writeRefreshToken("refresh-1")).not.toThrow();
    expect(() => writeRefreshToken(null)).not.toThrow();
    expect(() => writeDraft("chat", "text")).not.toThrow();
    expect(readRefreshToken()).toBeNull();
    expect(readDraft("chat")).toBe("");
  });

  it("degrades the same way with no window at all (Node, the static build)", () => {
    expect(typeof window).toBe("undefined");
    expect(readRefreshToken()).toBeNull();
    expect(readDraft("chat")).toBe("");
    expect(() => writeDraft("chat", "text")).not.toThrow();
  });
});

describe("safeNextPath", () => {
  it.each(["/documents/", "/chat/?c=abc-123", "/chat/?c=a%2Fb", "/%2F%2Fexample.com"])(
    "keeps the same-site path %j",
    (path) => {
      expect(safeNextPath(path)).toBe(path);
    },
  );

  it.each([
    ["nothing", null],
    ["undefined", undefined],
    ["an empty string", ""],
    ["a relative path", "chat/"],
    ["another origin", "https://evil.example/"],
    ["a protocol-relative URL", "//evil.example/"],
    ["a backslash (read as a slash)", "/\\evil.example/"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a tab that URL parsing drops (/\\t/ is //)", "/\t/evil.example/"],
    ["a newline that URL parsing drops", "/\n/evil.example/"],
    ["a carriage return that URL parsing drops", "/\r/evil.example/"],
    ["a dropped tab before a host that does not parse", "/\t/evil example/"],
  ])("sends %s to /documents/", (_case, raw) => {
    expect(safeNextPath(raw)).toBe("/documents/");
  });
});
