import { beforeEach, describe, expect, it, vi } from "vitest";

import { UploadError, postToPresignedUrl } from "./upload";

type Listener = (event: ProgressEvent) => void;

/** Just enough of XMLHttpRequest: records what is sent; the test fires the events. */
class FakeXhr {
  static last: FakeXhr;
  status = 0;
  opened: [string, string] | null = null;
  sent: FormData | null = null;
  readonly listeners = new Map<string, Listener[]>();
  readonly uploadListeners = new Map<string, Listener[]>();
  readonly upload = {
    addEventListener: (type: string, listener: Listener) =>
      add(this.uploadListeners, type, listener),
  };

  constructor() {
    FakeXhr.last = this;
  }
  addEventListener(type: string, listener: Listener) {
    add(this.listeners, type, listener);
  }
  open(method: string, url: string) {
    this.opened = [method, url];
  }
  send(body: FormData) {
    this.sent = body;
  }

  progress(loaded: number, total: number, lengthComputable = true) {
    const event = { loaded, total, lengthComputable } as ProgressEvent;
    for (const listener of this.uploadListeners.get("progress") ?? []) listener(event);
  }
  fire(type: "load" | "error" | "abort", status = 0) {
    this.status = status;
    for (const listener of this.listeners.get(type) ?? []) listener({} as ProgressEvent);
  }
}

function add(map: Map<string, Listener[]>, type: string, listener: Listener) {
  map.set(type, [...(map.get(type) ?? []), listener]);
}

const URL = "https://bucket.s3.test/";
const FIELDS = { key: "uploads/u1/d1/a.pdf", policy: "p", "x-amz-signature": "s" };

beforeEach(() => {
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
});

function start() {
  const onProgress = vi.fn();
  const file = new Blob(["%PDF-1.7"], { type: "application/pdf" });
  const done = postToPresignedUrl(URL, FIELDS, file, onProgress);
  return { xhr: FakeXhr.last, onProgress, file, done };
}

describe("postToPresignedUrl", () => {
  it("POSTs the policy's fields in order, then the file last", async () => {
    const { xhr, done } = start();
    xhr.fire("load", 204);
    await done;

    expect(xhr.opened).toEqual(["POST", URL]);
    const entries = [...xhr.sent!.entries()];
    expect(entries.map(([name]) => name)).toEqual(["key", "policy", "x-amz-signature", "file"]);
    expect(entries.slice(0, 3).map(([, value]) => value)).toEqual([
      "uploads/u1/d1/a.pdf",
      "p",
      "s",
    ]);
    const file = entries[3]![1] as Blob;
    expect(await file.text()).toBe("%PDF-1.7");
  });

  it("reports progress as a fraction, ignoring events without a known length", async () => {
    const { xhr, onProgress, done } = start();
    xhr.progress(25, 100);
    xhr.progress(10, 0, false);
    xhr.progress(5, 0);
    xhr.progress(100, 100);
    xhr.fire("load", 200);
    await done;

    expect(onProgress.mock.calls).toEqual([[0.25], [1], [1]]);
  });

  it.each([
    ["load", 403, "The storage service refused the upload (HTTP 403)."],
    ["load", 301, "The storage service refused the upload (HTTP 301)."],
    ["error", 0, "The upload failed: network error."],
    ["abort", 0, "The upload was cancelled."],
  ] as const)("rejects on %s (HTTP %d)", async (type, status, message) => {
    const { xhr, onProgress, done } = start();
    xhr.fire(type, status);

    const error = await done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    expect(error).toHaveProperty("message", message);
    expect(onProgress).not.toHaveBeenCalledWith(1);
  });
});
