import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import type { Guard } from "../../src/guard/guard.js";
import { createLogger } from "../../src/logger.js";
import { buildServer } from "../../src/server.js";
import { allTools } from "../../src/tools/index.js";
import { type ToolAnswer, toAnswer } from "../e2e/harness.js";
import type { FakeJenkins } from "./fake-jenkins.js";

const logger = createLogger({ level: "silent" });

/**
 * Calls a tool in process, as a client would: through a real MCP client and server linked in
 * memory, every tool offered, the server talking to `jenkins`. The registry's error handling,
 * masking and output validation all apply. Without a guard, every call is allowed.
 */
export async function callTool(
  jenkins: FakeJenkins,
  name: string,
  args: Record<string, unknown>,
  guard?: Guard,
): Promise<ToolAnswer> {
  const server = buildServer({ jenkins: jenkins.client, logger, tools: allTools, guard });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "handler-test", version: "1.0.0" });
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  try {
    return toAnswer(await client.callTool({ name, arguments: args }));
  } finally {
    await client.close();
    await server.close();
  }
}
