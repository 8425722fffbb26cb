import { formatBytes } from "@/lib/files";

export interface UploadState {
  key: string;
  name: string;
  size: number;
  progress: number;
  state: "uploading" | "failed" | "rejected";
  message: string | null;
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
            <>
              <progress
                max={100}
                value={Math.round(upload.progress * 100)}
                aria-label={`Uploading ${upload.name}`}
                data-testid="upload-progress"
              />
              <span className="hint" aria-live="polite">
                {Math.round(upload.progress * 100)}%
              </span>
            </>
          ) : (
            <div className="upload-error">
              <p className="alert alert-error" role="alert" data-testid="upload-error">
                {upload.message}
              </p>
              <button type="button" className="button button-quiet" onClick={() => onDismiss(upload.key)}>
                Dismiss
              </button>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
