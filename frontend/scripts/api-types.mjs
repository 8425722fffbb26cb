// Writes lib/api-schema.ts, the API's types, from the API's contract (docs/openapi.json, itself
// generated from the Python routes by scripts/openapi.py), or checks that the committed file is
// what the generator writes today. lib/types.ts names the shapes the site uses from it.
//
//   npm run api-types              # regenerate lib/api-schema.ts
//   npm run api-types -- --check   # exit 1 when lib/api-schema.ts is stale (make test runs it)
//
// --input and --output name other files (the tests check a stale copy).
import { readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const path = (url) => fileURLToPath(new URL(url, import.meta.url));
const DEFAULT_INPUT = path("../../docs/openapi.json");
const DEFAULT_OUTPUT = path("../lib/api-schema.ts");
const REGENERATE = "cd frontend && npm run api-types";

const HEADER = `// Generated from docs/openapi.json by scripts/api-types.mjs (openapi-typescript): do not edit.
// Regenerate: \`${REGENERATE}\` (after \`python scripts/openapi.py\`); make test fails
// when this file is stale. The site imports these shapes through lib/types.ts.

`;

async function generate(input) {
  // Parsed here rather than read by openapi-typescript from a path, so that the output does not
  // depend on where the input lives (a stale copy in a temporary folder gives the same text).
  const document = JSON.parse(readFileSync(input, "utf8"));
  return HEADER + astToString(await openapiTS(document));
}

function read(file) {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if (error.code === "ENOENT") return "";
    throw error;
  }
}

const { values } = parseArgs({
  options: {
    check: { type: "boolean", default: false },
    input: { type: "string", default: DEFAULT_INPUT },
    output: { type: "string", default: DEFAULT_OUTPUT },
  },
});
const text = await generate(values.input);
const shown = relative(process.cwd(), values.output);
if (values.check) {
  if (read(values.output) !== text) {
    console.error(`${shown} is stale: run \`${REGENERATE}\``);
    process.exit(1);
  }
  console.log(`${shown} is up to date`);
} else {
  writeFileSync(values.output, text);
  console.log(`wrote ${shown}`);
}
