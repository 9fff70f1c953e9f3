import { MISSION_TOOLS } from "../../test/support/mission.js";
import { type BenchContext, expectOk, type Scenario } from "../lib/context.js";
import type { Row } from "../lib/report.js";
import { StdioRpc } from "../lib/rpc.js";

interface ListedTool {
  name: string;
  description?: string;
  inputSchema?: unknown;
}

/** Bytes of the tool definitions a model is given: each tool's name, description and input schema. */
function modelView(tools: readonly ListedTool[]): number {
  const shown = tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema }));
  return Buffer.byteLength(JSON.stringify(shown));
}

interface TypicalCall {
  tool: string;
  what: string;
  args: () => Record<string, unknown>;
  max?: number;
}

/**
 * What a model pays to read: the bytes of tools/list, and of each tool's typical answer (its text
 * and its structured content together), next to what Jenkins sent for it.
 */
export const contextCost: Scenario = {
  name: "context",
  async run({ simulator, progress }: BenchContext): Promise<Row[]> {
    const rows: Row[] = [];
    {
      const { server, rpc } = await StdioRpc.start(simulator.url);
      const { result } = await rpc.request("tools/list");
      await server.close();
      const listed = result.tools as ListedTool[];
      const names = listed.map((tool) => tool.name);
      rows.push({
        group: "context cost",
        measure: `tools/list, default set (${names.length} tools)`,
        value: Buffer.byteLength(JSON.stringify(result)),
        unit: "bytes",
        note: names.join(", "),
      });
      rows.push({
        group: "context cost",
        measure: `tools/list, default set (${names.length} tools), as a model sees them`,
        value: modelView(listed),
        unit: "bytes",
        target: { max: 6000 },
        note: "name, description and input schema of the tools offered without --toolsets (issue #19's budget)",
      });
    }
    const { server, rpc } = await StdioRpc.start(simulator.url, {
      JENKINS_MCP_TOOLS: MISSION_TOOLS.join(","),
    });
    try {
      const { result } = await rpc.request("tools/list");
      const tools = result.tools as ListedTool[];
      if (tools.length !== MISSION_TOOLS.length) {
        throw new Error(`tools/list has ${tools.length} tools: ${tools.map((tool) => tool.name).join(", ")}`);
      }
      rows.unshift({
        group: "context cost",
        measure: "tools/list, 7 tools",
        value: Buffer.byteLength(JSON.stringify(result)),
        unit: "bytes",
        target: { max: 6000 },
        note: MISSION_TOOLS.join(", "),
      });
      rows.splice(1, 0, {
        group: "context cost",
        measure: "tools/list, 7 tools, as a model sees them",
        value: modelView(tools),
        unit: "bytes",
        note: "name, description and input schema: what Claude Code hands the model (anthropics/claude-code#90150); output schemas only validate answers",
      });
      let queueItemId = 0;
      const stamp = Date.now().toString(36);
      const calls: TypicalCall[] = [
        { tool: "getJob", what: "team/backend/api", args: () => ({ jobFullName: "team/backend/api" }) },
        {
          tool: "getJobs",
          what: "a page of 50",
          args: () => ({ parentFullName: "big-folder", limit: 50 }),
          max: 6000,
        },
        {
          tool: "getBuild",
          what: "team/backend/api #4",
          args: () => ({ jobFullName: "team/backend/api", buildNumber: 4 }),
          max: 1000,
        },
        {
          tool: "getBuildLog",
          what: "last 100 lines",
          args: () => ({ jobFullName: "big-log", buildNumber: 1, limit: 100 }),
        },
        { tool: "triggerBuild", what: "hello, queued", args: () => ({ jobFullName: "hello" }) },
        { tool: "triggerBuild", what: "slow, queued", args: () => ({ jobFullName: "slow" }) },
        { tool: "cancelQueueItem", what: "that item", args: () => ({ queueItemId }) },
        {
          tool: "createJob",
          what: "a pipeline",
          args: () => ({
            jobFullName: `bench-${stamp}`,
            // A valid declarative script: createJob has Jenkins' linter check it first.
            pipelineScript: "pipeline { agent any; stages { stage('b') { steps { echo 'hi' } } } }",
          }),
        },
      ];
      for (const call of calls) {
        progress(`${call.tool} ${call.what}`);
        await simulator.reset();
        const { text, structured } = expectOk((await rpc.callTool(call.tool, call.args())).result, call.tool);
        if (call.what === "slow, queued") queueItemId = Number(structured.queueItemId);
        if (call.what === "slow, queued") continue;
        const { responseBytes } = await simulator.summary();
        rows.push({
          group: "context cost",
          measure: `${call.tool} answer (${call.what})`,
          value: Buffer.byteLength(text) + Buffer.byteLength(JSON.stringify(structured)),
          unit: "bytes",
          ...(call.max ? { target: { max: call.max } } : {}),
          baseline: { label: "Jenkins sent", value: responseBytes },
        });
      }
      return rows;
    } finally {
      await server.close();
    }
  },
};
