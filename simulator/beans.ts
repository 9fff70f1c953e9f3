import { type Auth, authName, CRUMB_FIELD } from "./auth.js";
import { CULPRIT_CLASS, culpritBeans, gitChangeSetList, pipelineChangeSets } from "./changes.js";
import { Bean, compareJava, type ExportValue, LazyList, levels, OPAQUE, type Prop, prop } from "./export.js";
import { branchJobPropertyBean, branchSourcesBean, buildDataBean, gitScmBean, sourceOf } from "./scm.js";
import { caseAge, failedSince } from "./test-history.js";
import { timeSpan } from "./timespan.js";
import {
  type Agent,
  type Artifact,
  type Build,
  type Cause,
  Folder,
  type Item,
  Job,
  type ParamDef,
  type ParamValue,
  type QueueItem,
  type Result,
  rawEncode,
  type TestCase,
  type TestResult,
  type TestSuite,
  type ViewSpec,
  type World,
} from "./world.js";

/** The exported shape of every Jenkins object the simulator serves, class by class as Stapler sees them. */

const RESULT_COLORS: Readonly<Record<Result, string>> = {
  SUCCESS: "blue",
  UNSTABLE: "yellow",
  FAILURE: "red",
  NOT_BUILT: "notbuilt",
  ABORTED: "aborted",
};

/** Run.getIconColor: while building, the previous build's colour with `_anime`. */
function buildColor(build: Build): string {
  if (build.result) return RESULT_COLORS[build.result];
  const previous = build.previous();
  return `${previous ? buildColor(previous).replace(/_anime$/, "") : "notbuilt"}_anime`;
}

function jobColor(job: Job): string {
  if (job.disabled) return "disabled";
  const last = job.builds.at(-1);
  return last ? buildColor(last) : "notbuilt";
}

interface Health {
  readonly score: number;
  readonly description: string;
}

/** Job.getBuildStabilityHealthReport over the last five conclusive builds. */
function stability(job: Job): Health | null {
  const completed = job.newestFirst().filter((b) => !b.building);
  if (completed.length === 0) return null;
  if (!completed.some((b) => b.result === "FAILURE")) {
    return { score: 100, description: "Build stability: No recent builds failed." };
  }
  const recent = completed.filter(
    (b) => b.result === "SUCCESS" || b.result === "UNSTABLE" || b.result === "FAILURE",
  );
  const considered = recent.slice(0, 5);
  const failed = considered.filter((b) => b.result === "FAILURE").length;
  const total = considered.length;
  const summary =
    failed === 0
      ? "No recent builds failed."
      : failed === total
        ? "All recent builds failed."
        : `${failed} out of the last ${total} builds failed.`;
  return { score: Math.floor((100 * (total - failed)) / total), description: `Build stability: ${summary}` };
}

function jobsBelow(folder: Folder): Job[] {
  return folder.children
    .items()
    .flatMap((item) => (item instanceof Folder ? jobsBelow(item) : item instanceof Job ? [item] : []));
}

/** WorstChildHealthMetric: the worst job below the folder, when it is not perfect. */
function worstChild(folder: Folder): Health | null {
  let worst: Health | null = null;
  for (const job of jobsBelow(folder)) {
    const health = stability(job);
    if (health && (worst === null || health.score < worst.score)) {
      worst = {
        score: health.score,
        description: `Worst health: ${job.fullDisplayName}: ${health.description}`,
      };
    }
  }
  return worst && worst.score < 100 ? worst : null;
}

function healthBucket(score: number): string {
  if (score <= 20) return "00to19";
  if (score <= 40) return "20to39";
  if (score <= 60) return "40to59";
  if (score <= 80) return "60to79";
  return "80plus";
}

function healthBean(health: Health): Bean {
  const bucket = healthBucket(health.score);
  return new Bean(
    "hudson.model.HealthReport",
    levels([
      prop("description", 2, () => health.description),
      prop("iconClassName", 2, () => `icon-health-${bucket}`),
      prop("iconUrl", 2, () => `health-${bucket}.png`),
      prop("score", 2, () => health.score),
    ]),
  );
}

const PARAM_VALUE_CLASSES: Readonly<Record<ParamValue["type"], string>> = {
  string: "hudson.model.StringParameterValue",
  choice: "hudson.model.StringParameterValue",
  boolean: "hudson.model.BooleanParameterValue",
  password: "hudson.model.PasswordParameterValue",
};

const PARAM_DEFINITION_CLASSES: Readonly<Record<ParamDef["type"], string>> = {
  string: "hudson.model.StringParameterDefinition",
  choice: "hudson.model.ChoiceParameterDefinition",
  boolean: "hudson.model.BooleanParameterDefinition",
  password: "hudson.model.PasswordParameterDefinition",
};

