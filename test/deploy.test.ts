import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { loadConfig, SETTINGS } from "../src/config.js";
import { packageJson, ROOT } from "./distribution/support.js";
import { CLI } from "./e2e/harness.js";

/**
 * The container image and the Kubernetes manifests, as far as they can be checked without a
 * container engine or a cluster (none can run here; docs/operations.md says what was not run):
 * they parse, and carry the command, probes, ports, secrets and security settings the docs promise.
 */
const K8S = join(ROOT, "deploy", "k8s");

type Manifest = Record<string, unknown> & { kind: string; metadata: { name: string } };

function manifests(): Map<string, Manifest> {
  const byKind = new Map<string, Manifest>();
  for (const file of readdirSync(K8S).filter((name) => name.endsWith(".yaml"))) {
    for (const document of parseAllDocuments(readFileSync(join(K8S, file), "utf8"))) {
      expect(document.errors, file).toEqual([]);
      const manifest = document.toJS() as Manifest;
      if (manifest.kind !== "Kustomization") byKind.set(manifest.kind, manifest);
    }
  }
  return byKind;
}

/** The final stage's instructions of the Dockerfile, continuation lines joined. */
function finalStage(): { from: string; stages: number; lines: string[] } {
  const lines = readFileSync(join(ROOT, "Dockerfile"), "utf8")
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const froms = lines.filter((line) => line.startsWith("FROM "));
  const last = lines.lastIndexOf(froms.at(-1) ?? "");
  return {
    from: froms.at(-1)?.slice("FROM ".length) ?? "",
    stages: froms.length,
    lines: lines.slice(last + 1),
  };
}

function instruction(lines: string[], name: string): string[] {
  return lines.filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1));
}

/** `ENV A=1 B=2` lines as a record. */
function imageEnv(lines: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of instruction(lines, "ENV")) {
    for (const pair of line.split(/\s+/)) {
      const [name, value] = pair.split("=");
      if (name && value !== undefined) env[name] = value;
    }
  }
  return env;
}

const deployment = () => manifests().get("Deployment") as unknown as DeploymentManifest;

interface Container {
  image: string;
  ports: { name: string; containerPort: number }[];
  env: { name: string; value?: string }[];
  volumeMounts: { name: string; mountPath: string }[];
  securityContext: Record<string, unknown>;
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  lifecycle: { preStop: { exec: { command: string[] } } };
}
interface Probe {
  httpGet: { path: string; port: string };
}
interface DeploymentManifest {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        terminationGracePeriodSeconds: number;
        securityContext: Record<string, unknown>;
        containers: Container[];
        volumes: { name: string; secret?: { secretName: string } }[];
      };
    };
  };
}

describe("the container image", () => {
  it("is built in stages from a small base, and runs as a non-root user what the tests run", () => {
    const { from, stages, lines } = finalStage();
    expect(stages).toBeGreaterThanOrEqual(2);
    expect(from).toBe("node:20-alpine");
    expect(instruction(lines, "USER")).toEqual(["1000:1000"]);
    expect(instruction(lines, "ENTRYPOINT").map((json) => JSON.parse(json))).toEqual([
      ["node", "dist/cli.js"],
    ]);
    expect(relative(ROOT, CLI)).toBe("dist/cli.js");
    expect(packageJson.bin["jenkins-mcp"]).toBe("dist/cli.js");
    // The runtime stage installs nothing: dist/ bundles every package (see the npm package test).
    expect(lines.some((line) => /\bnpm\b/.test(line))).toBe(false);
  });

  it("serves HTTP on the port the Deployment names", () => {
    const env = imageEnv(finalStage().lines);
    expect(env).toMatchObject({ MCP_TRANSPORT: "http", MCP_HOST: "0.0.0.0" });
    const [container] = deployment().spec.template.spec.containers;
    expect(container?.ports).toEqual([{ name: "http", containerPort: Number(env.MCP_PORT) }]);
  });
});

