import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JenkinsSimulator } from "../../simulator/jenkins-simulator.js";
import type { AuditEntry } from "../../src/guard/audit.js";
import { Guard } from "../../src/guard/guard.js";
import {
  bearer,
  connect,
  eventually,
  INITIALIZE,
  MCP_HEADERS,
  openSession,
  rpc,
  startServer,
  startSimulator,
  type TestServer,
  TOKEN,
} from "./harness.js";

let jenkins: JenkinsSimulator;
let server: TestServer;

beforeAll(async () => {
  jenkins = await startSimulator();
  server = await startServer(jenkins.url, { MCP_MAX_BODY_BYTES: "65536" });
});

afterAll(async () => {
  await server?.close();
  await jenkins?.close();
});

function post(headers: Record<string, string>, body = INITIALIZE, url = server.url): Promise<Response> {
  return fetch(url, { method: "POST", headers: { ...MCP_HEADERS, ...headers }, body });
}

/** A raw request through node:http, for a Host header fetch would not let us set. */
function rawPost(headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      server.url,
      { method: "POST", headers: { ...MCP_HEADERS, ...headers } },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("authentication", () => {
  it("answers a request without a token with 401 and a Bearer challenge", async () => {
    const response = await post({});
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="jenkins-mcp"');
    expect((await errorOf(response)).message).toMatch(/Authorization: Bearer/);
  });

  it("answers a wrong token with 401 invalid_token", async () => {
    const response = await post(bearer("not-the-token-0123456789"));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it.each([`Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`, TOKEN, `Bearer ${TOKEN}x`, `Bearer  `])(
    "refuses the Authorization header %j",
    async (authorization) => {
      expect((await post({ authorization })).status).toBe(401);
    },
  );

  it("never takes a token from the query string", async () => {
    const response = await post({}, INITIALIZE, `${server.url}?access_token=${TOKEN}&token=${TOKEN}`);
    expect(response.status).toBe(401);
  });

  it("lets the right token in and logs the client's name, never the token", async () => {
    const client = await connect("v2-modern", server.url);
    expect(await client.listTools()).toContain("getJob");
    await client.close();
    expect(server.logText()).not.toContain(TOKEN);
    await eventually(
      () => server.logs.find((line) => line.msg === "http request" && line.client === "default"),
      "an access log line naming the client",
    );
  });
});

describe("Origin and Host", () => {
  it("answers a foreign Origin with 403 before looking at the token", async () => {
    const response = await post({ ...bearer(), origin: "https://evil.example.com" });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toMatch(/Origin "https:\/\/evil.example.com" is not allowed/);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows localhost origins on a loopback bind, with CORS headers", async () => {
    const response = await post({ ...bearer(), origin: "http://localhost:6274" });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:6274");
    expect(response.headers.get("access-control-expose-headers")).toContain("mcp-session-id");
    await response.text();
  });

  it("answers an allowed browser's preflight without a token", async () => {
    const response = await fetch(server.url, {
      method: "OPTIONS",
      headers: {
        origin: "http://127.0.0.1:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, mcp-protocol-version",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-headers")).toContain("authorization");
  });

  it("answers a Host that is not this server's (DNS rebinding) with 403", async () => {
    const response = await rawPost({ ...bearer(), host: "attacker.example.com:3000" }, INITIALIZE);
    expect(response.status).toBe(403);
    expect(JSON.parse(response.text).error.message).toBe(
      'Host "attacker.example.com:3000" is not served here',
    );
  });

  it("uses the configured origin list instead of the localhost default", async () => {
    const other = await startServer(jenkins.url, { MCP_ALLOWED_ORIGINS: "https://chat.example.com" });
    try {
      expect(
        (await post({ ...bearer(), origin: "https://chat.example.com" }, INITIALIZE, other.url)).status,
      ).toBe(200);
      expect(
        (await post({ ...bearer(), origin: "http://localhost:6274" }, INITIALIZE, other.url)).status,
      ).toBe(403);
      expect(
        (await post({ ...bearer(), origin: "https://chat.example.com.evil.io" }, INITIALIZE, other.url))
          .status,
      ).toBe(403);
    } finally {
      await other.close();
    }
  });
});

describe("limits", () => {
  it("answers an oversized body with 413 that the client actually receives", async () => {
    const body = rpc("tools/call", {
      name: "createJob",
      arguments: { configXml: "x".repeat(2 * 1024 * 1024) },
    });
    const response = await post(bearer(), body);
    expect(response.status).toBe(413);
    expect((await errorOf(response)).message).toMatch(/larger than 65536 bytes/);
  });

  it("answers an oversized chunked body (no Content-Length) with 413 too", async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i += 1) controller.enqueue(new Uint8Array(16 * 1024).fill(0x20));
        controller.close();
      },
    });
    const response = await fetch(server.url, {
      method: "POST",
      headers: { ...MCP_HEADERS, ...bearer() },
      body: chunks,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    await response.text();
  });

  it("answers 401 to an unauthenticated oversized upload instead of resetting it", async () => {
    const response = await post({}, "x".repeat(3 * 1024 * 1024));
    expect(response.status).toBe(401);
    await response.text();
  });
});

describe("sessions", () => {
  it("answers an unknown Mcp-Session-Id with 404", async () => {
    const response = await post(
      { ...bearer(), "mcp-session-id": "4b1b2a4e-0000-4000-8000-000000000000" },
      rpc("tools/list"),
    );
    expect(response.status).toBe(404);
    // The SDK's code for an unknown session, which clients take as the cue to initialize again.
    expect((await errorOf(response)).code).toBe(-32001);
  });

  it("answers another client's session id with 404, as if it did not exist", async () => {
    const shared = await startServer(jenkins.url, {
      MCP_AUTH_TOKEN: "",
      MCP_AUTH_TOKENS_FILE: await tokensFile(),
    });
    try {
      const session = await openSession(shared.url, TOKEN);
      const headers = { "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" };
      const stolen = await post(
        { ...bearer("bob-token-0123456789abcdef00"), ...headers },
        rpc("tools/list"),
        shared.url,
      );
      expect(stolen.status).toBe(404);
      const own = await post({ ...bearer(TOKEN), ...headers }, rpc("tools/list"), shared.url);
      expect(own.status).toBe(200);
      expect(await own.text()).toContain("getJob");
      const opened = shared.logs.find((line) => line.msg === "session opened");
      expect(opened).toMatchObject({ client: "alice", session });
    } finally {
      await shared.close();
    }
  });

  it("ends a session on DELETE", async () => {
    const session = await openSession(server.url);
    const headers = { ...bearer(), "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" };
    const deleted = await fetch(server.url, { method: "DELETE", headers });
    expect(deleted.status).toBe(200);
    expect((await post(headers, rpc("tools/list"))).status).toBe(404);
    const closed = server.logs.find((line) => line.msg === "session closed" && line.session === session);
    expect(closed?.reason).toBe("closed by the client");
  });

  it("refuses a request without a session id that is not initialize", async () => {
    const response = await post(bearer(), rpc("tools/list"));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/Mcp-Session-Id header is required/);
  });
});

describe("operations", () => {
  it("answers /healthz without authentication, to GET and HEAD", async () => {
    const response = await fetch(new URL("/healthz", server.url));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect((await fetch(new URL("/healthz", server.url), { method: "HEAD" })).status).toBe(200);
  });

  it("answers /readyz with Jenkins' version when Jenkins accepts the credentials", async () => {
    const response = await fetch(new URL("/readyz", server.url));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready", jenkinsVersion: jenkins.version });
  });

  it("answers /readyz with 503 and the reason when the credentials are refused", async () => {
    const wrong = await startServer(jenkins.url, { JENKINS_API_TOKEN: "11cccccccccccccccccccccccccccccccc" });
    try {
      const response = await fetch(new URL("/readyz", wrong.url));
      expect(response.status).toBe(503);
      const body = (await response.json()) as { status: string; reason: string };
      expect(body.status).toBe("unavailable");
      expect(body.reason).toMatch(/credentials|token|401|authenticat/i);
    } finally {
      await wrong.close();
    }
  });

  it("answers /readyz with 503 when Jenkins cannot be reached", async () => {
    const down = await startServer("http://127.0.0.1:9/");
    try {
      const response = await fetch(new URL("/readyz", down.url));
      expect(response.status).toBe(503);
      expect(((await response.json()) as { reason: string }).reason).toBeTruthy();
    } finally {
      await down.close();
    }
  });

  it("answers other paths with 404 and other methods with 405", async () => {
    expect((await fetch(new URL("/", server.url))).status).toBe(404);
    const put = await fetch(server.url, { method: "PUT", headers: bearer(), body: "{}" });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST, DELETE");
  });

  it("writes one access log line per request with the id it returns, and the same id on the tool call", async () => {
    const client = await connect("v1", server.url);
    await client.callTool("getJob", { jobFullName: "hello" });
    await client.close();
    const toolLine = server.logs.findLast((line) => line.msg === "tool call" && line.tool === "getJob");
    expect(toolLine?.requestId).toEqual(expect.any(String));
    // Access lines are written when the response closes, which may come just after the client has it.
    const access = await eventually(() => {
      const lines = server.logs.filter(
        (line) => line.msg === "http request" && line.requestId === toolLine?.requestId,
      );
      return lines.length > 0 ? lines : undefined;
    }, "the access log line");
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ method: "POST", path: "/mcp", status: 200, rpc: "tools/call getJob" });
  });

  it("puts the request id and the client's name on the audit trail", async () => {
    const entries: AuditEntry[] = [];
    const audit = { record: (entry: AuditEntry) => entries.push(entry), flush: () => undefined };
    const audited = await startServer(jenkins.url, {}, { guard: new Guard(undefined, audit) });
    try {
      const client = await connect("v2-legacy", audited.url);
      await client.callTool("getJob", { jobFullName: "hello" });
      await client.close();
      const entry = entries.find((candidate) => candidate.tool === "getJob");
      expect(entry).toMatchObject({ client: "default", outcome: "ok", requestId: expect.any(String) });
      const access = await eventually(
        () => audited.logs.find((line) => line.msg === "http request" && line.requestId === entry?.requestId),
        "the access log line",
      );
      expect(access).toMatchObject({ rpc: "tools/call getJob", client: "default", status: 200 });
    } finally {
      await audited.close();
    }
  });

  it("keeps a request id offered by a reverse proxy, and logs the address it forwards for", async () => {
    const headers = { "x-request-id": "edge-42", "x-forwarded-for": "203.0.113.7" };
    const response = await fetch(new URL("/nowhere", server.url), { headers });
    expect(response.headers.get("x-request-id")).toBe("edge-42");
    const line = await eventually(
      () => server.logs.find((entry) => entry.msg === "http request" && entry.requestId === "edge-42"),
      "the access log line",
    );
    expect(line).toMatchObject({ status: 404, forwardedFor: "203.0.113.7" });
  });
});

async function errorOf(response: Response): Promise<{ code: number; message: string }> {
  return ((await response.json()) as { error: { code: number; message: string } }).error;
}

async function tokensFile(): Promise<string> {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const file = join(mkdtempSync(join(tmpdir(), "jenkins-mcp-")), "tokens");
  writeFileSync(file, `alice ${TOKEN}\nbob bob-token-0123456789abcdef00\n`);
  return file;
}

describe("startup", () => {
  it("says which address it cannot listen on", async () => {
    const port = new URL(server.url).port;
    await expect(startServer(jenkins.url, { MCP_PORT: port })).rejects.toThrow(
      `Cannot listen on 127.0.0.1:${port} (EADDRINUSE): check MCP_HOST and MCP_PORT`,
    );
  });
});
