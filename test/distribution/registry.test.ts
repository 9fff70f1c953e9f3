import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadConfig, SETTINGS } from "../../src/config.js";
import { MCP_PATH } from "../../src/transports/http/index.js";
import { packageJson, readJson } from "./support.js";

/**
 * server.json is what the official MCP Registry publishes. Checked here: the shape the registry's
 * 2025-12-11 schema requires, and agreement with package.json and with the configuration module.
 */
const SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

// The schema's Input and KeyValueInput. Strict on purpose: the schema tolerates unknown keys, so a
// misspelt "secret" or "required" would be published silently and ignored by every client.
const input = z.strictObject({
  description: z.string().optional(),
  isRequired: z.boolean().optional(),
  format: z.enum(["string", "number", "boolean", "filepath"]).optional(),
  value: z.string().optional(),
  isSecret: z.boolean().optional(),
  default: z.string().optional(),
  placeholder: z.string().optional(),
  choices: z.array(z.string()).optional(),
});
const keyValue = input.extend({ name: z.string().min(1), variables: z.record(z.string(), input).optional() });

const exactVersion = z
  .string()
  .min(1)
  .max(255)
  .refine((version) => version !== "latest" && !/^[~^<>=]|\.[x*](\.|$)/.test(version), "not a range");

const serverJson = z.strictObject({
  $schema: z.literal(SCHEMA_URL),
  name: z
    .string()
    .min(3)
    .max(200)
    .regex(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/),
  title: z.string().min(1).max(100).optional(),
  description: z.string().min(1).max(100),
  version: exactVersion,
  websiteUrl: z.url().optional(),
  repository: z.object({ url: z.url(), source: z.string() }).optional(),
  packages: z.array(
    z.strictObject({
      registryType: z.literal("npm"),
      registryBaseUrl: z.url().optional(),
      identifier: z.string().min(1),
      version: exactVersion,
      runtimeHint: z.string().optional(),
      transport: z.strictObject({ type: z.literal("stdio") }),
      environmentVariables: z.array(keyValue),
    }),
  ),
  remotes: z.array(
    z.strictObject({
      type: z.enum(["streamable-http", "sse"]),
      url: z.string().regex(/^https?:\/\/[^\s]+$/),
      headers: z.array(keyValue).optional(),
      variables: z.record(z.string(), input).optional(),
    }),
  ),
});

const server = serverJson.parse(readJson("server.json"));
const [npmPackage] = server.packages;
const variables = npmPackage?.environmentVariables ?? [];
const settingNames = SETTINGS.map((setting) => setting.env);

/** An environment holding the listed variables that have an example value, plus `extra`. */
function exampleEnv(chosen: typeof variables, extra: Record<string, string> = {}): Record<string, string> {
  return { ...Object.fromEntries(chosen.map((v) => [v.name, v.placeholder ?? v.default ?? ""])), ...extra };
}

describe("server.json for the MCP Registry", () => {
  it("names the npm package and version that package.json publishes", () => {
    expect(server.name).toBe(packageJson.mcpName);
    expect(server.version).toBe(packageJson.version);
    expect(server.packages).toHaveLength(1);
    expect(npmPackage).toMatchObject({
      identifier: packageJson.name,
      version: packageJson.version,
      runtimeHint: "npx",
      transport: { type: "stdio" },
    });
  });

  it("lists only environment variables the server reads", () => {
    expect(variables.map((v) => v.name).filter((name) => !settingNames.includes(name))).toEqual([]);
  });

  it("lists every variable the server needs to start, and each one it marks required is needed", () => {
    const required = variables.filter((v) => v.isRequired);
    expect(() => loadConfig(exampleEnv(required))).not.toThrow();
    for (const variable of required) {
      const others = required.filter((v) => v !== variable);
      expect(() => loadConfig(exampleEnv(others)), variable.name).toThrow(variable.name);
    }
  });

  it("gives defaults the server accepts", () => {
    const required = variables.filter((v) => v.isRequired);
    for (const v of variables.filter((v) => v.default !== undefined)) {
      expect(() => loadConfig(exampleEnv(required, { [v.name]: v.default ?? "" })), v.name).not.toThrow();
    }
  });

  it("marks exactly the tokens and passwords secret", () => {
    for (const v of variables) {
      expect(v.isSecret === true, v.name).toBe(/TOKEN|PASSWORD|SECRET/.test(v.name));
      if (v.isSecret) expect(v.default ?? v.value, v.name).toBeUndefined();
    }
  });

  it("describes the remote form: streamable HTTP on the server's path with a secret bearer token", () => {
    expect(server.remotes).toHaveLength(1);
    const [remote] = server.remotes;
    expect(remote?.type).toBe("streamable-http");
    expect(new URL((remote?.url ?? "").replace(/\{\w+\}/g, "x")).pathname).toBe(MCP_PATH);
    const authorization = remote?.headers?.find((header) => header.name === "Authorization");
    expect(authorization).toMatchObject({ value: "Bearer {token}", isRequired: true, isSecret: true });
    expect(authorization?.variables?.token).toMatchObject({ isRequired: true, isSecret: true });
    for (const name of placeholders(remote?.url)) expect(remote?.variables, name).toHaveProperty(name);
    for (const name of placeholders(authorization?.value)) {
      expect(authorization?.variables, name).toHaveProperty(name);
    }
  });
});

function placeholders(template = ""): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? "");
}