/** A parameter value; PasswordParameterValue exports no value at all. */
function paramValueBean(value: ParamValue): Bean {
  const own = value.type === "password" ? [] : [prop("value", 4, () => value.value)];
  return new Bean(PARAM_VALUE_CLASSES[value.type], levels([prop("name", 3, () => value.name)], own));
}

export function defaultValue(def: ParamDef): ParamValue {
  const value = def.type === "boolean" ? def.defaultValue === "true" : def.defaultValue;
  return { type: def.type, name: def.name, value };
}

function paramDefinitionBean(def: ParamDef): Bean {
  const own = def.type === "choice" ? [prop("choices", 3, () => [...(def.choices ?? [])])] : [];
  return new Bean(
    PARAM_DEFINITION_CLASSES[def.type],
    levels(
      [
        prop("defaultParameterValue", 3, () => paramValueBean(defaultValue(def))),
        prop("description", 3, () => def.description),
        prop("name", 3, () => def.name),
        prop("type", 3, () => PARAM_DEFINITION_CLASSES[def.type].replace("hudson.model.", "")),
      ],
      own,
    ),
  );
}

function parametersPropertyBean(job: Job): Bean {
  return new Bean(
    "hudson.model.ParametersDefinitionProperty",
    levels([prop("parameterDefinitions", 2, () => job.params.map(paramDefinitionBean))]),
  );
}

function causeBean(cause: Cause): Bean {
  return new Bean(
    "hudson.model.Cause$UserIdCause",
    levels(
      [prop("shortDescription", 3, () => `Started by user ${cause.userName}`)],
      [prop("userId", 3, () => cause.userId), prop("userName", 3, () => cause.userName)],
    ),
  );
}

/** The causes of a build; a replay adds workflow-cps's ReplayCause ("Replayed #N"). */
function causeActionBean(causes: readonly Cause[], replayOf: number | null = null): Bean {
  const replay =
    replayOf === null
      ? []
      : [
          new Bean(
            "org.jenkinsci.plugins.workflow.cps.replay.ReplayCause",
            levels([prop("shortDescription", 3, () => `Replayed #${replayOf}`)]),
          ),
        ];
  return new Bean(
    "hudson.model.CauseAction",
    levels([prop("causes", 2, () => [...causes.map(causeBean), ...replay])]),
  );
}

function parametersActionBean(values: readonly ParamValue[]): Bean {
  return new Bean(
    "hudson.model.ParametersAction",
    levels([prop("parameters", 2, () => values.map(paramValueBean))]),
  );
}

const ARTIFACT_CLASS = "hudson.model.Run$Artifact";

/**
 * hudson.model.Run.Artifact: relativePath, fileName and displayPath are @Exported (visibility 3);
 * its length (getLength, getFileSize) is not, so the remote API tells no size.
 */
function artifactBean(artifact: Artifact, all: readonly Artifact[]): Bean {
  const fileName = artifactFileName(artifact);
  // Run.ArtifactList.computeDisplayName shortens paths to what tells them apart; the file name
  // alone when no other artifact shares it is that rule's usual outcome.
  const shared = all.filter((other) => artifactFileName(other) === fileName).length > 1;
  return new Bean(
    ARTIFACT_CLASS,
    levels([
      prop("displayPath", 3, () => (shared ? artifact.relativePath : fileName)),
      prop("fileName", 3, () => fileName),
      prop("relativePath", 3, () => artifact.relativePath),
    ]),
  );
}

function artifactFileName(artifact: Artifact): string {
  return artifact.relativePath.slice(artifact.relativePath.lastIndexOf("/") + 1);
}

function viewBean(className: string, name: string, url: string): Bean {
  return new Bean(
    className,
    levels([
      prop("description", 1, () => null),
      prop("jobs", 1, () => []),
      prop("name", 2, () => name),
      prop("property", 1, () => [], { inline: true }),
      prop("url", 2, () => url),
    ]),
  );
}

export class Beans {
  constructor(
    private readonly world: World,
    private readonly baseUrl: string,
  ) {}

  item(item: Item): Bean {
    if (item instanceof Job) return item.kind === "pipeline" ? this.workflowJob(item) : this.freestyle(item);
    if (item instanceof Folder) return this.folder(item);
    throw new Error(`Unknown item ${item.fullName}`);
  }

