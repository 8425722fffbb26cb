// The Doc Agent API client: JSON over fetch with the Cognito id token; one refresh and
// retry on 401, then the session is over.

import type {
  AskRequest,
  Conversation,
  ConversationDetails,
  ConversationPage,
  CreateConversationRequest,
  CreateDocumentRequest,
  DocumentItem,
  DocumentPage,
  DocumentPart,
  FeedbackRequest,
  Message,
  MessagePage,
  Page,
  Rating,
  UploadTicket,
} from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds until a retry may succeed (from `Retry-After`), for 429 and 503. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

export class SessionExpiredError extends ApiError {
  constructor() {
    super(401, "session_expired", "Your session has expired. Sign in again.");
  }
}

export interface TokenSource {
  /** A valid id token; `force` refreshes even if the current one has not expired. */
  idToken(force: boolean): Promise<string | null>;
  /** Called once the session cannot be renewed. */
  expired(): void;
}

export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - now) / 1000));
}

async function toApiError(response: Response): Promise<ApiError> {
  let code = "error";
  let message = `The server answered ${response.status}.`;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // not JSON (a gateway error page): keep the generic message
  }
  return new ApiError(
    response.status,
    code,
    message,
    parseRetryAfter(response.headers.get("Retry-After")),
  );
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: TokenSource,
  ) {}

  private async send(method: string, path: string, body: unknown, force: boolean) {
    const token = await this.tokens.idToken(force);
    if (!token) throw new SessionExpiredError();
    const headers: Record<string, string> = { Authorization: token };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, "network", "Cannot reach the server. Check your connection.");
    }
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      // No token at all (it lapsed and the refresh failed) ends the session as a second 401 does.
      response = await this.send(method, path, body, false);
      if (response.status === 401) response = await this.send(method, path, body, true);
    } catch (error) {
      if (error instanceof SessionExpiredError) this.tokens.expired();
      throw error;
    }
    if (response.status === 401) {
      this.tokens.expired();
      throw new SessionExpiredError();
    }
    if (!response.ok) throw await toApiError(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** Follows `nextCursor` so the list is complete (up to `maxPages` pages of 100). */
  private async all<P extends Page<unknown>>(path: string, maxPages: number): Promise<P["items"]> {
    const items: P["items"] = [];
    let cursor: string | null = null;
    for (let page = 0; page < maxPages; page += 1) {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const reply: P = await this.request("GET", `${path}?limit=100${query}`);
      items.push(...reply.items);
      // Null or absent (the contract allows both) ends the list.
      cursor = reply.nextCursor ?? null;
      if (!cursor) break;
    }
    return items;
  }

  listDocuments(): Promise<DocumentItem[]> {
    return this.all<DocumentPage>("/documents", 10);
  }

  createDocument(name: string, contentType: string, size: number): Promise<UploadTicket> {
    const body: CreateDocumentRequest = { name, contentType, size };
    return this.request("POST", "/documents", body);
  }

  /** A document already gone (deleted in another tab) counts as deleted: the API says 404. */
  async deleteDocument(documentId: string): Promise<void> {
    await this.deleteIgnoringGone(`/documents/${encodeURIComponent(documentId)}`);
  }

  private async deleteIgnoringGone(path: string): Promise<void> {
    try {
      await this.request<void>("DELETE", path);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
  }

  listConversations(): Promise<Conversation[]> {
    return this.all<ConversationPage>("/conversations", 3);
  }

  createConversation(title: string): Promise<Conversation> {
    const body: CreateConversationRequest = { title };
    return this.request("POST", "/conversations", body);
  }

  /** The conversation and its latest messages (oldest first); `olderCursor` pages back. */
  getConversation(id: string): Promise<ConversationDetails> {
    return this.request("GET", `/conversations/${encodeURIComponent(id)}`);
  }

  /** Messages before the cursor's (oldest first); `nextCursor` goes further back. */
  olderMessages(id: string, cursor: string): Promise<MessagePage> {
    const query = `cursor=${encodeURIComponent(cursor)}&limit=50`;
    return this.request("GET", `/conversations/${encodeURIComponent(id)}/messages?${query}`);
  }

  async deleteConversation(id: string): Promise<void> {
    await this.deleteIgnoringGone(`/conversations/${encodeURIComponent(id)}`);
  }

  /** Rates an answer; the same rating and comment again change nothing. */
  giveFeedback(
    conversationId: string,
    messageId: string,
    rating: Rating,
    comment: string | null,
  ): Promise<Message> {
    const path = `/conversations/${encodeURIComponent(conversationId)}/messages/${encodeURIComponent(messageId)}/feedback`;
    const body: FeedbackRequest = comment ? { rating, comment } : { rating };
    return this.request("PUT", path, body);
  }

  /** One page or section of a document's text; null when the API has none to show (404). */
  async getDocumentPart(documentId: string, part: number): Promise<DocumentPart | null> {
    try {
      return await this.request(
        "GET",
        `/documents/${encodeURIComponent(documentId)}/parts/${part}`,
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  ask(conversationId: string, question: string): Promise<Message> {
    const body: AskRequest = { question };
    return this.request(
      "POST",
      `/conversations/${encodeURIComponent(conversationId)}/messages`,
      body,
    );
  }
}
