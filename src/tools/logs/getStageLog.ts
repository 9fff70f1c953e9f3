import { z } from "zod";
import { findErrors } from "../../diagnosis/scan.js";
import { allStages, findStage, type StageAt, stagePath, stepsBelow } from "../../diagnosis/stages.js";
import { unlessNotFound } from "../../jenkins/errors.js";
import type { FlowStage, FlowStep, PipelineGraph } from "../../jenkins/flow.js";
import { type JobPath, parseJobPath } from "../../jenkins/paths.js";
import { defineTool, type ToolContext, ToolError } from "../registry.js";
import { logResourceLink } from "../resource-uris.js";
import { buildNumber, jobFullName, wholeNumber } from "../schemas.js";

const MAX_LINES = 1000;
/** Text of the log lines in one answer: a stage's log is read by pages like any log. */
const MAX_LOG_CHARS = 50_000;
/** Steps listed, and steps read from the end of a stage that did not fail. */
const MAX_STEPS = 50;
const MAX_STEPS_READ = 10;
/** Lines shown before a failed step's first error. */
const LINES_BEFORE_ERROR = 5;

const stepSchema = z.object({
  id: z.string(),
  step: z.string(),
  branch: z.string().nullable(),
  status: z.string(),
  error: z.string().nullable(),
});

const logPartSchema = z.object({
  stepId: z.string(),
  step: z.string(),
  fromLine: z.number(),
  lines: z.array(z.string()),
  hasMoreBefore: z.boolean(),
  hasMoreAfter: z.boolean(),
});

type StepEntry = z.infer<typeof stepSchema>;
type LogPart = z.infer<typeof logPartSchema>;

