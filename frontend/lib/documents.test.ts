import { describe, expect, it } from "vitest";

import { documentDetails } from "./documents";
import type { DocumentItem } from "./types";

const CREATED = "2026-11-30T18:00:00Z";
const created = new Date(CREATED).toLocaleString();

// Only the fields the API's contract requires: the counts are optional there.
const doc = (over: Partial<DocumentItem> = {}): DocumentItem => ({
  documentId: "d1",
  name: "manual.pdf",
  contentType: "application/pdf",
  size: 2048,
  status: "READY",
  createdAt: CREATED,
  updatedAt: CREATED,
  ...over,
});

describe("documentDetails", () => {
  it("counts the pages and passages of a ready document", () => {
    expect(documentDetails(doc({ pages: 12, chunks: 1 }))).toBe(
      `2.0 KB · 12 pages · 1 passage · ${created}`,
    );
  });

  it("leaves out counts the API sent as null or left out", () => {
    expect(documentDetails(doc({ pages: null, chunks: null }))).toBe(`2.0 KB · ${created}`);
    expect(documentDetails(doc())).toBe(`2.0 KB · ${created}`);
  });

  it("shows no counts before the document is ready", () => {
    expect(documentDetails(doc({ status: "PENDING", pages: 3, chunks: 9 }))).toBe(
      `2.0 KB · ${created}`,
    );
  });
});