  private itemLevel(item: Item): Prop[] {
    return [
      prop("description", 1, () => item.description),
      prop("displayName", 1, () => item.displayName),
      prop("displayNameOrNull", 1, () => item.displayNameOrNull),
      prop("fullDisplayName", 1, () => item.fullDisplayName),
      prop("fullName", 1, () => item.fullName),
      prop("name", 999, () => item.name),
      prop("url", 999, () => this.baseUrl + item.urlPath),
    ];
  }

  private jobActions(job: Job): ExportValue[] {
    const params = job.params.length ? [parametersPropertyBean(job)] : [];
    return [
      ...params,
      OPAQUE,
      OPAQUE,
      new Bean("com.cloudbees.plugins.credentials.ViewCredentialsAction", []),
    ];
  }

  /** The job's properties: its parameters; a branch job's BranchJobProperty. */
  private jobProperties(job: Job): Bean[] {
    const source = sourceOf(job);
    const branch = source && !job.scm && job.kind === "pipeline" ? [branchJobPropertyBean(job, source)] : [];
    return [...branch, ...(job.params.length ? [parametersPropertyBean(job)] : [])];
  }

  private jobLevel(job: Job): Prop[] {
    const link = (name: string) => () => this.buildOrNull(job.permalink(name));
    return [
      prop("allBuilds", -2, () => {
        const newest = job.newestFirst();
        return new LazyList(newest.length, (i) => this.buildOrNull(newest[i]));
      }),
      prop("buildable", 1, () => job.buildable),
      prop("builds", 1, () =>
        job
          .newestFirst()
          .slice(0, 100)
          .map((b) => this.build(b)),
      ),
      prop("color", 2, () => jobColor(job)),
      prop("firstBuild", 1, () => this.buildOrNull(job.builds[0])),
      prop("healthReport", 1, () => this.healthReports(stability(job)), {
        declared: "hudson.model.HealthReport",
      }),
      prop("inQueue", 1, () => this.world.queue.some((q) => q.job === job)),
      prop("keepDependencies", 1, () => false),
      prop("lastBuild", 1, link("lastBuild")),
      prop("lastCompletedBuild", 1, link("lastCompletedBuild")),
      prop("lastFailedBuild", 1, link("lastFailedBuild")),
      prop("lastStableBuild", 1, link("lastStableBuild")),
      prop("lastSuccessfulBuild", 1, link("lastSuccessfulBuild")),
      prop("lastUnstableBuild", 1, link("lastUnstableBuild")),
      prop("lastUnsuccessfulBuild", 1, link("lastUnsuccessfulBuild")),
      prop("nextBuildNumber", 1, () => job.nextBuildNumber),
      prop("property", 1, () => this.jobProperties(job), { inline: true }),
      prop("queueItem", 1, () => {
        const queued = this.world.queueItems().find((q) => q.job === job);
        return queued ? this.queueItem(queued) : null;
      }),
    ];
  }

  private healthReports(health: Health | null): Bean[] {
    return health ? [healthBean(health)] : [];
  }

  private freestyle(job: Job): Bean {
    return new Bean(
      "hudson.model.FreeStyleProject",
      levels([prop("actions", 1, () => this.jobActions(job))], this.itemLevel(job), this.jobLevel(job), [
        prop("concurrentBuild", 1, () => job.concurrent),
        prop("disabled", 1, () => job.disabled),
        prop("downstreamProjects", 1, () => []),
        prop("labelExpression", 1, () => null),
        prop("scm", 1, () =>
          job.scm
            ? gitScmBean(job.scm)
            : job.builds.some((build) => build.commits !== null)
              ? new Bean("hudson.plugins.git.GitSCM", [])
              : new Bean("hudson.scm.NullSCM", []),
        ),
        prop("upstreamProjects", 1, () => []),
      ]),
    );
  }

  private workflowJob(job: Job): Bean {
    const jobLevel = this.jobLevel(job);
    return new Bean(
      "org.jenkinsci.plugins.workflow.job.WorkflowJob",
      levels([prop("actions", 1, () => this.jobActions(job))], this.itemLevel(job), jobLevel, [
        prop("concurrentBuild", 1, () => job.concurrent),
        prop("disabled", 1, () => job.disabled),
        ...jobLevel.filter((p) => p.name === "inQueue" || p.name === "queueItem"),
        prop("resumeBlocked", 1, () => false),
      ]),
    );
  }

