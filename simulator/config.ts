import { branchSourcesXml, gitScmXml } from "./scm.js";
import {
  Folder,
  type FolderKind,
  type Item,
  Job,
  type JobKind,
  type ParamDef,
  type ParamType,
} from "./world.js";
import { childText, descendants, escapeXml, parseXml, type XmlElement } from "./xml.js";

/** config.xml of items: what the simulator reads from createItem / POST config.xml, and what it serves. */

export type ItemType = JobKind | FolderKind;

export interface ItemConfig {
  readonly type: ItemType;
  readonly description: string | null;
  readonly disabled: boolean;
  readonly params: readonly ParamDef[];
  /** A pipeline's inline script (CpsFlowDefinition), when it has one. */
  readonly script: string | null;
}

const ROOT_ELEMENTS: Readonly<Record<string, ItemType>> = {
  project: "freestyle",
  "flow-definition": "pipeline",
  "com.cloudbees.hudson.plugins.folder.Folder": "folder",
  "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject": "multibranch",
};

/** Descriptor ids accepted by `createItem?mode=...`, as Jenkins' TopLevelItemDescriptor names. */
export const ITEM_MODES: Readonly<Record<string, ItemType>> = {
  "hudson.model.FreeStyleProject": "freestyle",
  "org.jenkinsci.plugins.workflow.job.WorkflowJob": "pipeline",
  "com.cloudbees.hudson.plugins.folder.Folder": "folder",
  "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject": "multibranch",
};

const PARAM_ELEMENTS: Readonly<Record<string, ParamType>> = {
  "hudson.model.StringParameterDefinition": "string",
  "hudson.model.BooleanParameterDefinition": "boolean",
  "hudson.model.ChoiceParameterDefinition": "choice",
  "hudson.model.PasswordParameterDefinition": "password",
};

/** XStream cannot map the root element to an item class. */
export class UnknownItemTypeError extends Error {}

/** Parses a config.xml; throws XmlError (malformed) or UnknownItemTypeError. */
export function parseConfig(xml: string): ItemConfig {
  const root = parseXml(xml);
  const type = ROOT_ELEMENTS[root.name];
  if (!type)
    throw new UnknownItemTypeError(
      `com.thoughtworks.xstream.mapper.CannotResolveClassException: ${root.name}`,
    );
  return {
    type,
    description: childText(root, "description") ?? null,
    disabled: childText(root, "disabled")?.trim() === "true",
    params: parseParams(root),
    script: descendants(root, "script")[0]?.text ?? null,
  };
}

function parseParams(root: XmlElement): ParamDef[] {
  const definitions = descendants(root, "parameterDefinitions")[0];
  if (!definitions) return [];
  return definitions.children.flatMap((element) => {
    const type = PARAM_ELEMENTS[element.name];
    const name = childText(element, "name")?.trim();
    if (!type || !name) return [];
    const choices = descendants(element, "string").map((s) => s.text);
    const defaultText = childText(element, "defaultValue") ?? "";
    const defaultValue =
      type === "choice" ? (choices[0] ?? "") : type === "password" ? decodeSecret(defaultText) : defaultText;
    return [{ type, name, description: childText(element, "description") ?? null, defaultValue, choices }];
  });
}

export function itemType(item: Item): ItemType {
  return item instanceof Job || item instanceof Folder ? item.kind : "freestyle";
}

/** The stored config.xml, or one generated from the model (as Jenkins would have saved it). */
export function configOf(item: Item): string {
  return item.configXml ?? generateConfig(item);
}

/** Jenkins keeps secrets encrypted in config.xml: `{AQAAABAAAAAQ...}`. */
function encodeSecret(value: string): string {
  return `{AQAAABAAAAAQ${Buffer.from(value, "utf8").toString("base64")}}`;
}

function decodeSecret(text: string): string {
  const match = /^\{AQAAABAAAAAQ([A-Za-z0-9+/=]*)\}$/.exec(text.trim());
  return match?.[1] !== undefined ? Buffer.from(match[1], "base64").toString("utf8") : text;
}

function tag(name: string, value: string | null, indent: string): string {
  return value === null ? `${indent}<${name}/>` : `${indent}<${name}>${escapeXml(value)}</${name}>`;
}

