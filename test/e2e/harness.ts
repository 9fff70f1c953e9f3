import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as V1StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

export const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

export type ClientGeneration = "v2" | "v1";

/** What a tool call gives back, as an assistant sees it. */
export interface ToolAnswer {
  isError: boolean;
  text: string;
  structured: Record<string, unknown> | undefined;
  /** URIs of resource links in the answer. */
  links: string[];
}

interface CallOptions {
  onProgress?: (progress: { progress: number; message?: string | undefined }) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** An MCP client session with the server, whichever SDK generation drives it. */
export interface McpSession {
  call(name: string, args: Record<string, unknown>, options?: CallOptions): Promise<ToolAnswer>;
  toolNames(): Promise<string[]>;
  close(): Promise<void>;
}

/** Environment for the spawned CLI: the Jenkins to talk to and nothing else from this process. */
export function cliEnv(jenkinsUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    JENKINS_URL: jenkinsUrl,
    LOG_LEVEL: "warn",
    ...extra,
  };
}

/** How the person at the client answers a confirmation question (elicitation). */
export type ElicitAnswer = (message: string) => "accept" | "decline" | "cancel";

/**
 * Spawns the built CLI (with this test's Node) and connects a real MCP client over stdio. With
 * `onElicit`, the v2 client declares elicitation and answers questions with it.
 */
export async function connectStdio(
  env: Record<string, string>,
  generation: ClientGeneration = "v2",
  onElicit?: ElicitAnswer,
): Promise<McpSession> {
  const params = { command: process.execPath, args: [CLI], env, stderr: "pipe" as const };
  return generation === "v2" ? connectV2(new StdioClientTransport(params), onElicit) : connectV1(params);
}

async function connectV2(transport: StdioClientTransport, onElicit?: ElicitAnswer): Promise<McpSession> {
  const client = new Client(
    { name: "jenkins-mcp-e2e", version: "1.0.0" },
    onElicit ? { capabilities: { elicitation: { form: {} } } } : {},
  );
  if (onElicit) {
    client.setRequestHandler("elicitation/create", async (request) => {
      const action = onElicit(String(request.params.message));
      return action === "accept" ? { action, content: { confirm: true } } : { action };
    });
  }
  await client.connect(transport);
  return {
    async call(name, args, options = {}) {
      const result = await client.callTool(
        { name, arguments: args },
        {
          ...(options.onProgress ? { onprogress: options.onProgress } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          timeout: options.timeoutMs ?? 60_000,
        },
      );
      return toAnswer(result);
    },
    async toolNames() {
      return (await client.listTools()).tools.map((tool) => tool.name);
    },
    close: () => client.close(),
  };
}

async function connectV1(params: {
  command: string;
  args: string[];
  env: Record<string, string>;
  stderr: "pipe";
}): Promise<McpSession> {
  const client = new V1Client({ name: "jenkins-mcp-e2e-v1", version: "1.0.0" });
  await client.connect(new V1StdioClientTransport(params));
  return {
    async call(name, args, options = {}) {
      const result = await client.callTool({ name, arguments: args }, undefined, {
        ...(options.onProgress ? { onprogress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        timeout: options.timeoutMs ?? 60_000,
      });
      return toAnswer(result as Parameters<typeof toAnswer>[0]);
    },
    async toolNames() {
      return (await client.listTools()).tools.map((tool) => tool.name);
    },
    close: () => client.close(),
  };
}

export function toAnswer(result: {
  content?: unknown;
  isError?: unknown;
  structuredContent?: unknown;
}): ToolAnswer {
  const content = (result.content ?? []) as Array<{ type: string; text?: string; uri?: string }>;
  return {
    isError: result.isError === true,
    text: content
      .filter((block) => block.type === "text")
      .map((block) => block.text ?? "")
      .join("\n"),
    structured: result.structuredContent as Record<string, unknown> | undefined,
    links: content.filter((block) => block.type === "resource_link").map((block) => block.uri ?? ""),
  };
}
