import { buildNotFound } from "./builds.js";
import type { JenkinsHttp } from "./http.js";
import { type BuildRef, describeBuild, type JobPath, jobUrlPath } from "./paths.js";

/**
 * What people edit on a build (hudson.model.Run, checked in 2026 core sources): `description`,
 * `displayName` and `keepLog` are @Exported. Three endpoints change them, each @RequirePOST/@POST
 * and answered with a redirect:
 * - `submitDescription` (form field `description`): Run.UPDATE;
 * - `configSubmit` (the `json` form): Run.UPDATE; Run.submit sets BOTH displayName (blank: "#N")
 *   and description, and fails on a missing key, so both are always sent;
 * - `toggleLogKeep`: a toggle, not a setting; keeping needs Run.UPDATE, un-keeping Run.DELETE.
 */

export interface BuildSettings {
  number: number;
  description: string | null;
  /** "#N" unless someone named the build. */
  displayName: string;
  keepForever: boolean;
}

interface RawSettings {
  number: number;
  description?: string | null;
  displayName?: string;
  keepLog?: boolean;
}

export async function buildSettings(
  http: JenkinsHttp,
  path: JobPath,
  build: BuildRef,
  signal?: AbortSignal,
): Promise<BuildSettings> {
  const raw = await http.json<RawSettings>({
    path: `${jobUrlPath(path)}${build}/api/json`,
    query: { tree: "number,description,displayName,keepLog" },
    action: `reading build ${describeBuild(path, build)}`,
    notFound: buildNotFound(path, build),
    signal,
  });
  return {
    number: raw.number,
    description: raw.description || null,
    displayName: raw.displayName ?? `#${raw.number}`,
    keepForever: raw.keepLog === true,
  };
}

export type BuildChange =
  | { kind: "description"; description: string }
  /** configSubmit: a new display name ("" for the default), with the description it keeps or gets. */
  | { kind: "displayName"; displayName: string; description: string }
  | { kind: "toggleKeep" };

export async function changeBuild(
  http: JenkinsHttp,
  path: JobPath,
  number: number,
  change: BuildChange,
  signal?: AbortSignal,
): Promise<void> {
  const form =
    change.kind === "description"
      ? new URLSearchParams({ description: change.description })
      : change.kind === "displayName"
        ? new URLSearchParams({
            json: JSON.stringify({ displayName: change.displayName, description: change.description }),
          })
        : undefined;
  const endpoint = {
    description: "submitDescription",
    displayName: "configSubmit",
    toggleKeep: "toggleLogKeep",
  };
  const what = {
    description: "setting the description of",
    displayName: "renaming",
    toggleKeep: "changing whether Jenkins keeps",
  };
  const response = await http.send({
    method: "POST",
    path: `${jobUrlPath(path)}${number}/${endpoint[change.kind]}`,
    ...(form
      ? { body: form.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } }
      : {}),
    accept: [302, 303],
    action: `${what[change.kind]} ${describeBuild(path, number)}`,
    notFound: buildNotFound(path, number),
    mutating: true,
    signal,
  });
  await response.body.dump();
}
