import { describe, expect, it } from "vitest";

import { ACCEPT_ATTRIBUTE, checkFile, formatBytes } from "./files";

const MB = 1024 * 1024;
const LIMIT = 50 * MB;

describe("checkFile", () => {
  it.each([
    ["report.pdf", "application/pdf"],
    ["letter.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ["notes.txt", "text/plain"],
    ["README.md", "text/markdown"],
    ["guide.markdown", "text/markdown"],
    ["page.html", "text/html"],
    ["page.htm", "text/html"],
  ])("accepts %s as %s", (name, contentType) => {
    expect(checkFile(name, 10, LIMIT)).toEqual({ ok: true, contentType });
  });

  it("reads the extension case-insensitively, after the last dot", () => {
    expect(checkFile("SCAN.PDF", 10, LIMIT)).toEqual({ ok: true, contentType: "application/pdf" });
    expect(checkFile("v1.2.notes.Md", 10, LIMIT)).toEqual({
      ok: true,
      contentType: "text/markdown",
    });
  });

  it.each(["photo.jpg", "archive.pdf.zip", "Makefile", "slides.doc", "trailing.pdf."])(
    "refuses %s as a type the API does not take",
    (name) => {
      expect(checkFile(name, 10, LIMIT)).toEqual({
        ok: false,
        reason: `${name}: not a supported type (PDF, DOCX, TXT, Markdown or HTML).`,
      });
    },
  );

  it("checks the type before the size", () => {
    expect(checkFile("empty.exe", 0, LIMIT)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("not a supported type"),
    });
  });

  it("refuses an empty file", () => {
    expect(checkFile("blank.txt", 0, LIMIT)).toEqual({
      ok: false,
      reason: "blank.txt: the file is empty.",
    });
  });

  it("accepts 1 byte and exactly the limit, refuses one byte more", () => {
    expect(checkFile("a.txt", 1, LIMIT).ok).toBe(true);
    expect(checkFile("a.pdf", LIMIT, LIMIT).ok).toBe(true);
    expect(checkFile("a.pdf", LIMIT + 1, LIMIT).ok).toBe(false);
  });

  it("says how big the file is and what the limit is", () => {
    expect(checkFile("big.pdf", 60 * MB, LIMIT)).toEqual({
      ok: false,
      reason: "big.pdf: 60 MB is over the 50 MB limit.",
    });
    expect(checkFile("big.pdf", 2.5 * MB, 2 * MB)).toEqual({
      ok: false,
      reason: "big.pdf: 2.5 MB is over the 2.0 MB limit.",
    });
  });

  it("says 'just over' when the size rounds to the limit", () => {
    expect(checkFile("big.pdf", LIMIT + 1, LIMIT)).toEqual({
      ok: false,
      reason: "big.pdf: just over the 50 MB limit.",
    });
  });
});

describe("ACCEPT_ATTRIBUTE", () => {
  it("offers every accepted extension to the file picker", () => {
    expect(ACCEPT_ATTRIBUTE).toBe(".pdf,.docx,.txt,.md,.markdown,.html,.htm");
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1024, "1.0 KB"],
    [1536, "1.5 KB"],
    [MB - 1, "1.0 MB"],
    [1024 * MB - 1, "1.0 GB"],
    [10 * 1024, "10 KB"],
    [MB, "1.0 MB"],
    [123 * MB, "123 MB"],
    [3 * 1024 * MB, "3.0 GB"],
    [5000 * 1024 * MB, "5000 GB"],
  ])("formats %d bytes as %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
