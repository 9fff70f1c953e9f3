import { Bean, levels, prop } from "./export.js";
import { Folder, type Item, Job } from "./world.js";
import { escapeXml } from "./xml.js";

/**
 * Where items get their code, as the git plugin, workflow-cps and branch-api keep it (2026 sources):
 * - a freestyle job's `scm` (AbstractProject.getScm, @Exported): hudson.plugins.git.GitSCM exports
 *   `userRemoteConfigs` (UserRemoteConfig: url, name, refspec, credentialsId) and `branches`
 *   (BranchSpec: name);
 * - a pipeline from SCM: WorkflowJob.getDefinition is NOT exported, so its CpsScmFlowDefinition
 *   (`scm`, `scriptPath`) is only in config.xml;
 * - a multibranch project: MultiBranchProject.getSources and BranchSource.getSource are exported,
 *   but GitSCMSource.getRemote is not: the remote is only in config.xml. Each branch job carries
 *   workflow-multibranch's BranchJobProperty, whose `branch` (jenkins.branch.Branch: head, scm) is
 *   exported, with the branch's own GitSCM;
 * - every build that checked out: hudson.plugins.git.util.BuildData (`remoteUrls`).
 */
export interface GitSource {
  url: string;
  /** BranchSpec names, e.g. "*\/main"; a multibranch project discovers its own. */
  branches: readonly string[];
  /** Pipelines from SCM and multibranch projects: the Jenkinsfile's path. */
  scriptPath?: string;
}

/** The source an item's builds check out: its own, or its multibranch project's for a branch job. */
export function sourceOf(item: Item): GitSource | null {
  if (item.scm) return item.scm;
  const parent = item.parent;
  if (item instanceof Job && parent instanceof Folder && parent.kind === "multibranch" && parent.scm) {
    return { url: parent.scm.url, branches: [decodeURIComponent(item.name)] };
  }
  return null;
}

export function gitScmBean(source: GitSource): Bean {
  return new Bean(
    "hudson.plugins.git.GitSCM",
    levels([
      // Declared List<BranchSpec> and List<UserRemoteConfig>: entries of those classes carry no _class.
      prop(
        "branches",
        1,
        () =>
          source.branches.map(
            (name) => new Bean("hudson.plugins.git.BranchSpec", levels([prop("name", 1, () => name)])),
          ),
        { declared: "hudson.plugins.git.BranchSpec" },
      ),
      prop("browser", 1, () => null),
      prop("mergeOptions", 1, () => new Bean("hudson.plugins.git.UserMergeOptions", [])),
      prop(
        "userRemoteConfigs",
        1,
        () => [
          new Bean(
            "hudson.plugins.git.UserRemoteConfig",
            levels([
              prop("credentialsId", 1, () => null),
              prop("name", 1, () => null),
              prop("refspec", 1, () => null),
              prop("url", 1, () => source.url),
            ]),
          ),
        ],
        { declared: "hudson.plugins.git.UserRemoteConfig" },
      ),
    ]),
  );
}

/** workflow-multibranch's BranchJobProperty of a branch job. */
export function branchJobPropertyBean(job: Job, source: GitSource): Bean {
  return new Bean(
    "org.jenkinsci.plugins.workflow.multibranch.BranchJobProperty",
    levels([
      prop(
        "branch",
        1,
        () =>
          new Bean(
            "jenkins.branch.Branch",
            levels([
              prop(
                "head",
                1,
                () =>
                  new Bean(
                    "jenkins.plugins.git.GitBranchSCMHead",
                    levels([prop("name", 1, () => decodeURIComponent(job.name))]),
                  ),
              ),
              prop("scm", 1, () => gitScmBean(source)),
            ]),
          ),
      ),
    ]),
  );
}

/** A multibranch project's `sources`: the source's class and id, without its remote. */
export function branchSourcesBean(folder: Folder): Bean[] {
  if (!folder.scm) return [];
  return [
    new Bean(
      "jenkins.branch.BranchSource",
      levels([
        prop(
          "source",
          1,
          () => new Bean("jenkins.plugins.git.GitSCMSource", levels([prop("id", 1, () => sourceId(folder))])),
        ),
      ]),
    ),
  ];
}

/** The git plugin's BuildData of a build that checked `source` out. */
export function buildDataBean(source: GitSource): Bean {
  return new Bean(
    "hudson.plugins.git.util.BuildData",
    levels([prop("remoteUrls", 1, () => [source.url]), prop("scmName", 1, () => "")]),
  );
}

function sourceId(folder: Folder): string {
  return `${folder.fullName.replace(/\W/g, "-")}-source`;
}

export function gitScmXml(source: GitSource, indent: string): string {
  const branches = source.branches
    .map(
      (name) =>
        `${indent}    <hudson.plugins.git.BranchSpec>\n${indent}      <name>${escapeXml(name)}</name>\n${indent}    </hudson.plugins.git.BranchSpec>`,
    )
    .join("\n");
  return [
    `${indent}<scm class="hudson.plugins.git.GitSCM" plugin="git">`,
    `${indent}  <configVersion>2</configVersion>`,
    `${indent}  <userRemoteConfigs>`,
    `${indent}    <hudson.plugins.git.UserRemoteConfig>`,
    `${indent}      <url>${escapeXml(source.url)}</url>`,
    `${indent}    </hudson.plugins.git.UserRemoteConfig>`,
    `${indent}  </userRemoteConfigs>`,
    `${indent}  <branches>`,
    branches,
    `${indent}  </branches>`,
    `${indent}  <doGenerateSubmoduleConfigurations>false</doGenerateSubmoduleConfigurations>`,
    `${indent}  <submoduleCfg class="empty-list"/>`,
    `${indent}  <extensions/>`,
    `${indent}</scm>`,
  ].join("\n");
}

/** WorkflowMultiBranchProject's `sources` and `factory` in config.xml. */
export function branchSourcesXml(folder: Folder): string[] {
  if (!folder.scm) return [];
  return [
    '  <sources class="jenkins.branch.MultiBranchProject$BranchSourceList" plugin="branch-api">',
    "    <data>",
    "      <jenkins.branch.BranchSource>",
    '        <source class="jenkins.plugins.git.GitSCMSource" plugin="git">',
    `          <id>${sourceId(folder)}</id>`,
    `          <remote>${escapeXml(folder.scm.url)}</remote>`,
    "          <credentialsId></credentialsId>",
    "          <traits>",
    "            <jenkins.plugins.git.traits.BranchDiscoveryTrait/>",
    "          </traits>",
    "        </source>",
    '        <strategy class="jenkins.branch.DefaultBranchPropertyStrategy">',
    '          <properties class="empty-list"/>',
    "        </strategy>",
    "      </jenkins.branch.BranchSource>",
    "    </data>",
    '    <owner class="org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject" reference="../.."/>',
    "  </sources>",
    '  <factory class="org.jenkinsci.plugins.workflow.multibranch.WorkflowBranchProjectFactory">',
    `    <scriptPath>${escapeXml(folder.scm.scriptPath ?? "Jenkinsfile")}</scriptPath>`,
    "  </factory>",
  ];
}
