import { z } from "zod";
import type { BuildChange, BuildSettings } from "../../jenkins/build-settings.js";
import { describeBuild, formatJobPath } from "../../jenkins/paths.js";
import { defineTool, ToolError } from "../registry.js";
import { jobFullName, requiredBuildNumber } from "../schemas.js";

const settingsOutput = z.object({
  jobFullName: z.string(),
  buildNumber: z.number(),
  description: z.string().nullable(),
  displayName: z.string(),
  keepForever: z.boolean(),
  changed: z.array(z.enum(["description", "displayName", "keepForever"])),
});

export const updateBuild = defineTool({
  name: "updateBuild",
  toolset: "builds",
  core: false,
  title: "Update a build",
  description:
    'Set a build\'s description, display name ("" restores "#N") or whether Jenkins keeps it forever (policy action "configure"). Only what differs is sent. E.g. {"jobFullName": "team/api", "buildNumber": 42, "keepForever": true, "description": "release 2.0"}',
  inputSchema: z.object({
    jobFullName,
    buildNumber: requiredBuildNumber,
    description: z.string().max(10_000).optional().describe('e.g. "release 2.0 candidate"; "" clears it'),
    displayName: z.string().max(200).optional().describe('e.g. "2.0.1-rc1"; "" restores "#42"'),
    keepForever: z.boolean().optional().describe("true keeps the build from log rotation"),
  }),
  outputSchema: settingsOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  writes: "configure",
  async handler(input, { jenkins, signal, job: permitted, authorize, audit }) {
    if (
      input.description === undefined &&
      input.displayName === undefined &&
      input.keepForever === undefined
    ) {
      throw new ToolError("Give at least one of description, displayName or keepForever.");
    }
    const path = await permitted("configure", input.jobFullName);
    const before = await jenkins.buildSettings(path, input.buildNumber, signal);
    const name = describeBuild(path, before.number);
    const { changes, changed } = changesFrom(before, input);
    if (changes.length > 0) {
      await authorize("configure", formatJobPath(path), `change ${changed.join(", ")} of ${name}`);
      // One POST at a time: each answers before the next is sent, and none is retried.
      for (const change of changes) await jenkins.changeBuild(path, before.number, change, signal);
    }
    const after = changes.length > 0 ? await jenkins.buildSettings(path, before.number, signal) : before;
    audit.done =
      changes.length > 0 ? `changed ${changed.join(", ")} of ${name}` : `found ${name} already as asked`;
    const structured = {
      jobFullName: formatJobPath(path),
      buildNumber: after.number,
      ...settingsOf(after),
      changed,
    };
    return { text: renderSettings(name, after, changed), structured };
  },
});

interface Wanted {
  description?: string | undefined;
  displayName?: string | undefined;
  keepForever?: boolean | undefined;
}

type Field = "description" | "displayName" | "keepForever";

/** The POSTs that bring `before` to what is wanted (configSubmit carries a description too), and the fields they change. */
function changesFrom(before: BuildSettings, wanted: Wanted): { changes: BuildChange[]; changed: Field[] } {
  const changes: BuildChange[] = [];
  const changed: Field[] = [];
  const description = wanted.description ?? before.description ?? "";
  const defaultName = `#${before.number}`;
  const name = wanted.displayName?.trim() === "" ? defaultName : wanted.displayName?.trim();
  const renamed = name !== undefined && name !== before.displayName;
  if (renamed) changed.push("displayName");
  if (wanted.description !== undefined && wanted.description !== (before.description ?? "")) {
    changed.push("description");
  }
  if (renamed) {
    changes.push({ kind: "displayName", displayName: name === defaultName ? "" : name, description });
  } else if (changed.includes("description")) {
    changes.push({ kind: "description", description });
  }
  if (wanted.keepForever !== undefined && wanted.keepForever !== before.keepForever) {
    changed.push("keepForever");
    changes.push({ kind: "toggleKeep" });
  }
  return { changes, changed };
}

function settingsOf(settings: BuildSettings) {
  return {
    description: settings.description,
    displayName: settings.displayName,
    keepForever: settings.keepForever,
  };
}

function renderSettings(name: string, settings: BuildSettings, changed: string[]): string {
  const state = [
    `display name ${JSON.stringify(settings.displayName)}`,
    settings.description === null ? "no description" : `description ${JSON.stringify(settings.description)}`,
    settings.keepForever ? "kept forever" : "not kept forever",
  ].join(", ");
  return changed.length > 0
    ? `Changed ${changed.join(", ")} of ${name}: ${state}.`
    : `${name} already has ${state}; nothing was sent.`;
}
