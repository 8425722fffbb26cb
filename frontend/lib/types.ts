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
}

export interface Message {
  messageId: string;
  question: string;
  answer: string;
  citations: Citation[];
  usage: { promptTokens: number; completionTokens: number };
  model: string;
  createdAt: string;
}
