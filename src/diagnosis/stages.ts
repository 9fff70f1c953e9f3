/**
 * Where in a pipeline a build failed: the stage, the parallel branch, the step. Pure logic over
 * the adapter's PipelineGraph.
 */
import type { FlowStage, FlowStep, PipelineGraph, StageStatus } from "../jenkins/flow.js";

/** How nested stage names are written, as Jenkins' own breadcrumbs do. */
const STAGE_SEPARATOR = " » ";

export interface StageAt {
  stage: FlowStage;
  /** Names from the top stage down to this one: `["Verify", "Lint"]`. */
  path: string[];
}

export interface FailurePoint {
  /** The innermost failed stage or branch. */
  at: StageAt;
  /** The innermost parallel branch on the way, or null. */
  branch: string | null;
  /** The step that failed, or null when no step says so (the stage view lists 100 steps at most). */
  step: FlowStep | null;
}

/** A failure first, else an unstable or aborted stage: the worst result names the cause. */
const WORST_FIRST: readonly StageStatus[] = ["FAILED", "UNSTABLE", "ABORTED"];

/**
 * The first stage with the worst status, followed down to its failed step. The stage view lists
 * nested stages flat, after their parent: a failed parent without a failed step of its own gives
 * way to a later failed stage that has one.
 */
export function findFailure(graph: PipelineGraph): FailurePoint | null {
  for (const status of WORST_FIRST) {
    const failures = graph.stages
      .filter((stage) => stage.status === status)
      .map((stage) => descend({ stage, path: [stage.name] }, status, null));
    const found = failures.find((failure) => failure.step !== null) ?? failures[0];
    if (found) return found;
  }
  return null;
}

/** Into the failed child while there is one; then the failed step, here or anywhere below. */
function descend(at: StageAt, status: StageStatus, branch: string | null): FailurePoint {
  const child = at.stage.children.find((candidate) => candidate.status === status);
  const inBranch = at.stage.branch ? at.stage.name : branch;
  if (child) return descend({ stage: child, path: [...at.path, child.name] }, status, inBranch);
  const step =
    at.stage.steps.find((candidate) => candidate.status === status) ??
    stepsBelow(at.stage).find((candidate) => candidate.status === status) ??
    null;
  return { at, branch: inBranch, step };
}

/** A stage's steps, its children's included, in order. */
export function stepsBelow(stage: FlowStage): FlowStep[] {
  return [...stage.steps, ...stage.children.flatMap(stepsBelow)];
}

/** Every stage and branch with its path, depth first. */
export function allStages(stages: readonly FlowStage[], parent: string[] = []): StageAt[] {
  return stages.flatMap((stage) => {
    const path = [...parent, stage.name];
    return [{ stage, path }, ...allStages(stage.children, path)];
  });
}

/**
 * The stage or branch a person names: its full path (`Verify » Lint`, `>` or `/` accepted), or
 * its own name when only one has it. Exact spelling first, then regardless of case.
 */
export function findStage(graph: PipelineGraph, name: string): StageAt | StageAt[] {
  const stages = allStages(graph.stages);
  // A name may hold a separator itself ("Build / Test").
  const whole = stages.filter((at) => at.stage.name === name);
  if (whole.length === 1) return whole[0] as StageAt;
  const wanted = splitPath(name);
  for (const same of [exactly, ignoringCase]) {
    const byPath = stages.filter((at) => samePath(at.path, wanted, same));
    if (byPath.length === 1) return byPath[0] as StageAt;
    const byName = stages.filter((at) => wanted.length === 1 && same(at.stage.name, wanted[0] ?? ""));
    if (byName.length === 1) return byName[0] as StageAt;
    if (byName.length > 1) return byName;
  }
  return [];
}

export function stagePath(path: readonly string[]): string {
  return path.join(STAGE_SEPARATOR);
}

function splitPath(name: string): string[] {
  return name
    .split(/\s*[»>/]\s*/)
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

/**
 * The stage view names declarative's own stages `Declarative: Post Actions`, the graph view `Post
 * Actions`: either spelling finds either.
 */
const DECLARATIVE = /^Declarative: /;

function exactly(a: string, b: string): boolean {
  return a.replace(DECLARATIVE, "") === b.replace(DECLARATIVE, "");
}

function ignoringCase(a: string, b: string): boolean {
  return (
    a
      .replace(DECLARATIVE, "")
      .localeCompare(b.replace(DECLARATIVE, ""), undefined, { sensitivity: "accent" }) === 0
  );
}

function samePath(path: readonly string[], wanted: readonly string[], same: typeof exactly): boolean {
  return path.length === wanted.length && path.every((part, index) => same(part, wanted[index] ?? ""));
}
