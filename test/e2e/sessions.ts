import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { startHttpServer } from "../../src/transports/http/index.js";
import { CLI, cliEnv, type ElicitAnswer, type ToolAnswer, toAnswer } from "./harness.js";

/** A v2 MCP client over stdio (the spawned CLI) or HTTP (the server in process), with every toolset on. */
export type Transport = "stdio" | "http";

export interface Session {
  /** The SDK client, for resources, prompts and completion. */
  client: Client;
  call(name: string, args: Record<string, unknown>): Promise<ToolAnswer>;
  close(): Promise<void>;
}

const admin = SIMULATOR_USERS.admin;
const TOKEN = "workflows-token-0123456789abcdef";

/** Settings for every session: the simulator's admin, every toolset, and what a test adds. */
function settings(jenkinsUrl: string, extra: Record<string, string>): Record<string, string> {
  const env = cliEnv(jenkinsUrl, {
    JENKINS_USER: admin.id,
    JENKINS_API_TOKEN: admin.apiToken,
    JENKINS_MCP_TOOLSETS: "all",
    ...extra,
  });
  // A controllers file names each controller's URL and credentials instead.
  if (extra.JENKINS_MCP_CONTROLLERS) {
    delete env.JENKINS_URL;
    delete env.JENKINS_USER;
    delete env.JENKINS_API_TOKEN;
  }
  return env;
}

export async function openSession(
  transport: Transport,
  jenkinsUrl: string,
  options: { env?: Record<string, string>; onElicit?: ElicitAnswer } = {},
): Promise<Session> {
  const client = new Client(
    { name: `workflows-${transport}`, version: "1.0.0" },
    options.onElicit ? { capabilities: { elicitation: { form: {} } } } : {},
  );
  const { onElicit } = options;
  if (onElicit) {
    client.setRequestHandler("elicitation/create", async (request) => {
      const action = onElicit(String(request.params.message));
      return action === "accept" ? { action, content: { confirm: true } } : { action };
    });
  }
  const env = settings(jenkinsUrl, options.env ?? {});
  if (transport === "stdio") {
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [CLI], env, stderr: "pipe" }),
    );
    return session(client, async () => undefined);
  }
  const server = await startHttp(env);
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
    }),
  );
  return session(client, server.close);
}

/** The HTTP server as the CLI builds it from `env` (tools, policy, audit), on a free loopback port. */
async function startHttp(env: Record<string, string>) {
  const config = loadConfig({ ...env, MCP_TRANSPORT: "http", MCP_PORT: "0", MCP_AUTH_TOKEN: TOKEN });
  const app = createApp(config, { env });
  const handle = await startHttpServer(config.http, app.dependencies);
  return {
    url: handle.url,
    async close() {
      await handle.close();
      await app.close();
    },
  };
}

function session(client: Client, stop: () => Promise<void>): Session {
  return {
    client,
    async call(name, args) {
      return toAnswer(await client.callTool({ name, arguments: args }, { timeout: 60_000 }));
    },
    async close() {
      await client.close();
      await stop();
    },
  };
}