export const getStageLog = defineTool({
  name: "getStageLog",
  toolset: "logs",
  core: false,
  title: "Get a stage's log",
  description:
    'The log of one stage or parallel branch of a pipeline run, without the rest of the build: its steps with their status, then `limit` lines around the failed step\'s first error (else the stage\'s last lines). Line numbers count in each step\'s own log (negative: from its end). E.g. {"jobFullName": "team/api", "stage": "Test » unit"}',
  inputSchema: z.object({
    jobFullName,
    buildNumber: buildNumber.optional(),
    stage: z
      .string()
      .min(1)
      .max(500)
      .describe('Stage or branch name, or a path for nested ones: "Deploy", "Test » unit"'),
    limit: wholeNumber(`Lines (default 100, max ${MAX_LINES})`, { min: 1, max: MAX_LINES }).default(100),
  }),
  outputSchema: z.object({
    jobFullName: z.string(),
    buildNumber: z.number(),
    stage: z.string(),
    status: z.string(),
    error: z.string().nullable(),
    steps: z.array(stepSchema),
    stepsCut: z.boolean(),
    focus: z.enum(["error", "end"]),
    log: z.array(logPartSchema),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, context) {
    const build = await context.readBuild(input.jobFullName, input.buildNumber);
    const path = parseJobPath(build.jobFullName);
    const graph = await stagesOf(context, path, build.number, build.jobFullName);
    const at = chosenStage(graph, input.stage, `${build.jobFullName} #${build.number}`);
    const reader = new StageLogReader(context, path, build.number, input.limit);
    const steps = stepEntries(at.stage);
    const failed = stepsBelow(at.stage).find((step) => step.status === "FAILED");
    const log = failed ? await reader.aroundError(failed) : await reader.end(stepsBelow(at.stage));
    const structured = {
      jobFullName: build.jobFullName,
      buildNumber: build.number,
      stage: stagePath(at.path),
      status: at.stage.status,
      error: at.stage.error === null ? null : context.mask(at.stage.error),
      steps: steps.slice(0, MAX_STEPS).map((entry) => ({
        ...entry,
        error: entry.error === null ? null : context.mask(entry.error),
      })),
      stepsCut: graph.stepsCut || steps.length > MAX_STEPS,
      focus: failed ? ("error" as const) : ("end" as const),
      log,
    };
    context.audit.done = `read stage ${structured.stage} of ${build.jobFullName} #${build.number}`;
    return {
      text: renderStageLog(structured),
      structured,
      links: [logResourceLink(build.jobFullName, build.number)],
    };
  },
});

async function stagesOf(context: ToolContext, path: JobPath, number: number, name: string) {
  const { type } = await context.jenkins.resolveJob(path, context.signal);
  if (type !== "pipeline") {
    throw new ToolError(`${name} is a ${type} job, whose builds have no stages: getBuildLog reads its log.`);
  }
  const graph = await unlessNotFound(context.jenkins.pipelineGraph(path, number, context.signal));
  if (!graph || graph.stages.length === 0) {
    throw new ToolError(
      `${name} #${number} has no stages Jenkins can tell (neither the Pipeline Stage View nor the Pipeline Graph View plugin answers): getBuildLog reads its log.`,
    );
  }
  return graph;
}

function chosenStage(graph: PipelineGraph, name: string, build: string): StageAt {
  const found = findStage(graph, name);
  if (!Array.isArray(found)) return found;
  const names = (found.length > 0 ? found : allStages(graph.stages)).map((at) => `"${stagePath(at.path)}"`);
  const shown = names.slice(0, 30).join(", ") + (names.length > 30 ? `, and ${names.length - 30} more` : "");
  if (found.length > 0)
    throw new ToolError(`Several stages of ${build} are named "${name}": give one of ${shown}.`);
  throw new ToolError(`${build} has no stage "${name}". Its stages: ${shown}.`);
}

/** The stage's steps in order, each with the branch (relative to the stage) it ran in. */
function stepEntries(stage: FlowStage, branch: string | null = null): StepEntry[] {
  return [
    ...stage.steps.map((step) => ({
      id: step.id,
      step: step.label,
      branch,
      status: step.status,
      error: step.error,
    })),
    ...stage.children.flatMap((child) =>
      stepEntries(child, branch === null ? child.name : `${branch} » ${child.name}`),
    ),
  ];
}

/** Reads steps' own logs within the answer's line and character budget. */
class StageLogReader {
  private chars = MAX_LOG_CHARS;

  constructor(
    private readonly context: ToolContext,
    private readonly path: JobPath,
    private readonly build: number,
    private lines: number,
  ) {}

  /** From a little before the failed step's first error; its last lines when it names none. */
  async aroundError(step: FlowStep): Promise<LogPart[]> {
    const request = { path: this.path, build: this.build, stepId: step.id, signal: this.context.signal };
    const scan = await findErrors((consume) => this.context.jenkins.scanStepLog(request, consume));
    const first = scan.blocks[0]?.lineNumber;
    const skip = first === undefined ? undefined : Math.max(0, first - LINES_BEFORE_ERROR);
    const part = await this.read(step, skip);
    return part ? [part] : [];
  }

  /** The last lines of the stage: from its last steps back, as many as fit. */
  async end(steps: readonly FlowStep[]): Promise<LogPart[]> {
    const parts: LogPart[] = [];
    for (const step of [...steps].reverse().slice(0, MAX_STEPS_READ)) {
      if (this.lines <= 0 || this.chars <= 0) break;
      const part = await this.read(step, undefined);
      if (part) parts.unshift(part);
    }
    return parts;
  }

  private async read(step: FlowStep, skip: number | undefined): Promise<LogPart | null> {
    const page = await this.context.jenkins.stepLogPage({
      path: this.path,
      build: this.build,
      stepId: step.id,
      signal: this.context.signal,
      lines: this.lines,
      maxChars: this.chars,
      skip,
    });
    if (!page || page.lines.length === 0) return null;
    this.lines -= page.lines.length;
    this.chars -= page.lines.reduce((sum, line) => sum + line.length + 1, 0);
    return {
      stepId: step.id,
      step: step.label,
      // A tail's place is known only from the end.
      fromLine: skip ?? -page.lines.length,
      lines: page.lines.map((line) => this.context.mask(line)),
      hasMoreBefore: page.hasMoreBefore,
      hasMoreAfter: page.hasMoreAfter,
    };
  }
}

function renderStageLog(result: {
  jobFullName: string;
  buildNumber: number;
  stage: string;
  status: string;
  error: string | null;
  steps: StepEntry[];
  stepsCut: boolean;
  focus: "error" | "end";
  log: LogPart[];
}): string {
  const lines = [
    `Stage "${result.stage}" of ${result.jobFullName} #${result.buildNumber}: ${result.status}${result.error ? `: ${result.error}` : ""}`,
    `Steps${result.stepsCut ? " (Jenkins listed only some)" : ""}:`,
    ...result.steps.map(
      (step) =>
        `- ${step.branch ? `[${step.branch}] ` : ""}${step.step}: ${step.status}${step.error ? `: ${step.error}` : ""}`,
    ),
  ];
  if (result.log.length === 0) lines.push("Its steps printed nothing.");
  for (const part of result.log) {
    const where = result.focus === "error" ? "around its first error" : "its last lines";
    lines.push(`Log of step ${part.step} (${where}; line numbers in the step's own log):`);
    if (part.hasMoreBefore) lines.push("…");
    lines.push(...part.lines.map((text, offset) => `${part.fromLine + offset} ${text}`));
    if (part.hasMoreAfter) lines.push("…");
  }
  return lines.join("\n");
}
