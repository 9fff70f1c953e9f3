import { z } from "zod";
import type { Build } from "../../jenkins/builds.js";
import { defineTool } from "../registry.js";
import { buildNumber, jobFullName } from "../schemas.js";

const buildSchema = z.object({
  jobFullName: z.string(),
  number: z.number(),
  url: z.string(),
  result: z.string().nullable(),
  building: z.boolean(),
  startedAt: z.string(),
  durationMs: z.number(),
  estimatedDurationMs: z.number(),
  causes: z.array(z.string()),
  parameters: z.array(
    z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean()]).nullable() }),
  ),
  tests: z.object({ total: z.number(), failed: z.number(), skipped: z.number() }).nullable(),
});

export const getBuild = defineTool({
  name: "getBuild",
  toolset: "builds",
  core: true,
  title: "Get build",
  description:
    "Read one build: result (null while running), start, duration, causes, parameters (secrets as ****) and test counts.",
  inputSchema: z.object({ jobFullName, buildNumber: buildNumber.optional() }),
  outputSchema: buildSchema,
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler({ jobFullName, buildNumber }, { readBuild, audit }) {
    const build = await readBuild(jobFullName, buildNumber);
    audit.done = `read build ${build.jobFullName} #${build.number}`;
    return { text: renderBuild(build), structured: build };
  },
});

function renderBuild(build: Build & { jobFullName: string }): string {
  const status = build.building ? "running" : (build.result ?? "unknown");
  const lines = [
    `${build.jobFullName} #${build.number}: ${status}, started ${build.startedAt}` +
      (build.building
        ? `, about ${Math.round(build.estimatedDurationMs / 1000)} s expected`
        : `, took ${Math.round(build.durationMs / 1000)} s`),
  ];
  if (build.causes.length) lines.push(`Cause: ${build.causes.join("; ")}`);
  if (build.parameters.length) {
    lines.push(`Parameters: ${build.parameters.map((p) => `${p.name}=${p.value ?? ""}`).join(", ")}`);
  }
  if (build.tests) {
    lines.push(
      `Tests: ${build.tests.total} total, ${build.tests.failed} failed, ${build.tests.skipped} skipped`,
    );
  }
  lines.push(build.url);
  return lines.join("\n");
}
