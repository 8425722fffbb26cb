"use client";

import { useId, useState, type FormEvent } from "react";

import type { Message, Rating } from "@/lib/types";

const MAX_COMMENT = 1000;
// An icon rather than the emoji: not every system has an emoji font.
const THUMB =
  "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z";

function Thumb({ down = false }: { down?: boolean }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={THUMB} fill="currentColor" transform={down ? "rotate(180 12 12)" : undefined} />
    </svg>
  );
}

/** 👍/👎 under an answer, then an optional comment; both can be changed at any time. */
export function FeedbackBar({
  message,
  onRate,
}: {
  message: Message;
  onRate(rating: Rating, comment: string | null): Promise<void>;
}) {
  const saved = message.feedback ?? null;
  const [commenting, setCommenting] = useState(false);
  const [comment, setComment] = useState(saved?.comment ?? "");
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const commentId = useId();

  async function save(rating: Rating, text: string | null, done: string) {
    setBusy(true);
    setStatus(null);
    try {
      await onRate(rating, text);
      setStatus(done);
      return true;
    } catch (caught) {
      setStatus(caught instanceof Error ? caught.message : "Your feedback was not saved.");
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function rate(rating: Rating) {
    // A new rating keeps the comment already given; the box opens to add or change it.
    if (await save(rating, saved?.comment ?? null, "Thanks for your feedback.")) {
      setCommenting(true);
    }
  }

  async function sendComment(event: FormEvent) {
    event.preventDefault();
    if (!saved) return;
    if (await save(saved.rating, comment.trim() || null, "Comment saved. Thank you.")) {
      setCommenting(false);
    }
  }

  return (
    <div className="feedback" data-testid="feedback">
      <div className="feedback-buttons" role="group" aria-label="Rate this answer">
        <button
          type="button"
          className="feedback-button"
          aria-pressed={saved?.rating === "up"}
          aria-label="Helpful answer"
          title="Helpful answer"
          disabled={busy}
          onClick={() => void rate("up")}
          data-testid="feedback-up"
        >
          <Thumb />
        </button>
        <button
          type="button"
          className="feedback-button"
          aria-pressed={saved?.rating === "down"}
          aria-label="Wrong or unhelpful answer"
          title="Wrong or unhelpful answer"
          disabled={busy}
          onClick={() => void rate("down")}
          data-testid="feedback-down"
        >
          <Thumb down />
        </button>
        {saved && !commenting && (
          <button
            type="button"
            className="link-button"
            onClick={() => setCommenting(true)}
            data-testid="feedback-edit-comment"
          >
            {saved.comment ? "Edit comment" : "Add a comment"}
          </button>
        )}
        <span className="hint" role="status" data-testid="feedback-status">
          {status}
        </span>
      </div>
      {saved && commenting && (
        <form className="feedback-form" onSubmit={sendComment}>
          <label htmlFor={commentId} className="hint">
            {saved.rating === "down" ? "What was wrong? (optional)" : "Anything to add? (optional)"}
          </label>
          <textarea
            id={commentId}
            rows={2}
            maxLength={MAX_COMMENT}
            value={comment}
            onChange={(event) => setComment(event.target.value)}
            data-testid="feedback-comment"
          />
          <div className="feedback-actions">
            <button
              type="button"
              className="button button-quiet"
              onClick={() => setCommenting(false)}
            >
              Close
            </button>
            <button type="submit" className="button" disabled={busy} data-testid="feedback-send">
              Send comment
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