  private folder(folder: Folder): Bean {
    const isFolder = folder.kind === "folder";
    const view = isFolder
      ? viewBean("hudson.model.AllView", "All", this.baseUrl + folder.urlPath)
      : viewBean(
          "jenkins.branch.MultiBranchProjectViewHolder$ViewImpl",
          "default",
          this.baseUrl + folder.urlPath,
        );
    const children = folder.children.items();
    const folderLevel = [
      prop("healthReport", 1, () => this.healthReports(worstChild(folder)), {
        declared: "hudson.model.HealthReport",
      }),
      prop("jobs", 1, () => new LazyList(children.length, (i) => this.itemOrNull(children[i]))),
      prop("primaryView", 1, () => view),
      prop("views", 1, () => [view]),
    ];
    const actions = [prop("actions", 1, () => [OPAQUE, OPAQUE])];
    if (isFolder) {
      return new Bean(
        "com.cloudbees.hudson.plugins.folder.Folder",
        levels(actions, this.itemLevel(folder), folderLevel),
      );
    }
    return new Bean(
      "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject",
      levels(
        actions,
        this.itemLevel(folder),
        folderLevel,
        [prop("buildable", 1, () => true)],
        [prop("sources", 1, () => branchSourcesBean(folder), { declared: "jenkins.branch.BranchSource" })],
      ),
    );
  }

  private itemOrNull(item: Item | undefined): Bean | null {
    return item ? this.item(item) : null;
  }

  private buildOrNull(build: Build | undefined): Bean | null {
    return build ? this.build(build) : null;
  }

  build(build: Build): Bean {
    const pipeline = build.job.kind === "pipeline";
    const runLevel = [
      // Declared List<Run.Artifact>: entries of that very class carry no _class.
      prop("artifacts", 1, () => build.artifacts.map((artifact, _, all) => artifactBean(artifact, all)), {
        declared: ARTIFACT_CLASS,
      }),
      prop("building", 1, () => build.building),
      prop("description", 1, () => build.description),
      prop("displayName", 1, () => build.displayName),
      prop("duration", 1, () => build.duration),
      prop("estimatedDuration", 1, () => build.execution?.estimatedDuration ?? build.job.estimatedDuration()),
      prop("executor", 1, () => (build.building ? this.executorOf(build) : null)),
      prop("fullDisplayName", 1, () => build.fullDisplayName),
      prop("id", 1, () => String(build.number)),
      prop("inProgress", 1, () => build.building),
      prop("keepLog", 1, () => build.keepLog),
      prop("number", 2, () => build.number),
      prop("queueId", 1, () => build.queueId),
      prop("result", 1, () => build.result),
      prop("timestamp", 1, () => build.timestamp),
      prop("url", 2, () => this.baseUrl + build.url),
    ];
    const actions = [prop("actions", 1, () => this.buildActions(build))];
    if (!pipeline) {
      return new Bean(
        "hudson.model.FreeStyleBuild",
        levels(actions, runLevel, [
          prop("builtOn", 1, () => ""),
          // AbstractBuild.getChangeSet: the SCM's set, even when empty; EmptyChangeLogSet without an SCM.
          prop("changeSet", 1, () =>
            build.commits ? gitChangeSetList(build.commits, this.baseUrl) : emptyChangeSet(),
          ),
          prop("culprits", 1, () => culpritBeans(build, this.baseUrl), { declared: CULPRIT_CLASS }),
        ]),
      );
    }
    const sibling = (other: Build | undefined) => () => (other ? this.build(other) : null);
    return new Bean(
      "org.jenkinsci.plugins.workflow.job.WorkflowRun",
      levels(actions, runLevel, [
        prop("changeSets", 1, () => pipelineChangeSets(build, this.baseUrl)),
        prop("culprits", 1, () => culpritBeans(build, this.baseUrl), { declared: CULPRIT_CLASS }),
        prop("inProgress", 1, () => build.building),
        prop("nextBuild", 1, sibling(build.next()), {
          declared: "org.jenkinsci.plugins.workflow.job.WorkflowRun",
        }),
        prop("previousBuild", 1, sibling(build.previous()), {
          declared: "org.jenkinsci.plugins.workflow.job.WorkflowRun",
        }),
      ]),
    );
  }

  private buildActions(build: Build): ExportValue[] {
    const params = build.params ? [parametersActionBean(build.params)] : [];
    const source = sourceOf(build.job);
    const checkout = source ? [buildDataBean(source)] : [];
    const tests = build.testResult;
    const testAction = tests
      ? [
          new Bean(
            "hudson.tasks.junit.TestResultAction",
            levels([
              prop("failCount", 2, () => tests.failCount),
              prop("skipCount", 2, () => tests.skipCount),
              prop("totalCount", 2, () => tests.totalCount),
              prop("urlName", 2, () => "testReport"),
            ]),
          ),
        ]
      : [];
    const flowGraph =
      build.job.kind === "pipeline"
        ? [new Bean("org.jenkinsci.plugins.workflow.job.views.FlowGraphAction", [])]
        : [];
    return [
      ...params,
      causeActionBean(build.causes, build.replayOf),
      ...checkout,
      OPAQUE,
      OPAQUE,
      ...testAction,
      OPAQUE,
      ...flowGraph,
      OPAQUE,
    ];
  }

