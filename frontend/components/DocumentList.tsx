import { formatBytes } from "@/lib/files";
import type { DocumentItem } from "@/lib/types";

const STATUS_LABEL = { PENDING: "Processing", READY: "Ready", FAILED: "Failed" } as const;

function details(doc: DocumentItem): string {
  const parts = [formatBytes(doc.size)];
  if (doc.status === "READY") {
    if (doc.pages !== null) parts.push(`${doc.pages} page${doc.pages === 1 ? "" : "s"}`);
    if (doc.chunks !== null) parts.push(`${doc.chunks} passage${doc.chunks === 1 ? "" : "s"}`);
  }
  parts.push(new Date(doc.createdAt).toLocaleString());
  return parts.join(" · ");
}

export function DocumentList({
  documents,
  onDelete,
}: {
  documents: DocumentItem[];
  onDelete(doc: DocumentItem): void;
}) {
  return (
    <ul className="doc-list" aria-label="Your documents" data-testid="document-list">
      {documents.map((doc) => (
        <li key={doc.documentId} className="doc" data-testid="document-row" data-status={doc.status}>
          <div className="doc-main">
            <span className="doc-name" data-testid="document-name">
              {doc.name}
            </span>
            <span className="hint">{details(doc)}</span>
            {doc.status === "FAILED" && doc.failureReason && (
              <span className="failure" data-testid="document-failure">
                {doc.failureReason}
              </span>
            )}
          </div>
          <span
            className={`badge badge-${doc.status.toLowerCase()}`}
            data-testid="document-status"
          >
            {STATUS_LABEL[doc.status]}
          </span>
          <button
            type="button"
            className="button button-quiet"
            aria-label={`Delete ${doc.name}`}
            data-testid="delete-document"
            onClick={() => onDelete(doc)}
          >
            Delete
          </button>
        </li>
      ))}
    </ul>
  );
}
