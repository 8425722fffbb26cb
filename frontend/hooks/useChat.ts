"use client";

import { useCallback, useEffect, useState } from "react";

import type { ApiClient } from "@/lib/api";
import { askErrorMessage } from "@/lib/messages";
import type { Conversation, Message, Rating } from "@/lib/types";

function selectedFromUrl(): string | null {
  return new URLSearchParams(window.location.search).get("c");
}

function showInUrl(id: string | null) {
  window.history.replaceState(null, "", id ? `/chat/?c=${encodeURIComponent(id)}` : "/chat/");
}

export function useChat(api: ApiClient) {
  const [conversations, setConversations] = useState<Conversation[] | null>(null);
  // Rendered only after sign-in (never prerendered), so reading the URL here is safe.
  const [selectedId, setSelectedId] = useState<string | null>(selectedFromUrl);
  const [messages, setMessages] = useState<Message[]>([]);
  // The open conversation as its own read returned it: known before the list arrives.
  const [opened, setOpened] = useState<Conversation | null>(null);
  // Where the earlier messages of a long conversation start (the API returns the latest 50).
  const [olderCursor, setOlderCursor] = useState<string | null>(null);
  // True while the selected conversation's messages are on their way: no empty state then.
  const [loadingMessages, setLoadingMessages] = useState<boolean>(() => selectedFromUrl() !== null);
  const [pendingQuestion, setPendingQuestion] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    // `loadingMessages` is already true: set by `select`, or initially for `?c=`.
    async (id: string, isCurrent: () => boolean) => {
      try {
        const found = await api.getConversation(id);
        if (isCurrent()) {
          setMessages(found.messages);
          setOpened(found.conversation);
          setOlderCursor(found.olderCursor ?? null);
        }
      } catch (caught) {
        if (isCurrent()) setError(askErrorMessage(caught));
      } finally {
        if (isCurrent()) setLoadingMessages(false);
      }
    },
    [api],
  );

  const select = useCallback(
    async (id: string | null) => {
      setSelectedId(id);
      setError(null);
      setMessages([]);
      setOlderCursor(null);
      showInUrl(id);
      setLoadingMessages(id !== null);
      if (!id) return;
      await load(id, () => selectedFromUrl() === id);
    },
    [load],
  );

  useEffect(() => {
    let active = true;
    const fail = (caught: unknown) => active && setError(askErrorMessage(caught));
    api.listConversations().then((items) => active && setConversations(items), fail);
    const initial = selectedFromUrl();
    if (initial) {
      api
        .getConversation(initial)
        .then((found) => {
          if (!active) return;
          setMessages(found.messages);
          setOpened(found.conversation);
          setOlderCursor(found.olderCursor ?? null);
        }, fail)
        .finally(() => active && setLoadingMessages(false));
    }
    return () => {
      active = false;
    };
  }, [api]);

  /** Asks in the selected conversation (creating one first if none); true once answered. */
  const ask = useCallback(
    async (question: string): Promise<boolean> => {
      setError(null);
      setPendingQuestion(question);
      try {
        let id = selectedId;
        if (!id) {
          const created = await api.createConversation(question.slice(0, 80));
          id = created.conversationId;
          setSelectedId(id);
          showInUrl(id);
          setConversations((current) => [created, ...(current ?? [])]);
        }
        const message = await api.ask(id, question);
        setMessages((current) => [...current, message]);
        // The conversation moves to the top with its new time.
        const touched = id;
        setConversations((current) => {
          const found = current?.find((c) => c.conversationId === touched);
          if (!current || !found) return current;
          const updated = { ...found, updatedAt: message.createdAt };
          return [updated, ...current.filter((c) => c.conversationId !== touched)];
        });
        return true;
      } catch (caught) {
        setError(askErrorMessage(caught));
        return false;
      } finally {
        setPendingQuestion(null);
      }
    },
    [api, selectedId],
  );

  /** Prepends the page of messages before the earliest shown. */
  const loadOlder = useCallback(async () => {
    if (!selectedId || !olderCursor) return;
    try {
      const page = await api.olderMessages(selectedId, olderCursor);
      if (selectedFromUrl() !== selectedId) return;
      setMessages((current) => [...page.items, ...current]);
      setOlderCursor(page.nextCursor ?? null);
    } catch (caught) {
      setError(askErrorMessage(caught));
    }
  }, [api, selectedId, olderCursor]);

  /** Rates an answer of the selected conversation; throws (for the caller to show) on failure. */
  const rate = useCallback(
    async (messageId: string, rating: Rating, comment: string | null) => {
      if (!selectedId) return;
      const updated = await api.giveFeedback(selectedId, messageId, rating, comment);
      setMessages((current) => current.map((m) => (m.messageId === messageId ? updated : m)));
    },
    [api, selectedId],
  );

  const remove = useCallback(
    async (id: string) => {
      try {
        await api.deleteConversation(id);
        setConversations((current) => current?.filter((c) => c.conversationId !== id) ?? null);
        if (id === selectedId) await select(null);
      } catch (caught) {
        setError(askErrorMessage(caught));
      }
    },
    [api, selectedId, select],
  );

  const selected =
    conversations?.find((c) => c.conversationId === selectedId) ??
    (opened?.conversationId === selectedId ? opened : null);

  return {
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
  };
}
