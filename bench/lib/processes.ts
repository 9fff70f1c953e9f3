import { type ChildProcess, fork, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SIMULATOR_USERS } from "../../simulator/auth.js";
import { freePort, listening } from "../../test/support/cluster.js";
import type { ToolAnswer } from "./context.js";
import type { HttpMode } from "./rpc.js";
import type {
  FaultRequest,
  SeenRequest,
  SimulatorReply,
  SimulatorRequest,
  TriggerPosts,
} from "./simulator-protocol.js";

/** Compiled to dist-bench/bench/lib/: the repository is three levels up. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const CLI = join(ROOT, "dist", "cli.js");
let cli = CLI;

/** Benchmarks another build of the server (e.g. a patched copy), instead of this repository's dist/. */
export function useCli(path: string): void {
  cli = path;
}
export const MCP_TOKEN = "bench-token-0123456789abcdef0123";

/** The simulator in its own process (bench/simulator.ts), driven over IPC. */
export class SimulatorProcess {
  private readonly waiting: ((reply: SimulatorReply) => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on("message", (reply: SimulatorReply) => this.waiting.shift()?.(reply));
  }

  static async start(): Promise<SimulatorProcess> {
    const child = fork(join(ROOT, "dist-bench", "bench", "simulator.js"), [], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.once("message", (reply: SimulatorReply) => {
        if (reply.kind === "ready") resolve(reply.url);
        else reject(new Error(`simulator said ${reply.kind} first`));
      });
      child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
    });
    return new SimulatorProcess(child, url);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  async reset(): Promise<void> {
    await this.ask({ kind: "reset" });
  }

  /** Requests served and body bytes sent since the last reset. */
  async summary(): Promise<{ count: number; responseBytes: number }> {
    const reply = await this.ask({ kind: "summary" });
    if (reply.kind !== "summary") throw new Error(`unexpected ${reply.kind}`);
    return reply;
  }

  async requests(): Promise<SeenRequest[]> {
    const reply = await this.ask({ kind: "requests" });
    if (reply.kind !== "requests") throw new Error(`unexpected ${reply.kind}`);
    return reply.requests;
  }

  async injectFault(fault: FaultRequest): Promise<void> {
    await this.ask({ kind: "fault", fault });
  }

  async clearFaults(): Promise<void> {
    await this.ask({ kind: "clearFaults" });
  }

  /** POSTs that started (or tried to start) builds since the last reset. */
  async triggers(): Promise<TriggerPosts> {
    const reply = await this.ask({ kind: "triggers" });
    if (reply.kind !== "triggers") throw new Error(`unexpected ${reply.kind}`);
    return reply;
  }

  close(): void {
    this.child.disconnect();
  }

  private ask(request: SimulatorRequest): Promise<SimulatorReply> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.send(request);
    });
  }
}

let envOverrides: Record<string, string> = {};

/** Settings given to every server the bench starts (`--env NAME=value`), for experiments. */
export function overrideServerEnv(settings: Record<string, string>): void {
  envOverrides = settings;
}

/** Environment of a spawned server: the simulator's admin, nothing inherited but PATH. */
export function serverEnv(jenkinsUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    JENKINS_URL: jenkinsUrl,
    JENKINS_USER: SIMULATOR_USERS.admin.id,
    JENKINS_API_TOKEN: SIMULATOR_USERS.admin.apiToken,
    // Each call is measured with its own Jenkins request against that request sent directly; kept
    // answers (JENKINS_READ_REUSE_MS) would measure a cache. Sharing reads under way stays on.
    JENKINS_READ_REUSE_MS: "0",
    ...extra,
    ...envOverrides,
  };
}

export interface Memory {
  /** Resident set now (VmRSS), bytes. */
  rss: number;
  /** Peak resident set since start or the last resetPeak (VmHWM), bytes. */
  peak: number;
}

/** VmRSS and VmHWM of a process, from /proc (Linux). */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

/** CPU time the process has used so far, in ms (/proc/<pid>/schedstat: nanoseconds on a CPU). */
export function cpuTime(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
}

