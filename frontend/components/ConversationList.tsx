"use client";

import { useState } from "react";

import type { Conversation } from "@/lib/types";

const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** When the conversation was last active, e.g. "2 Dec 2026, 14:05". */
export function conversationTime(conversation: Conversation): string {
  return WHEN.format(new Date(conversation.updatedAt));
}

/** The conversations: a sidebar on wide screens, a drawer behind a button on phones. */
export function ConversationList({
  conversations,
  selectedId,
  onSelect,
  onNew,
}: {
  conversations: Conversation[] | null;
  selectedId: string | null;
  onSelect(id: string): void;
  onNew(): void;
}) {
  const [open, setOpen] = useState(false);
  const count = conversations?.length ?? 0;
  const choose = (pick: () => void) => {
    setOpen(false);
    pick();
  };

  return (
    <nav className="conversations" aria-label="Conversations" data-open={open}>
      <div className="conversations-bar">
        <button
          type="button"
          className="button button-primary"
          onClick={() => choose(onNew)}
          data-testid="new-conversation"
        >
          New conversation
        </button>
        <button
          type="button"
          className="button conversations-toggle"
          aria-expanded={open}
          aria-controls="conversation-list"
          onClick={() => setOpen(!open)}
          data-testid="conversations-toggle"
        >
          Conversations
          {/* Always there, its width reserved: the button does not grow when the list arrives. */}
          <span className="count" aria-hidden={conversations === null}>
            {conversations === null ? "\u00a0" : count}
          </span>
        </button>
      </div>
      {conversations !== null && count === 0 && (
        <p className="hint conversations-empty" data-testid="conversations-empty">
          No conversations yet.
        </p>
      )}
      <ul id="conversation-list" data-testid="conversation-list">
        {(conversations ?? []).map((conversation) => (
          <li key={conversation.conversationId}>
            <button
              type="button"
              className="conversation"
              aria-current={conversation.conversationId === selectedId ? "true" : undefined}
              onClick={() => choose(() => onSelect(conversation.conversationId))}
              data-testid="conversation-item"
            >
              <span className="conversation-title">
                {conversation.title || "Untitled conversation"}
              </span>
              <time className="conversation-time" dateTime={conversation.updatedAt}>
                {conversationTime(conversation)}
              </time>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
