// Upload straight to S3 with the presigned POST: XHR (not fetch) because only XHR reports
// upload progress. The policy's fields go first and the file last, as S3 requires.

export class UploadError extends Error {}

export function postToPresignedUrl(
  url: string,
  fields: Record<string, string>,
  file: Blob,
  onProgress: (fraction: number) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append("file", file);
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new UploadError(`The storage service refused the upload (HTTP ${xhr.status}).`));
      }
    });
    xhr.addEventListener("error", () =>
      reject(new UploadError("The upload failed: network error.")),
    );
    // Nothing here aborts, but the browser can (window.stop()): settle rather than hang.
    xhr.addEventListener("abort", () => reject(new UploadError("The upload was cancelled.")));
    xhr.open("POST", url);
    xhr.send(form);
  });
}
