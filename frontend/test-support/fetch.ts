import { vi } from "vitest";

/** Stubs the global fetch with one reply per call, in order, and records what was sent. */
export function replies(...answers: Array<() => Response>) {
  const fetch = vi.fn<(url: string, init: RequestInit) => Promise<Response>>(async () => {
    const next = answers.shift();
    if (!next) throw new Error("unexpected fetch");
    return next();
  });
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

export type FetchStub = ReturnType<typeof replies>;
