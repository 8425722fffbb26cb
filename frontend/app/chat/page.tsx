"use client";

import { useEffect, useRef, useState } from "react";

import { Answer } from "@/components/Answer";
import { AskForm } from "@/components/AskForm";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { useAuth } from "@/components/AuthProvider";
import { ConversationList } from "@/components/ConversationList";
import { RequireAuth } from "@/components/RequireAuth";
import { Spinner } from "@/components/Spinner";
import { useChat } from "@/hooks/useChat";
import type { ApiClient } from "@/lib/api";

function Chat({ api }: { api: ApiClient }) {
  const {
    conversations,
    selected,
    selectedId,
    messages,
    pendingQuestion,
    error,
    select,
    ask,
    remove,
  } = useChat(api);
  const end = useRef<HTMLDivElement>(null);
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    end.current?.scrollIntoView?.({ block: "end" });
  }, [messages.length, pendingQuestion]);

  return (
    <div className="chat">
      <ConversationList
        conversations={conversations}
        selectedId={selectedId}
        onSelect={(id) => void select(id)}
        onNew={() => void select(null)}
      />
      <section className="thread" aria-label="Conversation">
        {selected && (
          <header className="thread-head">
            <h2 data-testid="conversation-title">{selected.title || "Untitled conversation"}</h2>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => setConfirming(true)}
              data-testid="delete-conversation"
            >
              Delete conversation
            </button>
          </header>
        )}
        <div className="messages" data-testid="messages">
          {messages.length === 0 && !pendingQuestion && (
            <div className="empty" data-testid="chat-empty">
              <h2>Ask about your documents</h2>
              <p>
                Answers come only from the documents you uploaded, with numbered sources you can
                open.
              </p>
            </div>
          )}
          {messages.map((message) => (
            <Answer key={message.messageId} message={message} />
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
    </div>
  );
}

export default function ChatPage() {
  const { api } = useAuth();
  return (
    <main className="page wide" id="main">
      <h1 className="visually-hidden">Chat</h1>
      <RequireAuth>{api && <Chat api={api} />}</RequireAuth>
    </main>
  );
}
