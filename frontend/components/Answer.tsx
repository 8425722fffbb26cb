"use client";

import { Fragment, Suspense, lazy, useState } from "react";

import { placeLabel } from "@/lib/citations";
import type { Citation, Message, Rating } from "@/lib/types";

import type { LoadPart } from "./CitationViewer";
import { FeedbackBar } from "./FeedbackBar";
import { Spinner } from "./Spinner";

// Its own chunk, fetched when a reader first opens a source.
const CitationViewer = lazy(() => import("./CitationViewer"));

/** Turns "[2]" markers in the answer into buttons that open citation 2. */
function AnswerText({
  text,
  citations,
  onOpen,
}: {
  text: string;
  citations: Citation[];
  onOpen(index: number): void;
}) {
  const parts = text.split(/(\[\d+\])/g);
  return (
    <p className="answer-text" data-testid="answer-text">
      {parts.map((part, i) => {
        const match = /^\[(\d+)\]$/.exec(part);
        const index = match ? Number(match[1]) - 1 : -1;
        if (index >= 0 && index < citations.length) {
          return (
            <button
              key={i}
              type="button"
              className="cite-marker"
              aria-label={`Open citation ${index + 1}`}
              onClick={() => onOpen(index)}
            >
              {index + 1}
            </button>
          );
        }
        return <Fragment key={i}>{part}</Fragment>;
      })}
    </p>
  );
}

export function Answer({
  message,
  loadPart,
  onRate,
}: {
  message: Message;
  loadPart: LoadPart;
  onRate(rating: Rating, comment: string | null): Promise<void>;
}) {
  const [open, setOpen] = useState<number | null>(null);
  const citation = open === null ? null : message.citations[open];
  const panelId = `citation-${message.messageId}`;

  return (
    <article className="message" data-testid="message">
      <p className="question">
        <span className="visually-hidden">You asked: </span>
        {message.question}
      </p>
      <div className="answer">
        {message.model === "offline" && (
          <span
            className="badge badge-offline"
            data-testid="offline-badge"
            title="Answered by the offline provider: quotes the best passages, no language model"
          >
            Offline mode
          </span>
        )}
        {message.grounding === "doubtful" && (
          <span
            className="badge badge-doubtful"
            data-testid="doubtful-badge"
            title="No passage clearly answers the question: these are the closest ones"
          >
            Doubtful
          </span>
        )}
        <AnswerText text={message.answer} citations={message.citations} onOpen={setOpen} />
        {message.citations.length > 0 && (
          <ol className="citations" aria-label="Sources" data-testid="citations">
            {message.citations.map((c, i) => {
              const place = placeLabel(c);
              return (
                <li key={`${c.documentId}-${i}`}>
                  <button
                    type="button"
                    className="citation"
                    aria-expanded={open === i}
                    aria-controls={panelId}
                    onClick={() => setOpen(open === i ? null : i)}
                    data-testid="citation"
                  >
                    <span className="cite-number">{i + 1}</span>
                    <span className="citation-name">{c.documentName}</span>
                    {place && <span className="hint"> · {place}</span>}
                  </button>
                </li>
              );
            })}
          </ol>
        )}
        {citation && (
          <section
            className="citation-panel"
            id={panelId}
            aria-live="polite"
            data-testid="citation-panel"
          >
            <button
              type="button"
              className="button button-quiet citation-close"
              onClick={() => setOpen(null)}
            >
              Close
            </button>
            <Suspense fallback={<Spinner label="Opening the source…" />}>
              <CitationViewer key={open} citation={citation} loadPart={loadPart} />
            </Suspense>
          </section>
        )}
        <FeedbackBar message={message} onRate={onRate} />
      </div>
    </article>
  );
}
