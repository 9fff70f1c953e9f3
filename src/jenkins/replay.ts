import { buildNotFound } from "./builds.js";
import { JenkinsError } from "./errors.js";
import type { JenkinsHttp } from "./http.js";
import { describeBuild, type JobPath, jobUrlPath } from "./paths.js";

/**
 * workflow-cps's ReplayAction (`{build}/replay/`, checked in its 2026 sources). It has no JSON API:
 * the script is read from the replay page's form, where index.jelly puts the main script in a
 * `<textarea name="_.mainScript">` and each script the build `load`ed in one named after its class
 * (dots as underscores). The page needs ReplayAction.REPLAY, a Run permission implied by
 * Job/Configure (and Overall/Administer for a script outside the Groovy sandbox); without it the
 * page offers only "Rebuild", and without Job/Build either it answers 404. `replay/run` takes the
 * `json` form: `mainScript`, and each loaded script by its field name; it answers a redirect to the
 * job and tells no queue item.
 */

export interface ReplayScripts {
  mainScript: string;
  /** Scripts the build loaded, by their form field (class name with dots as underscores). */
  loadedScripts: Record<string, string>;
}

const TEXTAREA = /<textarea\b[^>]*\bname="_\.([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g;

export async function replayScripts(
  http: JenkinsHttp,
  path: JobPath,
  number: number,
  signal?: AbortSignal,
): Promise<ReplayScripts> {
  const name = describeBuild(path, number);
  const response = await http.send({
    path: `${jobUrlPath(path)}${number}/replay/`,
    action: `reading the replay page of ${name}`,
    notFound: {
      sentence: `${name} offers no replay: it is not a pipeline build, the job is disabled, or the Jenkins user may neither replay (Run/Replay, implied by Job/Configure) nor build it (or the build does not exist)`,
    },
    signal,
  });
  const html = await response.body.text();
  const fields = new Map(
    [...html.matchAll(TEXTAREA)].map((match) => [decodeHtml(match[1] ?? ""), decodeHtml(match[2] ?? "")]),
  );
  const mainScript = fields.get("mainScript");
  if (mainScript === undefined) {
    throw new JenkinsError(
      "forbidden",
      `Jenkins offers only Rebuild for ${name}, not Replay: the Jenkins user lacks Run/Replay (implied by Job/Configure), or the script runs outside the Groovy sandbox, which only an administrator may replay.`,
    );
  }
  fields.delete("mainScript");
  return { mainScript, loadedScripts: Object.fromEntries(fields) };
}

export async function replayBuild(
  http: JenkinsHttp,
  path: JobPath,
  number: number,
  scripts: ReplayScripts,
  signal?: AbortSignal,
): Promise<void> {
  const form = new URLSearchParams({
    json: JSON.stringify({ ...scripts.loadedScripts, mainScript: scripts.mainScript }),
  });
  const response = await http.send({
    method: "POST",
    path: `${jobUrlPath(path)}${number}/replay/run`,
    body: form.toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    accept: [302, 303],
    action: `replaying ${describeBuild(path, number)}`,
    notFound: buildNotFound(path, number),
    mutating: true,
    signal,
  });
  await response.body.dump();
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Jelly's escape-by-default output, undone: named entities and numeric ones. */
function decodeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith("#x") || entity.startsWith("#X"))
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}
