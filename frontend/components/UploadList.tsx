import { formatBytes } from "@/lib/files";

export interface UploadState {
  key: string;
  name: string;
  size: number;
  progress: number;
  state: "uploading" | "failed" | "rejected";
  message: string | null;
  /** Set once the API has created the document: its row in the list shows the progress. */
  documentId: string | null;
}

export function UploadProgress({ name, progress }: { name: string; progress: number }) {
  const percent = Math.round(progress * 100);
  return (
    <div className="upload-progress">
      <progress
        max={100}
        value={percent}
        aria-label={`Uploading ${name}`}
        data-testid="upload-progress"
      />
      <span className="hint" aria-live="polite">
        {percent}%
      </span>
    </div>
  );
}

export function UploadList({
  uploads,
  onDismiss,
}: {
  uploads: UploadState[];
  onDismiss(key: string): void;
}) {
  if (uploads.length === 0) return null;
  return (
    <ul className="upload-list" aria-label="Uploads" data-testid="upload-list">
      {uploads.map((upload) => (
        <li key={upload.key} className="upload" data-testid="upload-row">
          <div className="upload-head">
            <span className="doc-name">{upload.name}</span>
            <span className="hint">{formatBytes(upload.size)}</span>
          </div>
          {upload.state === "uploading" ? (
            <UploadProgress name={upload.name} progress={upload.progress} />
          ) : (
            <div className="upload-error">
              <p className="alert alert-error" role="alert" data-testid="upload-error">
                {upload.message}
              </p>
              <button
                type="button"
                className="button button-quiet"
                onClick={() => onDismiss(upload.key)}
              >
                Dismiss
              </button>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
