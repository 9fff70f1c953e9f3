import {
  CLIENT_CAPABILITIES_META_KEY,
  inputRequired,
  inputResponse,
  type McpServer,
  type ServerContext,
} from "@modelcontextprotocol/server";
import type { ConfirmAnswer, Confirmer } from "../guard/guard.js";

const CONFIRM_KEY = "confirm";
const confirmSchema = {
  type: "object" as const,
  properties: { confirm: { type: "boolean" as const, title: "Yes, go ahead" } },
  required: ["confirm"],
};

/** Thrown to end a 2026-07-28 round with an input_required result; the client asks and calls again. */
export class InputRequiredSignal extends Error {
  constructor(readonly result: ReturnType<typeof inputRequired>) {
    super("input required");
  }
}

/**
 * Asks the person through the channel this request's era has: elicitation for session (2025)
 * clients, an input_required round for 2026-07-28 clients; undefined when the client has neither.
 */
export function confirmerFor(server: McpServer, ctx: ServerContext): Confirmer {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const modern = envelope !== undefined && Object.keys(envelope).length > 0;
  return (question) => {
    if (modern) {
      const capabilities = envelope?.[CLIENT_CAPABILITIES_META_KEY] as { elicitation?: unknown } | undefined;
      if (!capabilities?.elicitation) return undefined;
      const view = inputResponse(ctx.mcpReq.inputResponses, CONFIRM_KEY);
      if (view.kind === "elicit") return Promise.resolve(answerOf(view.action, view.content));
      throw new InputRequiredSignal(
        inputRequired({
          inputRequests: {
            [CONFIRM_KEY]: inputRequired.elicit({ message: question, requestedSchema: confirmSchema }),
          },
        }),
      );
    }
    if (!server.server.getClientCapabilities()?.elicitation) return undefined;
    return ctx.mcpReq
      .elicitInput({ mode: "form", message: question, requestedSchema: confirmSchema })
      .then((result) => answerOf(result.action, result.content));
  };
}

function answerOf(action: string, content: unknown): ConfirmAnswer {
  if (action !== "accept") return action === "decline" ? "decline" : "cancel";
  return (content as { confirm?: unknown } | undefined)?.confirm === true ? "accept" : "decline";
}
