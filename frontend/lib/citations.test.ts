import { describe, expect, it } from "vitest";

import { highlightQuote, placeLabel } from "./citations";
import type { Citation, DocumentPart } from "./types";

const citation = (over: Partial<Citation> = {}): Citation => ({
  documentId: "d1",
  documentName: "manual.pdf",
  page: 6,
  excerpt: "two years",
  score: 0.5,
  ...over,
});

const part = (text: string): DocumentPart => ({
  documentId: "d1",
  part: 6,
  page: 6,
  pageLabel: null,
  section: null,
  text,
});

describe("placeLabel", () => {
  it("names the page, and the printed label when it differs", () => {
    expect(placeLabel({ page: 6, pageLabel: null, section: null })).toBe("page 6");
    expect(placeLabel({ page: 6, pageLabel: "6", section: null })).toBe("page 6");
    expect(placeLabel({ page: 6, pageLabel: "iv", section: null })).toBe("page 6 (printed iv)");
  });

  it("adds a PDF page's innermost heading", () => {
    expect(placeLabel({ page: 6, pageLabel: "iv", section: "Router › Resetting" })).toBe(
      "page 6 (printed iv) · Resetting",
    );
  });

  it("names the section for formats without pages, and nothing when there is neither", () => {
    expect(placeLabel({ page: null, section: "Install › Requirements" })).toBe(
      "Install › Requirements",
    );
    expect(placeLabel({ page: null })).toBeNull();
  });
});

describe("highlightQuote", () => {
  const text = "The warranty lasts two years. Returns take 30 days.";

  it("cuts the text at the citation's offsets", () => {
    const start = text.indexOf("Returns");
    const found = highlightQuote(part(text), citation({ start, end: text.length }));
    expect(found).toEqual({
      before: "The warranty lasts two years. ",
      quote: "Returns take 30 days.",
      after: "",
    });
  });

  it("finds the excerpt when the citation has no offsets (an answer from before them)", () => {
    expect(highlightQuote(part(text), citation())).toEqual({
      before: "The warranty lasts ",
      quote: "two years",
      after: ". Returns take 30 days.",
    });
  });

  it("ignores offsets outside the text, and gives up when the excerpt is not in it", () => {
    expect(highlightQuote(part(text), citation({ start: 5, end: 500 }))?.quote).toBe("two years");
    expect(highlightQuote(part(text), citation({ excerpt: "three years" }))).toBeNull();
  });
});