  /** The executor a running build holds: a OneOffExecutor (number -1) for a pipeline's flyweight task. */
  private executorOf(build: Build): Bean {
    if (build.job.kind === "pipeline") return this.executor(-1, this.build(build), build);
    return this.executor(this.world.onBuiltInNode().indexOf(build), this.build(build), build);
  }

  /**
   * hudson.model.Executor running `executable` (a build, or a pipeline's node block) of `build`. The
   * simulator numbers the built-in node's executors in the order their builds started.
   */
  private executor(number: number, executable: Bean, build: Build): Bean {
    const elapsed = this.world.now() - build.timestamp;
    const estimate = build.execution?.estimatedDuration ?? -1;
    return new Bean(
      number < 0 ? "hudson.model.OneOffExecutor" : "hudson.model.Executor",
      levels([
        prop("currentExecutable", 1, () => executable),
        prop("idle", 1, () => false),
        prop("likelyStuck", 1, () => false),
        prop("number", 1, () => number),
        prop("progress", 1, () => (estimate > 0 ? Math.min(99, Math.floor((100 * elapsed) / estimate)) : -1)),
      ]),
    );
  }

  /**
   * A pipeline's `node` block holding an agent's executor:
   * ExecutorStepExecution.PlaceholderTask.PlaceholderExecutable, which exports its build's number, URL
   * (Run.getAbsoluteUrl), start and estimate under a name of its own ("part of team » api #3").
   */
  private nodeBlock(build: Build): Bean {
    const name = `part of ${build.fullDisplayName}`;
    return new Bean(
      "org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution$PlaceholderTask$PlaceholderExecutable",
      levels([
        prop("displayName", 1, () => name),
        prop(
          "estimatedDuration",
          1,
          () => build.execution?.estimatedDuration ?? build.job.estimatedDuration(),
        ),
        prop("fullDisplayName", 1, () => name),
        prop("number", 1, () => build.number),
        prop("timestamp", 1, () => build.timestamp),
        prop("url", 1, () => this.baseUrl + build.url),
      ]),
    );
  }

  /** hudson.tasks.junit.TestResult, the target of a build's `testReport`. */
  testReport(build: Build, result: TestResult): Bean {
    const duration = sumDurations(result.suites.flatMap((suite) => suite.cases));
    return new Bean(
      "hudson.tasks.junit.TestResult",
      levels(
        [prop("testActions", 1, () => [])],
        [
          prop("duration", 1, () => duration),
          prop("empty", 1, () => result.totalCount === 0),
          prop("failCount", 1, () => result.failCount),
          prop("passCount", 1, () => result.totalCount - result.failCount - result.skipCount),
          prop("skipCount", 1, () => result.skipCount),
          prop("suites", 1, () => result.suites.map((suite) => suiteBean(build, suite))),
        ],
      ),
    );
  }

  queueItem(item: QueueItem): Bean {
    const actions = [
      ...(item.params ? [parametersActionBean(item.params)] : []),
      causeActionBean(item.causes),
    ] satisfies ExportValue[];
    const common = levels(
      [prop("actions", 1, () => actions)],
      [
        prop("blocked", 999, () => item.state === "blocked"),
        prop("buildable", 999, () => item.state === "buildable"),
        prop("id", 999, () => item.id),
        prop("inQueueSince", 999, () => item.inQueueSince),
        prop("params", 999, () => (item.params ?? []).map(shortDescription).join("")),
        prop("stuck", 999, () => false),
        prop("task", 999, () => this.item(item.job)),
        prop("url", 999, () => item.url),
        prop("why", 999, () => this.why(item)),
      ],
    );
    switch (item.state) {
      case "waiting":
        return new Bean("hudson.model.Queue$WaitingItem", [
          ...common,
          prop("timestamp", 999, () => item.due),
        ]);
      case "blocked":
        return new Bean("hudson.model.Queue$BlockedItem", [
          ...common,
          prop("buildableStartMilliseconds", 999, () => item.buildableSince),
        ]);
      case "buildable":
        return new Bean("hudson.model.Queue$BuildableItem", [
          ...common,
          prop("buildableStartMilliseconds", 999, () => item.buildableSince),
          prop("pending", 999, () => false),
        ]);
      case "left":
        return new Bean("hudson.model.Queue$LeftItem", [
          ...common,
          prop("cancelled", 999, () => item.cancelled),
          prop("executable", 999, () => (item.build ? this.build(item.build) : null)),
        ]);
    }
  }

