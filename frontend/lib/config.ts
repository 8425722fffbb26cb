// The site's run-time configuration, read from /config.json at start. One build serves
// every stack: the Pulumi program (or the local stack) writes this file next to the site.

export interface SiteConfig {
  apiUrl: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  cognitoEndpoint: string;
  /** Largest upload the API accepts, in bytes (optional; defaults to 50 MB). */
  maxUploadBytes: number;
  /** The local stack's demo user and the questions the chat suggests to them (optional). */
  demo: DemoConfig | null;
}

export interface DemoConfig {
  email: string;
  questions: string[];
}

function parseDemo(raw: unknown): DemoConfig | null {
  if (typeof raw !== "object" || raw === null) return null;
  const { email, questions } = raw as Record<string, unknown>;
  if (typeof email !== "string" || !Array.isArray(questions)) return null;
  return { email, questions: questions.filter((q): q is string => typeof q === "string") };
}

export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const REQUIRED_KEYS = [
  "apiUrl",
  "region",
  "userPoolId",
  "userPoolClientId",
  "cognitoEndpoint",
] as const;

export class ConfigError extends Error {}

export function parseConfig(raw: unknown): SiteConfig {
  if (typeof raw !== "object" || raw === null) {
    throw new ConfigError("config.json is not a JSON object");
  }
  const record = raw as Record<string, unknown>;
  const missing = REQUIRED_KEYS.filter(
    (key) => typeof record[key] !== "string" || record[key] === "",
  );
  if (missing.length > 0) {
    throw new ConfigError(`config.json is missing: ${missing.join(", ")}`);
  }
  const maxUpload = record.maxUploadBytes;
  return {
    apiUrl: (record.apiUrl as string).replace(/\/+$/, ""),
    region: record.region as string,
    userPoolId: record.userPoolId as string,
    userPoolClientId: record.userPoolClientId as string,
    cognitoEndpoint: record.cognitoEndpoint as string,
    maxUploadBytes:
      typeof maxUpload === "number" && maxUpload > 0 ? maxUpload : DEFAULT_MAX_UPLOAD_BYTES,
    demo: parseDemo(record.demo),
  };
}

let loading: Promise<SiteConfig> | null = null;

/** The config, fetched once per page load: callers that need it before it arrives wait for
 * the same request (a form submitted early must not fail), and a failure stays a failure
 * until the page is reloaded. */
export function siteConfig(): Promise<SiteConfig> {
  loading ??= loadConfig();
  return loading;
}

async function loadConfig(): Promise<SiteConfig> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) {
    throw new ConfigError(`could not load /config.json (HTTP ${response.status})`);
  }
  return parseConfig(await response.json());
}
