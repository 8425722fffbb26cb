"use client";

import { useId, useState, type DragEvent } from "react";

import { ACCEPT_ATTRIBUTE, SUPPORTED_LABEL, formatBytes } from "@/lib/files";

interface DropzoneProps {
  maxBytes: number;
  onFiles(files: File[]): void;
}

/** Drop files here, or pick them with the (keyboard-reachable) file picker. */
export function Dropzone({ maxBytes, onFiles }: DropzoneProps) {
  const inputId = useId();
  const [over, setOver] = useState(false);

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setOver(false);
    const files = Array.from(event.dataTransfer.files);
    if (files.length > 0) onFiles(files);
  }

  return (
    <div
      className={over ? "dropzone dropzone-over" : "dropzone"}
      data-testid="dropzone"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p className="dropzone-title">Drop files here</p>
      <p className="hint">
        {SUPPORTED_LABEL}, up to {formatBytes(maxBytes)} each.
      </p>
      <label htmlFor={inputId} className="button button-primary">
        Choose files
      </label>
      <input
        id={inputId}
        className="visually-hidden-input"
        type="file"
        multiple
        accept={ACCEPT_ATTRIBUTE}
        data-testid="file-input"
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          event.target.value = ""; // picking the same file again fires change again
          if (files.length > 0) onFiles(files);
        }}
      />
    </div>
  );
}
