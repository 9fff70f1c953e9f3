import { z } from "zod";
import { parseArtifactPath } from "../../jenkins/artifacts.js";
import { JenkinsError } from "../../jenkins/errors.js";
import { describeBuild, formatJobPath } from "../../jenkins/paths.js";
import { defineTool, ToolError } from "../registry.js";
import { buildNumber, buildRef, jobFullName, wholeNumber } from "../schemas.js";

const MAX_LINES = 2000;
/** Bytes of an artifact read at most: the transfer stops there and the answer says it was cut. */
const MAX_ARTIFACT_BYTES = 2 * 1024 * 1024;

export const readArtifact = defineTool({
  name: "readArtifact",
  toolset: "artifacts",
  core: false,
  title: "Read a text artifact",
  description:
    'Read a text file a build archived, by lines: limit lines from line skip (0-based). Binary files are refused. E.g. {"jobFullName": "team/api", "buildNumber": 42, "path": "target/surefire-reports/summary.txt"}',
  inputSchema: z.object({
    jobFullName,
    buildNumber: buildNumber.optional(),
    path: z
      .string()
      .min(1)
      .max(1024)
      .describe('The artifact\'s relativePath as getArtifacts lists it, e.g. "target/reports/summary.txt"'),
    skip: wholeNumber("First line to read, 0-based (default 0)", { min: 0, max: 1_000_000_000 }).default(0),
    limit: wholeNumber(`Lines (default 200, at most ${MAX_LINES})`, { min: 1, max: MAX_LINES }).default(200),
  }),
  outputSchema: z.object({
    jobFullName: z.string(),
    buildNumber: z.number(),
    path: z.string(),
    text: z.string(),
    lineCount: z.number(),
    skip: z.number(),
    hasMore: z.boolean(),
    cut: z.boolean(),
    sizeBytes: z.number().nullable(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, { jenkins, signal, job, mask, audit }) {
    const artifact = parseArtifactPath(input.path);
    const jobPath = await job("read", input.jobFullName);
    const number = await jenkins.buildNumber(jobPath, buildRef(input.buildNumber), signal);
    const name = describeBuild(jobPath, number);
    const relativePath = artifact.join("/");
    const answer = await jenkins
      .readArtifact({
        path: jobPath,
        build: number,
        artifact,
        skip: input.skip,
        limit: input.limit,
        maxBytes: MAX_ARTIFACT_BYTES,
        signal,
      })
      .catch((error: unknown) => {
        if (error instanceof JenkinsError && error.kind === "notFound") {
          throw new ToolError(`${error.message} List its artifacts with getArtifacts.`);
        }
        throw error;
      });
    if (answer.kind === "binary") {
      const size = answer.size === null ? "" : ` (${answer.size} bytes)`;
      throw new ToolError(
        `${relativePath} of ${name} is a binary file${size}, not text: download it from the build's page in Jenkins.`,
      );
    }
    const text = mask(answer.lines.join("\n"));
    audit.done = `read ${answer.lines.length} lines of the artifact ${relativePath} of ${name}`;
    const first = input.skip + 1;
    const last = input.skip + answer.lines.length;
    const heading =
      answer.lines.length === 0
        ? `${relativePath} of ${name}: no lines from line ${first}${answer.hasMore ? "" : " (the file is shorter)"}.`
        : `${relativePath} of ${name}, lines ${first}-${last}:`;
    const notes: string[] = [];
    if (answer.cut) {
      notes.push(
        `The answer is cut: only the first ${MAX_ARTIFACT_BYTES / (1024 * 1024)} MB of the file are read.`,
      );
    } else if (answer.hasMore) {
      notes.push(`More lines follow: skip ${last} reads on.`);
    }
    return {
      text: [heading, ...(text ? [text] : []), ...notes].join("\n"),
      structured: {
        jobFullName: formatJobPath(jobPath),
        buildNumber: number,
        path: relativePath,
        text,
        lineCount: answer.lines.length,
        skip: input.skip,
        hasMore: answer.hasMore,
        cut: answer.cut,
        sizeBytes: answer.size,
      },
    };
  },
});
