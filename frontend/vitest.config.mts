import { defineConfig } from "vitest/config";

// Unit tests for the site's helpers (lib/*.test.ts) in plain Node, no DOM: each test stubs
// the browser APIs it needs (fetch, XMLHttpRequest, window.localStorage) and the stubs are
// undone after it. The browser tests (tests/browser/) cover the pages themselves.
export default defineConfig({
  test: {
    environment: "node",
    include: ["lib/**/*.test.ts"],
    unstubGlobals: true,
    restoreMocks: true,
  },
});
