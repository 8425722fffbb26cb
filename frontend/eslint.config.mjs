import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  // lib/api-schema.ts is generated (scripts/api-types.mjs).
  globalIgnores([".next/**", "out/**", "next-env.d.ts", "lib/api-schema.ts"]),
]);
