// API errors as sentences a user can act on.

import { ApiError, SessionExpiredError } from "./api";

export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hour${hours === 1 ? "" : "s"}`;
}

export function askErrorMessage(error: unknown): string {
  if (error instanceof SessionExpiredError) return error.message;
  if (error instanceof ApiError) {
    const wait =
      error.retryAfterSeconds === null
        ? ""
        : ` Try again in ${formatWait(error.retryAfterSeconds)}.`;
    if (error.status === 429)
      return `You have used today's question quota.${wait || " Try again tomorrow."}`;
    if (error.status === 503)
      return `The answering service is unavailable right now.${wait || " Try again shortly."}`;
    return error.message;
  }
  return error instanceof Error ? error.message : "Something went wrong.";
}
