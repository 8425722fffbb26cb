"use client";

import { useCallback, useEffect, useRef, useState } from "react";

import type { ApiClient } from "@/lib/api";
import type { DocumentItem } from "@/lib/types";

// While a document is being processed the list is re-read this often; otherwise it is not
// polled at all.
const POLL_MS = 2000;

export function useDocuments(api: ApiClient) {
  const [documents, setDocuments] = useState<DocumentItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const alive = useRef(true);

  const reload = useCallback(
    () =>
      api.listDocuments().then(
        (items) => {
          if (!alive.current) return;
          setDocuments(items);
          setError(null);
        },
        (caught: unknown) => {
          if (alive.current) setError(caught instanceof Error ? caught.message : String(caught));
        },
      ),
    [api],
  );

  useEffect(() => {
    alive.current = true;
    void reload();
    return () => {
      alive.current = false;
    };
  }, [reload]);

  const pending = documents?.some((doc) => doc.status === "PENDING") ?? false;
  useEffect(() => {
    if (!pending) return;
    const timer = window.setInterval(() => void reload(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [pending, reload]);

  const remove = useCallback(
    async (documentId: string) => {
      await api.deleteDocument(documentId);
      setDocuments((current) => current?.filter((doc) => doc.documentId !== documentId) ?? null);
    },
    [api],
  );

  return { documents, error, reload, remove };
}
