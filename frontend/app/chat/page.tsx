"use client";

import { useEffect, useRef } from "react";

import { Answer } from "@/components/Answer";
import { AskForm } from "@/components/AskForm";
import { useAuth } from "@/components/AuthProvider";
import { ConversationList } from "@/components/ConversationList";
import { RequireAuth } from "@/components/RequireAuth";
import { Spinner } from "@/components/Spinner";
import { useChat } from "@/hooks/useChat";
import type { ApiClient } from "@/lib/api";

function Chat({ api }: { api: ApiClient }) {
  const { conversations, selectedId, messages, pendingQuestion, error, select, ask } = useChat(api);
  const end = useRef<HTMLDivElement>(null);

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
        <div className="messages" data-testid="messages">
          {messages.length === 0 && !pendingQuestion && (
            <div className="empty" data-testid="chat-empty">
              <h2>Ask about your documents</h2>
              <p>Answers come only from the documents you uploaded, with numbered sources you can open.</p>
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
