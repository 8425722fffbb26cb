"use client";

import { Suspense, lazy, useCallback, useEffect, useRef, useState } from "react";

import { Answer } from "@/components/Answer";
import { AskForm } from "@/components/AskForm";
import { useAuth } from "@/components/AuthProvider";
import { ConversationList, conversationTime } from "@/components/ConversationList";
import { RequireAuth } from "@/components/RequireAuth";
import { Spinner } from "@/components/Spinner";
import { useChat } from "@/hooks/useChat";
import type { ApiClient } from "@/lib/api";

// Fetched the first time a deletion is asked for.
const ConfirmDialog = lazy(() => import("@/components/ConfirmDialog"));

function Chat({ api, suggestions }: { api: ApiClient; suggestions: string[] }) {
  const {
    conversations,
    selected,
    selectedId,
    messages,
    loadingMessages,
    olderCursor,
    pendingQuestion,
    error,
    select,
    ask,
    loadOlder,
    rate,
    remove,
  } = useChat(api);
  const end = useRef<HTMLDivElement>(null);
  const [confirming, setConfirming] = useState(false);
  const [dialogUsed, setDialogUsed] = useState(false);
  const loadPart = useCallback(
    (documentId: string, part: number) => api.getDocumentPart(documentId, part),
    [api],
  );

  // To the newest answer when one arrives (not when earlier ones are prepended).
  const newest = messages.at(-1)?.messageId;
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: "end" });
  }, [newest, pendingQuestion]);

  const empty = messages.length === 0 && !pendingQuestion;
  return (
    <div className="chat">
      <ConversationList
        conversations={conversations}
        selectedId={selectedId}
        onSelect={(id) => void select(id)}
        onNew={() => void select(null)}
      />
      <section className="thread" aria-label="Conversation">
        {selectedId && (
          // Laid out as soon as a conversation is open, its text filled in when known: the
          // messages below do not move down when it arrives.
          <header className="thread-head">
            <div className="thread-title">
              <h2 data-testid="conversation-title" title={selected?.title}>
                {selected ? selected.title || "Untitled conversation" : "\u00a0"}
              </h2>
              <time className="hint" dateTime={selected?.updatedAt}>
                {selected ? conversationTime(selected) : "\u00a0"}
              </time>
            </div>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => {
                setDialogUsed(true);
                setConfirming(true);
              }}
              data-testid="delete-conversation"
            >
              Delete conversation
            </button>
          </header>
        )}
        <div className="messages" data-testid="messages">
          {empty && loadingMessages && <Spinner label="Opening the conversation…" />}
          {empty && !loadingMessages && (
            <div className="empty" data-testid="chat-empty">
              <h2>Ask about your documents</h2>
              <p>
                Answers come only from the documents you uploaded, with numbered sources you can
                open.
              </p>
              {suggestions.length > 0 && (
                <div className="suggestions">
                  <p className="hint">Try a question about the sample library:</p>
                  <ul data-testid="suggested-questions">
                    {suggestions.map((question) => (
                      <li key={question}>
                        <button
                          type="button"
                          className="button suggestion"
                          onClick={() => void ask(question)}
                          data-testid="suggested-question"
                        >
                          {question}
                        </button>
                      </li>
                    ))}
                  </ul>
                </div>
              )}
            </div>
          )}
          {olderCursor && (
            <button
              type="button"
              className="button button-quiet older"
              onClick={() => void loadOlder()}
              data-testid="older-messages"
            >
              Show earlier messages
            </button>
          )}
          {messages.map((message) => (
            <Answer
              key={message.messageId}
              message={message}
              loadPart={loadPart}
              onRate={(rating, comment) => rate(message.messageId, rating, comment)}
            />
          ))}
          {pendingQuestion && (
            <article className="message" aria-busy="true">
              <p className="question">{pendingQuestion}</p>
              <Spinner label="Reading your documents…" />
            </article>
          )}
          <div ref={end} />
        </div>
        {error && (
          <p className="alert alert-error" role="alert" data-testid="chat-error">
            {error}
          </p>
        )}
        <AskForm busy={pendingQuestion !== null} onAsk={ask} />
      </section>
      {dialogUsed && (
        <Suspense fallback={null}>
          <ConfirmDialog
            open={confirming}
            title="Delete this conversation?"
            body={`"${selected?.title ?? ""}" and its answers will be removed. Your documents stay.`}
            confirmLabel="Delete"
            onConfirm={() => {
              setConfirming(false);
              if (selectedId) void remove(selectedId);
            }}
            onCancel={() => setConfirming(false)}
          />
        </Suspense>
      )}
    </div>
  );
}

export default function ChatPage() {
  const { api, config, email } = useAuth();
  // The local stack's demo user gets questions about its sample library.
  const suggestions = config?.demo && config.demo.email === email ? config.demo.questions : [];
  return (
    <main className="page wide" id="main">
      <h1 className="visually-hidden">Chat</h1>
      <RequireAuth>{api && <Chat api={api} suggestions={suggestions} />}</RequireAuth>
    </main>
  );
}
