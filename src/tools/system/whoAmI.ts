import { z } from "zod";
import { defineTool } from "../registry.js";

export const whoAmI = defineTool({
  name: "whoAmI",
  toolset: "system",
  core: false,
  title: "Who am I",
  description:
    "The Jenkins user this server acts as for you (and its groups), the MCP client name the policy knows you by, and the Jenkins URL.",
  inputSchema: z.object({}),
  outputSchema: z.object({
    user: z.string(),
    anonymous: z.boolean(),
    authorities: z.array(z.string()),
    client: z.string(),
    jenkinsUrl: z.string(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(_input, { jenkins, signal, client, audit }) {
    const identity = await jenkins.whoAmI(signal);
    audit.done = `asked who it acts as (${identity.user})`;
    const structured = { ...identity, client, jenkinsUrl: jenkins.baseUrl };
    const groups = identity.authorities.length ? ` (groups: ${identity.authorities.join(", ")})` : "";
    const text = identity.anonymous
      ? `This server acts as anonymous on ${jenkins.baseUrl}: set JENKINS_USER and JENKINS_API_TOKEN to act as a user.`
      : `This server acts as Jenkins user "${identity.user}"${groups} on ${jenkins.baseUrl}, for client "${client}".`;
    return { text, structured };
  },
});
