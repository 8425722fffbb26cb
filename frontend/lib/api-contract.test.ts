// Each API client method answers what its operation in the contract (docs/openapi.json, through
// the generated lib/api-schema.ts) says it answers, and sends the body it says it takes.
// These are type assertions: `npm run typecheck` (tsc over the tests) is what fails on a drift.
import { describe, expectTypeOf, it } from "vitest";

import type { ApiClient } from "./api";
import type { operations } from "./api-schema";
import type {
  AskRequest,
  CreateConversationRequest,
  CreateDocumentRequest,
  FeedbackRequest,
} from "./types";

type Operation = keyof operations;
type Json<T> = T extends { content: { "application/json": infer Body } } ? Body : never;
/** The JSON body the operation answers with `status`. */
type Answer<Op extends Operation, Status extends keyof operations[Op]["responses"]> = Json<
  operations[Op]["responses"][Status]
>;
/** The JSON body the operation takes. */
type Sent<Op extends Operation> = Json<NonNullable<operations[Op]["requestBody"]>>;
type Returns<Method extends keyof ApiClient> = ApiClient[Method] extends (
  ...args: never[]
) => Promise<infer Value>
  ? Value
  : never;

describe("the API client against the contract", () => {
  it("answers what each operation returns", () => {
    expectTypeOf<Returns<"listDocuments">>().toEqualTypeOf<Answer<"listDocuments", 200>["items"]>();
    expectTypeOf<Returns<"createDocument">>().toEqualTypeOf<Answer<"createDocument", 201>>();
    expectTypeOf<Returns<"getDocumentPart">>().toEqualTypeOf<Answer<
      "getDocumentPart",
      200
    > | null>();
    expectTypeOf<Returns<"listConversations">>().toEqualTypeOf<
      Answer<"listConversations", 200>["items"]
    >();
    expectTypeOf<Returns<"createConversation">>().toEqualTypeOf<
      Answer<"createConversation", 201>
    >();
    expectTypeOf<Returns<"getConversation">>().toEqualTypeOf<Answer<"getConversation", 200>>();
    expectTypeOf<Returns<"olderMessages">>().toEqualTypeOf<Answer<"listMessages", 200>>();
    expectTypeOf<Returns<"ask">>().toEqualTypeOf<Answer<"askQuestion", 200>>();
    expectTypeOf<Returns<"giveFeedback">>().toEqualTypeOf<Answer<"giveFeedback", 200>>();
  });

  it("sends the bodies each operation takes", () => {
    expectTypeOf<CreateDocumentRequest>().toEqualTypeOf<Sent<"createDocument">>();
    expectTypeOf<CreateConversationRequest>().toEqualTypeOf<Sent<"createConversation">>();
    expectTypeOf<AskRequest>().toEqualTypeOf<Sent<"askQuestion">>();
    expectTypeOf<FeedbackRequest>().toEqualTypeOf<Sent<"giveFeedback">>();
    expectTypeOf<Parameters<ApiClient["giveFeedback"]>[2]>().toEqualTypeOf<
      Sent<"giveFeedback">["rating"]
    >();
  });
});
