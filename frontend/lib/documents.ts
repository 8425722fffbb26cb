// What the document list says about a document besides its name and status.

import { formatBytes } from "./files";
import type { DocumentItem } from "./types";

const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** "2.0 MB · 12 pages · 40 passages · <created>"; counts only once READY, and only those the
 * API gave (the contract lets it leave them out or send null). */
export function documentDetails(doc: DocumentItem): string {
  const parts = [formatBytes(doc.size)];
  if (doc.status === "READY") {
    if (doc.pages != null) parts.push(counted(doc.pages, "page"));
    if (doc.chunks != null) parts.push(counted(doc.chunks, "passage"));
  }
  parts.push(new Date(doc.createdAt).toLocaleString());
  return parts.join(" · ");
}