describe("the Kubernetes manifests", () => {
  it("parse, and hold a Deployment, Service, PodDisruptionBudget, HorizontalPodAutoscaler and NetworkPolicy", () => {
    expect([...manifests().keys()].sort()).toEqual(
      [
        "Deployment",
        "HorizontalPodAutoscaler",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Secret",
        "Service",
      ].sort(),
    );
  });

  it("probe /healthz for liveness and /readyz for readiness, on the named port", () => {
    const [container] = deployment().spec.template.spec.containers;
    expect(container?.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container?.startupProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container?.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
  });

  it("let draining finish: a preStop pause, then the shutdown grace, within the termination grace", () => {
    const pod = deployment().spec.template.spec;
    const [container] = pod.containers;
    const [sleep, seconds] = container?.lifecycle.preStop.exec.command ?? [];
    expect(sleep).toBe("sleep");
    const graceMs = Number(container?.env.find((entry) => entry.name === "MCP_SHUTDOWN_GRACE_MS")?.value);
    expect(Number(seconds) + graceMs / 1000).toBeLessThan(pod.terminationGracePeriodSeconds);
  });

  it("run as non-root on a read-only root filesystem, with no privilege to gain", () => {
    const pod = deployment().spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.containers[0]?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
  });

  it("take secrets from a Secret object, as files, never as values", () => {
    const pod = deployment().spec.template.spec;
    const container = pod.containers[0];
    const secretVolume = pod.volumes.find((volume) => volume.secret?.secretName === "jenkins-mcp");
    const mount = container?.volumeMounts.find((entry) => entry.name === secretVolume?.name)?.mountPath;
    const secret = manifests().get("Secret") as unknown as { stringData: Record<string, string> };
    for (const name of ["JENKINS_API_TOKEN_FILE", "MCP_AUTH_TOKENS_FILE"]) {
      const path = container?.env.find((entry) => entry.name === name)?.value ?? "";
      expect(path.startsWith(`${mount}/`), name).toBe(true);
      expect(Object.keys(secret.stringData)).toContain(path.slice(`${mount}/`.length));
    }
    expect(container?.env.map((entry) => entry.name)).not.toContain("JENKINS_API_TOKEN");
  });

  it("set only settings jenkins-mcp knows, which it accepts with the image's own", () => {
    const container = deployment().spec.template.spec.containers[0];
    const known = new Set(SETTINGS.map((setting) => setting.env));
    const env: Record<string, string> = { ...imageEnv(finalStage().lines) };
    // The Secret's files, written where this test can read them.
    const secrets = mkdtempSync(join(tmpdir(), "jenkins-mcp-k8s-"));
    writeFileSync(join(secrets, "jenkins-api-token"), "11aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
    writeFileSync(join(secrets, "mcp-tokens"), `ci-bot ${"b".repeat(64)}\n`);
    for (const { name, value } of container?.env ?? []) {
      expect(known.has(name), name).toBe(true);
      env[name] = (value ?? "").replace("/var/run/secrets/jenkins-mcp", secrets);
    }
    const config = loadConfig(env);
    expect(config.http).toMatchObject({ host: "0.0.0.0", port: 3000, shutdownGraceMs: 55_000 });
    expect(config.http.tokens.map((token) => token.name)).toEqual(["ci-bot"]);
  });

  it("route the Service, budget, autoscaler and network policy to the Deployment's pods", () => {
    const all = manifests();
    const labels = deployment().spec.template.metadata.labels;
    expect(deployment().spec.selector.matchLabels).toEqual(labels);
    const service = all.get("Service") as unknown as {
      spec: { selector: object; ports: { targetPort: string }[] };
    };
    expect(service.spec.selector).toEqual(labels);
    expect(service.spec.ports.map((port) => port.targetPort)).toEqual(["http"]);
    for (const kind of ["PodDisruptionBudget", "NetworkPolicy"]) {
      const spec = (all.get(kind) as unknown as { spec: { selector?: object; podSelector?: object } }).spec;
      expect(spec.selector ?? spec.podSelector, kind).toEqual({ matchLabels: labels });
    }
    const hpa = all.get("HorizontalPodAutoscaler") as unknown as {
      spec: { scaleTargetRef: object; minReplicas: number };
    };
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "jenkins-mcp",
    });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    const policy = all.get("NetworkPolicy") as unknown as {
      spec: { policyTypes: string[]; ingress: { ports: { port: string }[] }[] };
    };
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.spec.ingress.flatMap((rule) => rule.ports.map((port) => port.port))).toEqual(["http"]);
  });
});
