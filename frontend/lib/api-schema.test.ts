// lib/api-schema.ts is generated from docs/openapi.json and must match it, as
// tests/handlers/test_openapi.py holds docs/openapi.json to the Python routes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const path = (url: string) => fileURLToPath(new URL(url, import.meta.url));
const SCRIPT = path("../scripts/api-types.mjs");
const CONTRACT = path("../../docs/openapi.json");
const COMMITTED = path("./api-schema.ts");

const runScript = (...args: string[]) =>
  spawnSync(process.execPath, [SCRIPT, ...args], { encoding: "utf8", timeout: 60_000 });

describe("scripts/api-types.mjs", () => {
  let folder: string | null = null;
  const scratch = () => (folder = mkdtempSync(join(tmpdir(), "api-types-")));
  afterEach(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
    folder = null;
  });

  it("finds the committed lib/api-schema.ts up to date with docs/openapi.json", () => {
    const result = runScript("--check");

    expect(result.status, result.stderr).toBe(0);
  });

  it("fails the check when the contract changed and the types were not regenerated", () => {
    const contract = join(scratch(), "openapi.json");
    const document = JSON.parse(readFileSync(CONTRACT, "utf8"));
    document.components.schemas.Citation.required.push("part");
    writeFileSync(contract, JSON.stringify(document));

    const result = runScript("--check", "--input", contract);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain("is stale: run `cd frontend && npm run api-types`");
  });

  it("writes the committed file from the committed contract", () => {
    const output = join(scratch(), "api-schema.ts");

    expect(runScript("--output", output).status).toBe(0);
    expect(readFileSync(output, "utf8")).toBe(readFileSync(COMMITTED, "utf8"));
  });
});
