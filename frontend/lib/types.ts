// The API's JSON shapes (see the API contract in docs/).

export type DocumentStatus = "PENDING" | "READY" | "FAILED";

export interface DocumentItem {
  documentId: string;
  name: string;
  contentType: string;
  size: number;
  status: DocumentStatus;
  failureReason: string | null;
  pages: number | null;
  chunks: number | null;
  characters: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface UploadTicket {
  document: DocumentItem;
  upload: { url: string; fields: Record<string, string>; expiresAt: string };
}

export interface Conversation {
  conversationId: string;
  title: string;
  documentIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface Citation {
  documentId: string;
  documentName: string;
  page: number | null;
  excerpt: string;
  score: number;
  /** 1-based page (PDF) or heading section of the document's text; absent on old answers. */
  part?: number | null;
  /** The page number printed on the PDF page, when it has one. */
  pageLabel?: string | null;
  /** The heading path of the section, for formats without pages. */
  section?: string | null;
  /** Offsets of the quote in the part's text: `text.slice(start, end) === excerpt`. */
  start?: number | null;
  end?: number | null;
}

/** One page or section of a document's text (`GET /documents/{id}/parts/{part}`). */
export interface DocumentPart {
  documentId: string;
  part: number;
  page: number | null;
  pageLabel: string | null;
  section: string | null;
  text: string;
}

export type Rating = "up" | "down";

export interface Feedback {
  rating: Rating;
  comment: string | null;
  updatedAt: string;
}

export interface Message {
  messageId: string;
  question: string;
  answer: string;
  citations: Citation[];
  usage: { promptTokens: number; completionTokens: number };
  model: string;
  createdAt: string;
  /** The reader's 👍/👎 (absent or null: not rated). */
  feedback?: Feedback | null;
}

export interface ConversationDetails {
  conversation: Conversation;
  /** The latest messages, oldest first (at most 50 when the API pages them). */
  messages: Message[];
  /** Where the earlier messages start; null or absent: there are none. */
  olderCursor?: string | null;
}
