import { describe, expect, it } from "vitest";

import { ApiError, SessionExpiredError } from "./api";
import { askErrorMessage, formatWait } from "./messages";

describe("formatWait", () => {
  it.each([
    [0, "0 seconds"],
    [1, "1 second"],
    [59, "59 seconds"],
    [60, "1 minute"],
    [61, "2 minutes"],
    [3540, "59 minutes"],
    [3541, "1 hour"],
    [3600, "1 hour"],
    [3601, "2 hours"],
    [86_400, "24 hours"],
  ])("%d s reads as %s (rounded up)", (seconds, text) => {
    expect(formatWait(seconds)).toBe(text);
  });
});

describe("askErrorMessage", () => {
  it("tells an expired session to sign in again", () => {
    expect(askErrorMessage(new SessionExpiredError())).toBe(
      "Your session has expired. Sign in again.",
    );
  });

  it("explains the daily quota, with the wait when the API gives one", () => {
    expect(askErrorMessage(new ApiError(429, "quota_exceeded", "raw", 7200))).toBe(
      "You have used today's question quota. Try again in 2 hours.",
    );
    expect(askErrorMessage(new ApiError(429, "quota_exceeded", "raw"))).toBe(
      "You have used today's question quota. Try again tomorrow.",
    );
  });

  it("explains an unavailable answering service, with the wait when the API gives one", () => {
    expect(askErrorMessage(new ApiError(503, "unavailable", "raw", 30))).toBe(
      "The answering service is unavailable right now. Try again in 30 seconds.",
    );
    expect(askErrorMessage(new ApiError(503, "unavailable", "raw"))).toBe(
      "The answering service is unavailable right now. Try again shortly.",
    );
  });

  it("passes other API errors through with the server's message", () => {
    expect(askErrorMessage(new ApiError(404, "not_found", "Conversation not found.", 5))).toBe(
      "Conversation not found.",
    );
    expect(askErrorMessage(new ApiError(0, "network", "Cannot reach the server."))).toBe(
      "Cannot reach the server.",
    );
  });

  it("uses any error's message, and a generic sentence for anything else", () => {
    expect(askErrorMessage(new TypeError("boom"))).toBe("boom");
    expect(askErrorMessage("a string")).toBe("Something went wrong.");
    expect(askErrorMessage(undefined)).toBe("Something went wrong.");
  });
});