  /** Queue.Item.getWhy for each state. */
  private why(item: QueueItem): string | null {
    switch (item.state) {
      case "waiting": {
        const left = item.due - this.world.now();
        return left >= 0 ? `In the quiet period. Expires in ${timeSpan(left)}` : "Finished waiting";
      }
      case "blocked": {
        const running = this.world.blockingBuild(item.job);
        if (!running) return "???";
        const remaining = this.world.estimatedRemaining(running);
        const eta = remaining > 0 ? timeSpan(remaining) : "N/A";
        return `Build #${running.number} is already in progress (ETA: ${eta})`;
      }
      case "buildable":
        return this.world.quietingDown
          ? "Jenkins is about to shut down"
          : "Waiting for next available executor";
      case "left":
        return null;
    }
  }

  queue(): Bean {
    return new Bean(
      "hudson.model.Queue",
      levels([
        prop("discoverableItems", 1, () => [], { inline: true }),
        prop("items", 1, () => this.world.queueItems().map((q) => this.queueItem(q)), { inline: true }),
      ]),
    );
  }

  root(): Bean {
    const view = viewBean("hudson.model.AllView", "all", this.baseUrl);
    const items = this.world.root.items();
    return new Bean(
      "hudson.model.Hudson",
      levels(
        [
          prop("assignedLabels", 1, () => [labelBean("built-in")], {
            declared: "hudson.model.labels.LabelAtom",
          }),
          prop("mode", 1, () => "NORMAL"),
          prop("nodeDescription", 1, () => "the Jenkins controller's built-in node"),
          prop("nodeName", 999, () => ""),
          prop("numExecutors", 1, () => this.world.options.executors),
        ],
        [
          prop("description", 1, () => null),
          prop("jobs", 1, () => new LazyList(items.length, (i) => this.itemOrNull(items[i]))),
          prop("overallLoad", 1, () => new Bean("hudson.model.OverallLoadStatistics", []), {
            declared: "hudson.model.OverallLoadStatistics",
          }),
          prop("primaryView", 1, () => view),
          prop("quietDownReason", 1, () => this.world.quietDownReason),
          prop("quietingDown", 1, () => this.world.quietingDown),
          prop("slaveAgentPort", 1, () => 50000),
          prop("unlabeledLoad", 1, () => new Bean("jenkins.model.UnlabeledLoadStatistics", [])),
          prop("url", 1, () => this.baseUrl),
          prop("useCrumbs", 1, () => true),
          prop("useSecurity", 1, () => true),
          prop("views", 1, () => [view, ...this.world.views.map((spec) => this.view(spec, ""))]),
        ],
      ),
    );
  }

  /**
   * hudson.model.ListView, or the nested-view plugin's NestedView (which exports its `views` and
   * no jobs), at `{parent}view/{name}/` (`parentPath` relative to the root); View exports name,
   * url, description, jobs and property.
   */
  view(spec: ViewSpec, parentPath: string): Bean {
    const path = `${parentPath}view/${rawEncode(spec.name)}/`;
    const url = this.baseUrl + path;
    const own = [
      prop("description", 1, () => spec.description ?? null),
      prop("name", 2, () => spec.name),
      prop("property", 1, () => [], { inline: true }),
      prop("url", 2, () => url),
    ];
    if (spec.kind === "nested") {
      return new Bean(
        "hudson.plugins.nested_view.NestedView",
        levels([
          ...own,
          prop("jobs", 1, () => []),
          prop("views", 1, () => spec.views.map((child) => this.view(child, path))),
        ]),
      );
    }
    const items =
      spec.kind === "all"
        ? this.world.root.items()
        : spec.jobs.flatMap((fullName) => {
            const item = this.world.getItem(fullName);
            return item ? [item] : [];
          });
    return new Bean(
      spec.kind === "all" ? "hudson.model.AllView" : "hudson.model.ListView",
      levels([...own, prop("jobs", 1, () => new LazyList(items.length, (i) => this.itemOrNull(items[i])))]),
    );
  }

