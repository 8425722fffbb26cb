// The API's JSON shapes, as the site names them: each one is the schema of the API's contract
// (docs/openapi.json) through the generated lib/api-schema.ts, so a change to the API that the
// site does not follow fails `npm run typecheck`. Regenerate with `npm run api-types`.
// Optional or nullable in the contract means the site must handle it absent or null.

import type { components } from "./api-schema";

type Schemas = components["schemas"];

export type DocumentStatus = Schemas["DocumentStatus"];
/** A document (the API's `Document`; the DOM already has a `Document`). */
export type DocumentItem = Schemas["Document"];
/** `POST /documents`: the new PENDING document and the presigned form to upload its file to. */
export type UploadTicket = Schemas["CreateDocumentResponse"];
export type CreateDocumentRequest = Schemas["CreateDocumentRequest"];
export type DocumentPage = Schemas["DocumentPage"];

/** One page or section of a document's text (`GET /documents/{id}/parts/{part}`). */
export type DocumentPart = Schemas["DocumentPart"];

export type Conversation = Schemas["Conversation"];
export type CreateConversationRequest = Schemas["CreateConversationRequest"];
export type ConversationPage = Schemas["ConversationPage"];
export type ConversationDetails = Schemas["ConversationDetails"];

export type Citation = Schemas["Citation"];
export type Message = Schemas["Message"];
export type MessagePage = Schemas["MessagePage"];
export type AskRequest = Schemas["AskRequest"];

export type Rating = Schemas["FeedbackRating"];
export type Feedback = Schemas["Feedback"];
export type FeedbackRequest = Schemas["FeedbackRequest"];

/** What every list route answers (`DocumentPage`, `ConversationPage`, `MessagePage`). */
export interface Page<T> {
  items: T[];
  /** Where the next page starts; null or absent on the last. */
  nextCursor?: string | null;
}