/** Resets VmHWM to the current RSS (Linux 4.0+), so a peak belongs to one scenario. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** A spawned `node dist/cli.js`; its stderr (the log) is read and dropped so it never blocks. */
export class ServerProcess {
  private stderrTail = "";
  private readonly exited: Promise<number | null>;

  protected constructor(readonly child: ChildProcess) {
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-4000);
    });
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  static spawn(env: Record<string, string>, nodeArgs: string[] = []): ServerProcess {
    return new ServerProcess(spawnCli(env, nodeArgs));
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get log(): string {
    return this.stderrTail;
  }

  memory(): Memory {
    return memoryOf(this.pid);
  }

  /** SIGTERM, then SIGKILL if it has not gone within 5 s. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

export function spawnCli(env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, cli], { env, stdio: ["pipe", "pipe", "pipe"] });
}

/** The HTTP transport on a free loopback port; its URL comes from the "serving over HTTP" log line. */
export class HttpServerProcess extends ServerProcess {
  private constructor(
    child: ChildProcess,
    readonly url: string,
  ) {
    super(child);
  }

  static async start(
    jenkinsUrl: string,
    extra: Record<string, string> = {},
    nodeArgs: string[] = [],
  ): Promise<HttpServerProcess> {
    const env = serverEnv(jenkinsUrl, {
      MCP_TRANSPORT: "http",
      MCP_PORT: "0",
      MCP_AUTH_TOKEN: MCP_TOKEN,
      ...extra,
    });
    // The server tells a port it picked only in its info-level "serving" line; quieter, one is picked here.
    const quiet = ["warn", "error", "fatal", "silent"].includes(env.LOG_LEVEL ?? "info");
    if (quiet) env.MCP_PORT = String(await freePort());
    const child = spawnCli(env, nodeArgs);
    const url = await new Promise<string>((resolve, reject) => {
      let seen = "";
      const onData = (chunk: Buffer) => {
        seen += chunk.toString("utf8");
        const match = /"url":"(http:\/\/[^"]+)"/.exec(seen);
        if (match?.[1]) {
          child.stderr?.off("data", onData);
          resolve(match[1]);
        }
      };
      child.stderr?.on("data", onData);
      child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${seen}`)));
      if (quiet)
        void listening(Number(env.MCP_PORT)).then(() => resolve(`http://127.0.0.1:${env.MCP_PORT}/mcp`));
    });
    return new HttpServerProcess(child, url);
  }
}

/** Over stdio, or over HTTP like the bench's HTTP clients: stateless, or with 2025 sessions. */
export type SdkServerMode = "stdio" | HttpMode;

/** A tool's answer as the SDK-alone server gives it back. */
export type ReadyAnswer = Pick<ToolAnswer, "text" | "structured">;

/** bench/lib/sdk-server.ts: the SDK alone, its tools answering ready-made results (see there). */
export class SdkServerProcess extends ServerProcess {
  private constructor(
    child: ChildProcess,
    /** Over HTTP: the MCP endpoint. */
    readonly url: string,
  ) {
    super(child);
  }

  static async start(
    mode: SdkServerMode,
    options: { answers?: Record<string, ReadyAnswer>; pageChars?: number } = {},
  ): Promise<SdkServerProcess> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      SDK_SERVER_ANSWERS: JSON.stringify(options.answers ?? {}),
    };
    if (options.pageChars) env.SDK_SERVER_PAGE_CHARS = String(options.pageChars);
    const script = join(ROOT, "dist-bench", "bench", "lib", "sdk-server.js");
    const child = spawn(process.execPath, [script, mode], { env, stdio: ["pipe", "pipe", "pipe"] });
    if (mode === "stdio") return new SdkServerProcess(child, "");
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout?.once("data", (chunk: Buffer) => resolve(chunk.toString("utf8").trim()));
      child.once("exit", (code) => reject(new Error(`sdk-server.js ${mode} exited with ${code}`)));
    });
    return new SdkServerProcess(child, url);
  }
}