  /**
   * hudson.model.ComputerSet: the built-in node, then the agents by name (getComputers sorts by
   * getName, "" for the built-in node). Its executor counts are of online computers only. Jenkins
   * shows a build on an executor only to users who may read it (Executor.getCurrentExecutableForApi):
   * every simulated user who may read the API may read every job.
   */
  computers(): Bean {
    const agents = [...this.world.agents].sort((a, b) => compareJava(a.name, b.name));
    const computers = [this.builtInComputer(), ...agents.map((agent) => this.agentComputer(agent))];
    const online = computers.filter((computer) => !computer.offline);
    const count = (executors: (c: ComputerState) => number) =>
      online.reduce((sum, computer) => sum + executors(computer), 0);
    return new Bean(
      "hudson.model.ComputerSet",
      levels([
        prop("busyExecutors", 1, () => count((c) => c.executors.filter((e) => e !== null).length)),
        prop("computer", 1, () => computers.map((c) => this.computer(c)), { inline: true }),
        prop("displayName", 1, () => "Nodes"),
        prop("totalExecutors", 1, () => count((c) => c.executors.length)),
      ]),
    );
  }

  /** Jenkins.MasterComputer: freestyle builds hold its executors, pipelines run on one-off executors. */
  private builtInComputer(): ComputerState {
    const builds = this.world.onBuiltInNode();
    return {
      className: "hudson.model.Hudson$MasterComputer",
      displayName: "Built-In Node",
      description: "the Jenkins controller's built-in node",
      labels: ["built-in"],
      executors: Array.from({ length: this.world.options.executors }, (_, number) => {
        const build = builds[number];
        return build ? this.executor(number, this.build(build), build) : null;
      }),
      oneOffExecutors: [...this.world.running]
        .filter((build) => build.job.kind === "pipeline")
        .map((build) => this.executor(-1, this.build(build), build)),
      offline: false,
      offlineCause: null,
    };
  }

  /** hudson.slaves.SlaveComputer: offline while disconnected or marked offline; node blocks on its executors. */
  private agentComputer(agent: Agent): ComputerState {
    const blocks = this.world.nodeBlocksOn(agent);
    const marked = agent.markedOffline;
    return {
      className: "hudson.slaves.SlaveComputer",
      displayName: agent.name,
      description: agent.description,
      labels: [...agent.labels, agent.name],
      executors: Array.from({ length: agent.executors }, (_, number) => {
        const build = blocks[number];
        return build ? this.executor(number, this.nodeBlock(build), build) : null;
      }),
      oneOffExecutors: [],
      offline: !agent.connected || marked !== null,
      offlineCause: marked && {
        // OfflineCause.UserCause: "Disconnected by {user}{ : message}".
        description: `Disconnected by ${marked.userId}${marked.message === null ? "" : ` : ${marked.message}`}`,
        // IOfflineCause.getReason: the description without "Disconnected by {user} : ", HTML-escaped.
        reason: marked.message === null ? "" : escapeJenkinsText(marked.message),
        at: marked.at,
      },
    };
  }

  private computer(computer: ComputerState): Bean {
    const cause = computer.offlineCause;
    const icon = cause
      ? "symbol-computer-disconnected"
      : computer.offline
        ? "symbol-computer-offline"
        : "symbol-computer";
    return new Bean(
      computer.className,
      levels(
        [prop("actions", 1, () => [])],
        [
          prop("assignedLabels", 1, () => computer.labels.map(labelBean), {
            declared: "hudson.model.labels.LabelAtom",
          }),
          prop("description", 1, () => computer.description),
          prop("displayName", 1, () => computer.displayName),
          prop(
            "executors",
            1,
            () => computer.executors.map((executor, number) => executor ?? idleExecutor(number)),
            { declared: "hudson.model.Executor" },
          ),
          prop("icon", 1, () => icon),
          prop("iconClassName", 1, () => icon),
          prop(
            "idle",
            1,
            () => computer.oneOffExecutors.length === 0 && computer.executors.every((e) => e === null),
          ),
          prop("jnlpAgent", 1, () => computer.className === "hudson.slaves.SlaveComputer"),
          prop("launchSupported", 1, () => true),
          prop("loadStatistics", 1, () => new Bean("hudson.model.Label$1", [])),
          prop("manualLaunchAllowed", 1, () => true),
          prop("numExecutors", 1, () => computer.executors.length),
          prop("offline", 1, () => computer.offline),
          prop("offlineCause", 1, () => (cause ? userCauseBean(cause) : null)),
          prop("offlineCauseReason", 1, () => cause?.reason ?? ""),
          prop("oneOffExecutors", 1, () => computer.oneOffExecutors, {
            declared: "hudson.model.OneOffExecutor",
          }),
          prop("temporarilyOffline", 1, () => cause !== null),
        ],
      ),
    );
  }

