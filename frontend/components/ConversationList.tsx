import type { Conversation } from "@/lib/types";

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
  return (
    <nav className="conversations" aria-label="Conversations">
      <button
        type="button"
        className="button button-primary full"
        onClick={onNew}
        data-testid="new-conversation"
      >
        New conversation
      </button>
      {conversations !== null && conversations.length === 0 && (
        <p className="hint" data-testid="conversations-empty">
          No conversations yet.
        </p>
      )}
      <ul data-testid="conversation-list">
        {(conversations ?? []).map((conversation) => (
          <li key={conversation.conversationId}>
            <button
              type="button"
              className="conversation"
              aria-current={conversation.conversationId === selectedId ? "true" : undefined}
              onClick={() => onSelect(conversation.conversationId)}
              data-testid="conversation-item"
            >
              {conversation.title || "Untitled conversation"}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
