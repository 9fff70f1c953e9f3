/**
 * Several jenkins-mcp instances behind a real HAProxy, with a real Redis when asked: the components
 * a team runs, from Debian's packages (`.ci/run` installs them). The load-balancer tests and the
 * soak bench start them here, and HAProxy loads deploy/haproxy.cfg itself, the file the docs show.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { type AddressInfo, connect, createServer } from "node:net";
import { delimiter, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The repository root, from test/support/ or from its compiled copy in dist-bench/test/support/. */
const ROOT = fileURLToPath(
  new URL(import.meta.url.includes("/dist-bench/") ? "../../../" : "../../", import.meta.url),
);
const HAPROXY_CONFIG = join(ROOT, "deploy", "haproxy.cfg");
const CLI = join(ROOT, "dist", "cli.js");
/** Each instance's `MCP_AUTH_TOKEN`: the balancer passes the client's token through untouched. */
export const CLUSTER_TOKEN = "cluster-token-0123456789abcdef";

export type LogLine = Record<string, unknown> & { msg?: string };

/** Every process started here, killed when this process exits, however a test or bench ended. */
const started = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of started) child.kill("SIGKILL");
});

function track(child: ChildProcess): ChildProcess {
  started.add(child);
  child.once("exit", () => started.delete(child));
  return child;
}

/**
 * The path of a binary the tests start. Missing, it fails the test with what to install: these
 * tests must run in CI, so they never skip.
 */
function requireBinary(name: "haproxy" | "redis-server"): string {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin"];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  throw new Error(
    `${name} is not installed: the load-balancer tests start a real one; run "apt-get install -y haproxy redis-server" (bash .ci/run does)`,
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port, or rejects when `child` exits first. */
export async function listening(port: number, child?: ChildProcess, what = "the server"): Promise<void> {
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`${what} exited before listening`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** A real Redis on a free loopback port, nothing written to disk. */
export class RedisServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(port?: number): Promise<RedisServer> {
    const binary = requireBinary("redis-server");
    const chosen = port ?? (await freePort());
    const args = ["--port", String(chosen), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
    const child = track(spawn(binary, args, { stdio: ["ignore", "ignore", "inherit"] }));
    await listening(chosen, child, "redis-server");
    return new RedisServer(child, chosen);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.child.kill("SIGKILL");
    await exitOf(this.child);
  }
}

/** HAProxy with deploy/haproxy.cfg in front of three instances' addresses. */
export class Balancer {
  /** Each server's state: HAProxy starts them UP and announces every change on stderr. */
  private readonly states: Map<string, string>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    servers: number,
  ) {
    this.states = new Map(Array.from({ length: servers }, (_, index) => [`mcp${index + 1}`, "UP"]));
    // In the foreground HAProxy announces each health-check verdict on stderr.
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => {
      const change = /Server jenkins_mcp\/(\S+) is (UP|DOWN)/.exec(line);
      if (change?.[1] && change[2]) this.states.set(change[1], change[2]);
    });
  }

  static async start(instancePorts: readonly number[]): Promise<Balancer> {
    const binary = requireBinary("haproxy");
    const port = await freePort();
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", MCP_LB_BIND: `127.0.0.1:${port}` };
    instancePorts.forEach((instance, index) => {
      env[`MCP_INSTANCE_${index + 1}`] = `127.0.0.1:${instance}`;
    });
    // -db: in the foreground; its log (stdout) is dropped.
    const child = track(
      spawn(binary, ["-db", "-f", HAPROXY_CONFIG], { env, stdio: ["ignore", "ignore", "pipe"] }),
    );
    await listening(port, child, "haproxy");
    return new Balancer(child, port, instancePorts.length);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  /** The server's state (`mcp1`...) as HAProxy last announced it. */
  state(server: string): string | undefined {
    return this.states.get(server);
  }

  /** Resolves once HAProxy's health checks have marked the server (`mcp1`...) so. */
  async marked(server: string, state: "UP" | "DOWN", timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.states.get(server) !== state) {
      if (Date.now() > deadline)
        throw new Error(`HAProxy did not mark ${server} ${state} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    this.child.kill("SIGTERM");
    await exitOf(this.child);
  }
}

/** One `node dist/cli.js --transport http` on a fixed port, so that it can be restarted there. */
export class Instance {
  /** Its JSON log lines, when kept (tests); the bench keeps none. */
  readonly logs: LogLine[] = [];
  private child: ChildProcess | undefined;
  exited: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly keepLogs: boolean,
  ) {}

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const env = {
      MCP_AUTH_TOKEN: CLUSTER_TOKEN,
      ...this.env,
      MCP_TRANSPORT: "http",
      MCP_PORT: String(this.port),
    };
    const child = track(spawn(process.execPath, [CLI], { env, stdio: ["ignore", "ignore", "pipe"] }));
    this.child = child;
    this.exited = exitOf(child);
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => {
      if (!this.keepLogs) return;
      try {
        this.logs.push({ ...(JSON.parse(line) as LogLine), instance: this.name });
      } catch {
        this.logs.push({ msg: line, instance: this.name });
      }
    });
    await listening(this.port, child, `instance ${this.name}`);
  }

  /** Fails unless the instance answers `/readyz` with 200. */
  async ready(): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${this.port}/readyz`);
    if (response.status !== 200) throw new Error(`${this.name} is not ready: ${await response.text()}`);
  }

  /** SIGTERM: the instance drains and exits on its own; resolves with its exit code. */
  terminate(): Promise<number | null> {
    this.child?.kill("SIGTERM");
    return this.exited;
  }

  /** SIGKILL: the instance is lost with whatever it was doing. */
  async kill(): Promise<void> {
    this.child?.kill("SIGKILL");
    await this.exited;
  }

  /** Tool calls this instance logged, since it was created (restarts included). */
  toolCalls(): LogLine[] {
    return this.logs.filter((line) => line.msg === "tool call");
  }
}

export interface ClusterOptions {
  /** Settings of every instance: JENKINS_URL and credentials, policy, MCP_* options. */
  env: Record<string, string>;
  size?: number;
  keepLogs?: boolean;
}

/** Instances on free ports, then HAProxy in front of them. */
export class Cluster {
  private constructor(
    readonly instances: Instance[],
    readonly balancer: Balancer,
  ) {}

  static async start({ env, size = 3, keepLogs = true }: ClusterOptions): Promise<Cluster> {
    requireBinary("haproxy");
    const instances: Instance[] = [];
    for (let index = 1; index <= size; index++) {
      const instance = new Instance(
        `mcp${index}`,
        await freePort(),
        { PATH: process.env.PATH ?? "", ...env },
        keepLogs,
      );
      instances.push(instance);
    }
    let balancer: Balancer | undefined;
    try {
      await Promise.all(instances.map((instance) => instance.start()));
      // HAProxy starts every server UP: each must pass its first check, which reaches Jenkins.
      await Promise.all(instances.map((instance) => instance.ready()));
      balancer = await Balancer.start(instances.map((instance) => instance.port));
    } catch (error) {
      // Nothing started here may outlive a failed start.
      await Promise.all(instances.map((instance) => instance.kill()));
      throw error;
    }
    return new Cluster(instances, balancer);
  }

  get url(): string {
    return this.balancer.url;
  }

  /** Starts a stopped instance again; resolves once the balancer sends it work. */
  async restart(instance: Instance): Promise<void> {
    await instance.start();
    await this.balancer.marked(instance.name, "UP");
  }

  async close(): Promise<void> {
    await this.balancer.stop();
    await Promise.all(
      this.instances.filter((instance) => instance.running).map((instance) => instance.kill()),
    );
  }
}
