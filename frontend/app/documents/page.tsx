"use client";

import { Suspense, lazy, useState } from "react";

import { useAuth } from "@/components/AuthProvider";
import { DocumentList } from "@/components/DocumentList";
import { Dropzone } from "@/components/Dropzone";
import { RequireAuth } from "@/components/RequireAuth";
import { Spinner } from "@/components/Spinner";
import { UploadList, type UploadState } from "@/components/UploadList";
import { useDocuments } from "@/hooks/useDocuments";
import type { ApiClient } from "@/lib/api";
import { checkFile } from "@/lib/files";
import type { DocumentItem } from "@/lib/types";
import { postToPresignedUrl } from "@/lib/upload";

// Fetched the first time a deletion is asked for.
const ConfirmDialog = lazy(() => import("@/components/ConfirmDialog"));

function Documents({ api, maxBytes }: { api: ApiClient; maxBytes: number }) {
  const { documents, error, reload, remove } = useDocuments(api);
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const [toDelete, setToDelete] = useState<DocumentItem | null>(null);
  const [dialogUsed, setDialogUsed] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const patch = (key: string, change: Partial<UploadState>) =>
    setUploads((current) => current.map((u) => (u.key === key ? { ...u, ...change } : u)));
  const drop = (key: string) => setUploads((current) => current.filter((u) => u.key !== key));

  async function upload(file: File, key: string, contentType: string) {
    let documentId: string | null = null;
    try {
      const ticket = await api.createDocument(file.name, contentType, file.size);
      documentId = ticket.document.documentId;
      patch(key, { documentId });
      await reload(); // the new PENDING row appears at once
      await postToPresignedUrl(ticket.upload.url, ticket.upload.fields, file, (f) =>
        patch(key, { progress: f }),
      );
      drop(key);
      await reload();
    } catch (caught) {
      // The bytes never arrived: remove the PENDING item rather than leave it forever.
      if (documentId) await api.deleteDocument(documentId).catch(() => undefined);
      patch(key, {
        state: "failed",
        message: caught instanceof Error ? caught.message : "The upload failed.",
      });
      await reload();
    }
  }

  function onFiles(files: File[]) {
    const started: UploadState[] = [];
    for (const file of files) {
      const key = `${file.name}-${file.size}-${Date.now()}-${Math.random()}`;
      const check = checkFile(file.name, file.size, maxBytes);
      started.push({
        key,
        name: file.name,
        size: file.size,
        progress: 0,
        state: check.ok ? "uploading" : "rejected",
        message: check.ok ? null : check.reason,
        documentId: null,
      });
      if (check.ok) void upload(file, key, check.contentType);
    }
    setUploads((current) => [...current, ...started]);
  }

  // An upload shows as its own row until the list has its document: never neither, so the
  // empty state does not flash while the list catches up.
  const listed = new Set(documents?.map((doc) => doc.documentId) ?? []);
  const inList = (u: UploadState) =>
    u.state === "uploading" && u.documentId !== null && listed.has(u.documentId);
  const uploading: Record<string, number> = {};
  for (const u of uploads) if (inList(u) && u.documentId) uploading[u.documentId] = u.progress;
  const busy = uploads.some((u) => u.state === "uploading");

  async function confirmDelete() {
    const doc = toDelete;
    setToDelete(null);
    if (!doc) return;
    try {
      await remove(doc.documentId);
      setNotice(`Deleted ${doc.name}.`);
    } catch (caught) {
      setNotice(caught instanceof Error ? caught.message : "The document could not be deleted.");
    }
  }

  return (
    <>
      <Dropzone maxBytes={maxBytes} onFiles={onFiles} />
      <UploadList uploads={uploads.filter((u) => !inList(u))} onDismiss={drop} />
      {notice && (
        <p className="alert alert-info" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      {error && (
        <div className="alert alert-error" role="alert">
          <p>Could not load your documents: {error}</p>
          <button type="button" className="button" onClick={() => void reload()}>
            Retry
          </button>
        </div>
      )}
      {documents === null && !error && <Spinner label="Loading documents…" />}
      {documents !== null && documents.length === 0 && !busy && (
        <div className="empty" data-testid="documents-empty">
          <h2>No documents yet</h2>
          <p>
            Upload a PDF, Word document, text, Markdown or HTML file to start asking questions about
            it.
          </p>
        </div>
      )}
      {documents !== null && documents.length > 0 && (
        <DocumentList
          documents={documents}
          uploading={uploading}
          onDelete={(doc) => {
            setDialogUsed(true);
            setToDelete(doc);
          }}
        />
      )}
      {dialogUsed && (
        <Suspense fallback={null}>
          <ConfirmDialog
            open={toDelete !== null}
            title="Delete this document?"
            body={`${toDelete?.name ?? ""} and everything derived from it will be removed. Answers will no longer cite it.`}
            confirmLabel="Delete"
            onConfirm={() => void confirmDelete()}
            onCancel={() => setToDelete(null)}
          />
        </Suspense>
      )}
    </>
  );
}

export default function DocumentsPage() {
  const { api, config } = useAuth();
  return (
    <main className="page" id="main">
      <h1>Documents</h1>
      <RequireAuth>
        {api && config && <Documents api={api} maxBytes={config.maxUploadBytes} />}
      </RequireAuth>
    </main>
  );
}
