/**
 * Where a failed build's error is: in a pipeline, the failed step's own log (so that cleanup in
 * `post`, other parallel branches and Jenkins' own lines are not in the way); else, or when that
 * log names no error, the build's whole log within the scan's budget.
 */
import type { JenkinsClient } from "../jenkins/client.js";
import { unlessNotFound } from "../jenkins/errors.js";
import type { PipelineGraph } from "../jenkins/flow.js";
import type { BuildLogRequest } from "../jenkins/logs.js";
import type { ErrorScan } from "./errors.js";
import { findBuildLogErrors, findErrors, type LogFindings } from "./scan.js";
import { type FailurePoint, findFailure } from "./stages.js";

export interface Located {
  /** The run's stages; null for other jobs, or a pipeline whose stages Jenkins does not tell. */
  graph: PipelineGraph | null;
  failure: FailurePoint | null;
  /** The errors of the failed step's own log, when it names some. */
  stepErrors: ErrorScan | null;
  /** Otherwise those of the build's log. */
  buildErrors: LogFindings | null;
}

export async function locateErrors(
  jenkins: JenkinsClient,
  request: BuildLogRequest & { building: boolean; pipeline: boolean },
): Promise<Located> {
  const startedAt = Date.now();
  const graph = request.pipeline
    ? await unlessNotFound(jenkins.pipelineGraph(request.path, request.build, request.signal))
    : null;
  const failure = graph ? findFailure(graph) : null;
  const step = failure?.step;
  if (step) {
    const stepErrors = await findErrors(
      (consume) => jenkins.scanStepLog({ ...request, stepId: step.id }, consume),
      startedAt,
    );
    if (stepErrors.blocks.length > 0) return { graph, failure, stepErrors, buildErrors: null };
  }
  const buildErrors = await findBuildLogErrors(jenkins, request, startedAt);
  return { graph, failure, stepErrors: null, buildErrors };
}
