"use client";

// Loaded on first use (see Answer.tsx): only the chat needs it, and only once a source is
// opened.

import { useEffect, useRef, useState } from "react";

import { highlightQuote, placeLabel } from "@/lib/citations";
import type { Citation, DocumentPart } from "@/lib/types";

import { Spinner } from "./Spinner";

export type LoadPart = (documentId: string, part: number) => Promise<DocumentPart | null>;

/** The cited page or section, with the quote highlighted and scrolled into view; the excerpt
 * alone when the citation names no part or the API has none to show. */
export default function CitationViewer({
  citation,
  loadPart,
}: {
  citation: Citation;
  loadPart: LoadPart;
}) {
  const part = citation.part ?? null;
  // undefined: loading; null: nothing to show but the excerpt.
  const [loaded, setLoaded] = useState<DocumentPart | null | undefined>(
    part === null ? null : undefined,
  );
  const box = useRef<HTMLDivElement>(null);
  const mark = useRef<HTMLElement>(null);

  useEffect(() => {
    if (part === null) return;
    let active = true;
    loadPart(citation.documentId, part).then(
      (found) => active && setLoaded(found),
      () => active && setLoaded(null),
    );
    return () => {
      active = false;
    };
  }, [citation.documentId, part, loadPart]);

  const highlighted = loaded ? highlightQuote(loaded, citation) : null;

  useEffect(() => {
    // Scroll the text box (not the page) so the quote sits a third of the way down.
    const container = box.current;
    const quote = mark.current;
    if (!container || !quote) return;
    container.scrollTop = Math.max(0, quote.offsetTop - container.clientHeight / 3);
  }, [highlighted]);

  // The citation's own section: a PDF page's part names the heading in force at its top.
  const place = placeLabel({
    ...(loaded ?? citation),
    section: citation.section ?? loaded?.section,
  });
  return (
    <>
      <header>
        <strong data-testid="citation-document">{citation.documentName}</strong>
        {place && <span data-testid="citation-page"> · {place}</span>}
      </header>
      {loaded === undefined && <Spinner label="Opening the source…" />}
      {highlighted && (
        <div
          className="part-text"
          ref={box}
          tabIndex={0}
          aria-label={`Text of ${place ?? citation.documentName}`}
          data-testid="citation-text"
        >
          {highlighted.before}
          <mark ref={mark} data-testid="citation-quote">
            {highlighted.quote}
          </mark>
          {highlighted.after}
        </div>
      )}
      {loaded !== undefined && !highlighted && (
        <blockquote data-testid="citation-excerpt">{citation.excerpt}</blockquote>
      )}
    </>
  );
}
