// Which files the site accepts: the same list as the API (handlers/core/contracts/layout.py
// SUPPORTED_CONTENT_TYPES), checked before anything is uploaded.

export const CONTENT_TYPES_BY_EXTENSION: Record<string, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  txt: "text/plain",
  md: "text/markdown",
  markdown: "text/markdown",
  html: "text/html",
  htm: "text/html",
};

export const ACCEPT_ATTRIBUTE = Object.keys(CONTENT_TYPES_BY_EXTENSION)
  .map((extension) => `.${extension}`)
  .join(",");

export const SUPPORTED_LABEL = "PDF, DOCX, TXT, Markdown or HTML";

export type FileCheck = { ok: true; contentType: string } | { ok: false; reason: string };

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  // Up a unit while the value would print as 1024 or more ("1024 KB" reads as "1.0 MB").
  while (Number(value.toFixed(value < 10 ? 1 : 0)) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Type from the extension (browsers report no type for .md); size within [1, max]. */
export function checkFile(name: string, size: number, maxBytes: number): FileCheck {
  const extension = name.includes(".") ? name.split(".").pop()!.toLowerCase() : "";
  const contentType = CONTENT_TYPES_BY_EXTENSION[extension];
  if (!contentType) {
    return { ok: false, reason: `${name}: not a supported type (${SUPPORTED_LABEL}).` };
  }
  if (size === 0) return { ok: false, reason: `${name}: the file is empty.` };
  if (size > maxBytes) {
    const [shown, limit] = [formatBytes(size), formatBytes(maxBytes)];
    // "50 MB is over the 50 MB limit" would read as a contradiction.
    const what = shown === limit ? "just over" : `${shown} is over`;
    return { ok: false, reason: `${name}: ${what} the ${limit} limit.` };
  }
  return { ok: true, contentType };
}
