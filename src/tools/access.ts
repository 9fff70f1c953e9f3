import type { Confirmer, Guard } from "../guard/guard.js";
import type { Identity } from "../guard/identity.js";
import type { Action } from "../guard/policy.js";
import type { JenkinsClient } from "../jenkins/client.js";
import { isContainer } from "../jenkins/items.js";
import { formatJobPath, type JobPath, parseJobPath } from "../jenkins/paths.js";

/** Who asks, under which guardrails, through which Jenkins identity. */
export interface Caller {
  client: Identity;
  guard: Guard;
  jenkins: JenkinsClient;
  signal: AbortSignal;
  confirm: Confirmer;
}

/**
 * The job's canonical path, once the policy allows `action` on it. Decided twice, both before
 * anything of the job is read or sent: on the name as given, before any request (so a refused name
 * costs Jenkins nothing); then on Jenkins' own spelling, learned with the one request that answers
 * the name alone (a decoded branch name can be a different name to the policy). Every request after
 * this uses the canonical path, so the decision is on exactly what the request touches. A read is
 * confirmed here where the policy asks; a write is confirmed by `Guard.authorize` right before its POST.
 */
export async function permittedJob(
  caller: Caller,
  action: Action,
  jobFullName: string,
  field = "jobFullName",
): Promise<JobPath> {
  const given = parseJobPath(jobFullName, field);
  caller.guard.check(caller.client, action, formatJobPath(given));
  const canonical = (await caller.jenkins.resolveJob(given, caller.signal)).path;
  const fullName = formatJobPath(canonical);
  if (action === "read") {
    await caller.guard.authorize(
      { client: caller.client, action, job: fullName, what: `read ${fullName}` },
      caller.confirm,
    );
  } else {
    caller.guard.check(caller.client, action, fullName);
  }
  return canonical;
}

/**
 * A folder's canonical path, once the client may list it: it may read the folder or something in
 * it (Policy.mayList), by the name given before any request and by Jenkins' spelling after.
 */
export async function listableFolder(
  caller: Caller,
  folderFullName: string,
  field: string,
): Promise<JobPath> {
  const given = parseJobPath(folderFullName, field);
  requireListable(caller, formatJobPath(given), true);
  const canonical = await caller.jenkins.resolveJob(given, caller.signal);
  // A job holds nothing: it may be "listed" (and told to be no folder) only when it may be read.
  requireListable(caller, formatJobPath(canonical.path), isContainer(canonical.type));
  return canonical.path;
}

function requireListable(caller: Caller, folder: string, container: boolean): void {
  // Not listable means not readable either, so the read decision throws with its rule's reason.
  if (!caller.guard.mayList(caller.client, folder, container))
    caller.guard.check(caller.client, "read", folder);
}
