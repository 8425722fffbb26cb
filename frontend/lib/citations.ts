// How a citation names where it is, and where its quote sits in the part's text.

import type { Citation, DocumentPart } from "./types";

type Place = Pick<Citation, "page" | "pageLabel" | "section">;

const SECTION_SEPARATOR = " \u203a ";

/**
 * "page 6", "page 6 (printed iv)", with the innermost heading when a PDF's outline gives
 * the page one ("page 6 · Resetting"), or the section's heading path for formats without
 * pages; null when the citation has none.
 */
export function placeLabel({ page, pageLabel, section }: Place): string | null {
  if (page !== null && page !== undefined) {
    const printed = pageLabel && pageLabel !== String(page) ? ` (printed ${pageLabel})` : "";
    const heading = section ? ` · ${section.split(SECTION_SEPARATOR).pop()}` : "";
    return `page ${page}${printed}${heading}`;
  }
  return section ? section : null;
}

export interface Highlighted {
  before: string;
  quote: string;
  after: string;
}

/**
 * Splits the part's text around the quote: by the citation's offsets when they hold the
 * excerpt, else where the excerpt first appears; null when the text does not contain it.
 */
export function highlightQuote(part: DocumentPart, citation: Citation): Highlighted | null {
  const { text } = part;
  const { start, end, excerpt } = citation;
  let from = -1;
  let to = -1;
  if (
    typeof start === "number" &&
    typeof end === "number" &&
    start >= 0 &&
    end > start &&
    end <= text.length
  ) {
    [from, to] = [start, end];
  } else if (excerpt) {
    from = text.indexOf(excerpt);
    to = from + excerpt.length;
  }
  if (from < 0) return null;
  return { before: text.slice(0, from), quote: text.slice(from, to), after: text.slice(to) };
}
