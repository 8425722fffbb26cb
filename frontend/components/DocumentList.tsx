import { documentDetails } from "@/lib/documents";
import type { DocumentItem } from "@/lib/types";

import { UploadProgress } from "./UploadList";

const STATUS_LABEL = { PENDING: "Processing", READY: "Ready", FAILED: "Failed" } as const;

export function DocumentList({
  documents,
  uploading,
  onDelete,
}: {
  documents: DocumentItem[];
  /** Upload progress (0..1) of the documents whose bytes are on their way to storage. */
  uploading: Record<string, number>;
  onDelete(doc: DocumentItem): void;
}) {
  return (
    <ul className="doc-list" aria-label="Your documents" data-testid="document-list">
      {documents.map((doc) => {
        const progress = uploading[doc.documentId];
        return (
          <li
            key={doc.documentId}
            className="doc"
            data-testid="document-row"
            data-status={doc.status}
          >
            <div className="doc-main">
              <span className="doc-name" data-testid="document-name">
                {doc.name}
              </span>
              <span className="hint">{documentDetails(doc)}</span>
              {progress !== undefined && <UploadProgress name={doc.name} progress={progress} />}
              {doc.status === "FAILED" && doc.failureReason && (
                <span className="failure" data-testid="document-failure">
                  {doc.failureReason}
                </span>
              )}
            </div>
            <span
              className={`badge badge-${progress !== undefined ? "uploading" : doc.status.toLowerCase()}`}
              data-testid="document-status"
            >
              {progress !== undefined ? "Uploading" : STATUS_LABEL[doc.status]}
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
        );
      })}
    </ul>
  );
}