function paramXml(def: ParamDef): string {
  const element = Object.keys(PARAM_ELEMENTS).find((k) => PARAM_ELEMENTS[k] === def.type) ?? "";
  const lines = [
    `        <${element}>`,
    tag("name", def.name, "          "),
    tag("description", def.description, "          "),
  ];
  if (def.type === "choice") {
    lines.push(
      '          <choices class="java.util.Arrays$ArrayList">',
      '            <a class="string-array">',
    );
    for (const choice of def.choices ?? []) lines.push(tag("string", choice, "              "));
    lines.push("            </a>", "          </choices>");
  } else {
    const value = def.type === "password" ? encodeSecret(def.defaultValue) : def.defaultValue;
    lines.push(tag("defaultValue", value, "          "));
    if (def.type === "string") lines.push("          <trim>false</trim>");
  }
  lines.push(`        </${element}>`);
  return lines.join("\n");
}

function propertiesXml(job: Job): string {
  if (job.params.length === 0) return "  <properties/>";
  return [
    "  <properties>",
    "    <hudson.model.ParametersDefinitionProperty>",
    "      <parameterDefinitions>",
    ...job.params.map(paramXml),
    "      </parameterDefinitions>",
    "    </hudson.model.ParametersDefinitionProperty>",
    "  </properties>",
  ].join("\n");
}

/** An inline script (CpsFlowDefinition), or the Jenkinsfile of a repository (CpsScmFlowDefinition). */
function pipelineDefinitionXml(job: Job): string[] {
  if (job.scm) {
    return [
      '  <definition class="org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition" plugin="workflow-cps">',
      gitScmXml(job.scm, "    "),
      `    <scriptPath>${escapeXml(job.scm.scriptPath ?? "Jenkinsfile")}</scriptPath>`,
      "    <lightweight>true</lightweight>",
      "  </definition>",
    ];
  }
  return [
    '  <definition class="org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition" plugin="workflow-cps">',
    `    <script>${escapeXml(job.script)}</script>`,
    "    <sandbox>true</sandbox>",
    "  </definition>",
  ];
}

function generateConfig(item: Item): string {
  const header = "<?xml version='1.1' encoding='UTF-8'?>";
  const description = tag("description", item.description, "  ");
  if (item instanceof Folder) {
    const root =
      item.kind === "folder"
        ? "com.cloudbees.hudson.plugins.folder.Folder"
        : "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject";
    return [
      header,
      `<${root}>`,
      "  <actions/>",
      description,
      "  <properties/>",
      ...(item.kind === "multibranch" ? branchSourcesXml(item) : []),
      `</${root}>`,
      "",
    ].join("\n");
  }
  if (!(item instanceof Job)) return header;
  const disabled = `  <disabled>${item.disabled}</disabled>`;
  if (item.kind === "pipeline") {
    return [
      header,
      '<flow-definition plugin="workflow-job">',
      "  <actions/>",
      description,
      "  <keepDependencies>false</keepDependencies>",
      propertiesXml(item),
      ...pipelineDefinitionXml(item),
      "  <triggers/>",
      disabled,
      "</flow-definition>",
      "",
    ].join("\n");
  }
  return [
    header,
    "<project>",
    description,
    "  <keepDependencies>false</keepDependencies>",
    propertiesXml(item),
    item.scm ? gitScmXml(item.scm, "  ") : '  <scm class="hudson.scm.NullSCM"/>',
    "  <canRoam>true</canRoam>",
    disabled,
    "  <triggers/>",
    `  <concurrentBuild>${item.concurrent}</concurrentBuild>`,
    "  <builders>",
    "    <hudson.tasks.Shell>",
    `      <command>echo &quot;Building ${escapeXml(item.name)}&quot;</command>`,
    "    </hudson.tasks.Shell>",
    "  </builders>",
    "  <publishers/>",
    "  <buildWrappers/>",
    "</project>",
    "",
  ].join("\n");
}

/** Applies a parsed configuration to an existing item of the same type. */
export function applyConfig(item: Item, config: ItemConfig, xml: string): void {
  item.description = config.description;
  item.configXml = xml;
  if (item instanceof Job) {
    item.disabled = config.disabled;
    item.params = config.params;
    if (config.script !== null) item.script = config.script;
  }
}
