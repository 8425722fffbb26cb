"use client";

import { useState, type FormEvent, type KeyboardEvent } from "react";

import { readDraft, writeDraft } from "@/lib/storage";

const DRAFT_NAME = "question";

/** The question box. What is typed is kept in sessionStorage until it has been answered. */
export function AskForm({
  busy,
  onAsk,
}: {
  busy: boolean;
  onAsk(question: string): Promise<boolean>;
}) {
  // Rendered only after sign-in (never prerendered), so reading storage here is safe.
  const [question, setQuestion] = useState(() => readDraft(DRAFT_NAME));

  function update(text: string) {
    setQuestion(text);
    writeDraft(DRAFT_NAME, text);
  }

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    const text = question.trim();
    if (!text || busy) return;
    if (await onAsk(text)) update("");
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter asks; Shift+Enter starts a new line.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  }

  return (
    <form className="ask" onSubmit={submit} data-testid="ask-form">
      <label htmlFor="question" className="visually-hidden">
        Your question
      </label>
      <textarea
        id="question"
        name="question"
        rows={2}
        placeholder="Ask a question about your documents…"
        value={question}
        onChange={(event) => update(event.target.value)}
        onKeyDown={onKeyDown}
        maxLength={4000}
        data-testid="question"
      />
      <button type="submit" className="button button-primary" disabled={busy || !question.trim()}>
        {busy ? "Asking…" : "Ask"}
      </button>
    </form>
  );
}