  whoAmI(auth: Auth): Bean {
    return new Bean(
      "hudson.security.WhoAmI",
      levels([
        prop("anonymous", 1, () => auth.user === null),
        prop("authenticated", 1, () => true),
        prop("authorities", 1, () => (auth.user ? ["authenticated"] : ["anonymous"])),
        prop("name", 1, () => authName(auth)),
      ]),
    );
  }

  crumb(crumb: string): Bean {
    return new Bean(
      "hudson.security.csrf.DefaultCrumbIssuer",
      levels([prop("crumb", 1, () => crumb), prop("crumbRequestField", 1, () => CRUMB_FIELD)]),
    );
  }
}

function sumDurations(cases: readonly TestCase[]): number {
  return cases.reduce((sum, c) => sum + c.duration, 0);
}

function suiteBean(build: Build, suite: TestSuite): Bean {
  return new Bean(
    "hudson.tasks.junit.SuiteResult",
    levels([
      prop("cases", 9, () => suite.cases.map((test) => caseBean(build, suite.name, test))),
      prop("duration", 9, () => sumDurations(suite.cases)),
      prop("enclosingBlockNames", 9, () => []),
      prop("enclosingBlocks", 9, () => []),
      prop("id", 9, () => null),
      prop("name", 9, () => suite.name),
      prop("nodeId", 9, () => null),
      prop("properties", 9, () => null),
      prop("stderr", 9, () => null),
      prop("stdout", 9, () => null),
      prop("timestamp", 9, () => null),
    ]),
  );
}

function caseBean(build: Build, suiteName: string, test: TestCase): Bean {
  return new Bean(
    "hudson.tasks.junit.CaseResult",
    levels(
      [prop("testActions", 1, () => [])],
      [
        prop("age", 9, () => caseAge(build, suiteName, test)),
        prop("className", 9, () => test.className),
        prop("duration", 9, () => test.duration),
        prop("errorDetails", 9, () => test.errorDetails ?? null),
        prop("errorStackTrace", 9, () => test.errorStackTrace ?? null),
        prop("failedSince", 9, () => failedSince(build, suiteName, test)),
        prop("name", 999, () => test.name),
        prop("properties", 9, () => null),
        prop("skipped", 9, () => test.status === "SKIPPED"),
        prop("skippedMessage", 9, () => null),
        prop("status", 9, () => test.status),
        prop("stderr", 9, () => null),
        prop("stdout", 9, () => null),
      ],
    ),
  );
}

function shortDescription(value: ParamValue): string {
  return value.type === "password" ? `\n${value.name}=****` : `\n${value.name}=${String(value.value)}`;
}

function labelBean(name: string): Bean {
  return new Bean("hudson.model.labels.LabelAtom", [prop("name", 2, () => name)]);
}

/** An idle hudson.model.Executor: it runs nothing. */
function idleExecutor(number: number): Bean {
  return new Bean(
    "hudson.model.Executor",
    levels([
      prop("currentExecutable", 1, () => null),
      prop("idle", 1, () => true),
      prop("likelyStuck", 1, () => false),
      prop("number", 1, () => number),
      prop("progress", 1, () => -1),
    ]),
  );
}

/** A Computer as its bean shows it: the node's facts, and the executor beans of what it runs. */
interface ComputerState {
  readonly className: string;
  readonly displayName: string;
  readonly description: string;
  readonly labels: readonly string[];
  /** By executor number: the busy executor's bean, or null when idle. */
  readonly executors: readonly (Bean | null)[];
  readonly oneOffExecutors: readonly Bean[];
  readonly offline: boolean;
  /** Set when a person marked the computer offline. */
  readonly offlineCause: {
    readonly description: string;
    readonly reason: string;
    readonly at: number;
  } | null;
}

/** hudson.slaves.OfflineCause$UserCause: OfflineCause exports the timestamp, SimpleOfflineCause the description. */
function userCauseBean(cause: NonNullable<ComputerState["offlineCause"]>): Bean {
  return new Bean(
    "hudson.slaves.OfflineCause$UserCause",
    levels([prop("timestamp", 1, () => cause.at)], [prop("description", 1, () => cause.description)]),
  );
}

/** hudson.Util.escape: HTML-escapes text, a line end becoming <br>, all but the last of a run of spaces &nbsp;. */
function escapeJenkinsText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#039;")
    .replace(/\n/g, "<br>")
    .replace(/ (?= )/g, "&nbsp;");
}

function emptyChangeSet(): Bean {
  return new Bean("hudson.scm.EmptyChangeLogSet", [prop("items", 2, () => []), prop("kind", 2, () => null)]);
}
