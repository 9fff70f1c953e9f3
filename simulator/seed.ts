import { SIMULATOR_USERS } from "./auth.js";
import { buildFooter, buildHeader, buildStepLines, completeLog } from "./build-logs.js";
import { deployCleanupLog, mavenCompileLog, nestedStagesLog, parallelTestsLog } from "./failure-logs.js";
import { GeneratedLog, GrowingLog } from "./logs.js";
import type { RecordedPipeline } from "./pipeline-console.js";
import { addCommits, type CommitSpec, MAVEN_COMPILE_COMMITS, PAYMENTS_COMMITS } from "./seed-changes.js";
import {
  Build,
  type Cause,
  type Job,
  junitResult,
  type ParamDef,
  type ParamValue,
  type Result,
  type Stage,
  type TestCase,
  type TestResult,
  type World,
} from "./world.js";

/** The default world, shared by tests and the demo. */

export const SEED_JOBS = {
  hello: "hello",
  api: "team/backend/api",
  deployApi: "team/backend/deploy-api",
  web: "team/frontend/web",
  disabled: "disabled-job",
  multibranch: "mb",
  mbMain: "mb/main",
  mbFeature: "mb/feature%2Flogin",
  bigLog: "big-log",
  slow: "slow",
  bigFolder: "big-folder",
  longRunning: "long-running",
  /** Pipelines with an `input` step: release asks without parameters, deploy with TARGET and REASON. */
  release: "ops/release",
  deploy: "ops/deploy",
  /** A pipeline whose running step catches `/stop`: only `/term` or `/kill` end it. */
  stubborn: "ops/stubborn",
  /** #1 failed in its Test stage, with failing tests, after a log of about 200 MB. */
  nightly: "ops/nightly",
  /** Failed in Deploy (`kubectl apply`), then about 3,000 lines of post actions; timestamped. */
  deployCleanup: "diag/deploy-cleanup",
  /** Failed in Test: of three interleaved `parallel` branches, only integration fails; timestamped. */
  parallelTests: "diag/parallel-tests",
  /** Failed in the stage Lint nested in the stage Verify; timestamped. */
  nestedStages: "diag/nested-stages",
  /** Freestyle: a Maven compile error, then about 2,000 lines of post-build steps. */
  mavenCompile: "diag/maven-compile",
  /**
   * A pipeline failing since #3 (#2 was the last success), with commits in every build: RefundTest
   * fails in #3, #5 and #6 (#4 did not compile, so it has no tests), CurrencyTest newly in #6.
   */
  payments: "diag/payments",
} as const;

/** `big-folder` holds job-00000 .. job-09999. */
const BIG_FOLDER_SIZE = 10_000;

/** big-log #1: this many generated 100-byte lines (about 200 MB), see `bigLogLine`. */
export const BIG_LOG_LINES = 2_000_000;

/** team/backend/api #4 failed its tests. */
export const API_FAILED_TESTS: Omit<TestResult, "suites"> = { totalCount: 120, failCount: 2, skipCount: 3 };

/** ops/nightly #1: this many generated 100-byte lines (about 200 MB) before its failure. */
export const NIGHTLY_LOG_LINES = 2_000_000;

/** A BRANCH value that makes team/backend/api fail. */
const API_FAILING_BRANCH = "broken";

const API_PARAMS: readonly ParamDef[] = [
  { type: "string", name: "BRANCH", description: "Git branch to build", defaultValue: "main" },
  { type: "boolean", name: "DEPLOY", description: "Deploy after the build", defaultValue: "false" },
  {
    type: "choice",
    name: "ENV",
    description: "Target environment",
    defaultValue: "dev",
    choices: ["dev", "staging", "prod"],
  },
  {
    type: "password",
    name: "API_TOKEN",
    description: "Token for the deploy API",
    defaultValue: "s3cr3t-default",
  },
];

const HOUR = 3_600_000;
const ADMIN: Cause = { userId: SIMULATOR_USERS.admin.id, userName: SIMULATOR_USERS.admin.fullName };

interface PastBuild {
  result: Result;
  hoursAgo: number;
  /** Required unless `pipeline` records the run, which then lasts as long as its log. */
  durationMs?: number;
  params?: Readonly<Record<string, string | boolean>>;
  steps?: readonly string[];
  testResult?: TestResult;
  stages?: readonly Stage[];
  /** The whole log, instead of the generic one made of `steps`. */
  log?: (build: Build, failed: boolean) => string;
  /** A pipeline's console and its flow graph, recorded together (instead of `log`). */
  pipeline?: (build: Build, failed: boolean) => RecordedPipeline;
}

function apiValues(job: Job, given: Readonly<Record<string, string | boolean>>): ParamValue[] {
  return job.params.map((def) => {
    const value =
      given[def.name] ?? (def.type === "boolean" ? def.defaultValue === "true" : def.defaultValue);
    return { type: def.type, name: def.name, value };
  });
}

/** Adds a finished build with a complete log, as if it ran `hoursAgo`. */
function addPastBuild(world: World, job: Job, past: PastBuild): Build {
  const params = job.params.length ? apiValues(job, past.params ?? {}) : null;
  const start = world.now() - past.hoursAgo * HOUR;
  const build = new Build(job, job.nextBuildNumber++, world.allocateQueueId(), start, [ADMIN], params);
  if (job.kind === "pipeline") build.script = job.script;
  const failed = past.result === "FAILURE";
  const recorded = past.pipeline?.(build, failed);
  if (recorded && recorded.result !== past.result) {
    throw new Error(`${job.fullName} #${build.number} recorded ${recorded.result}, not ${past.result}`);
  }
  const log = new GrowingLog();
  log.append(
    recorded?.console ??
      (past.log
        ? past.log(build, failed)
        : completeLog(build, past.result, past.steps ?? buildStepLines(job, 6))),
  );
  build.log = log;
  build.result = past.result;
  build.duration = recorded?.durationMs ?? past.durationMs ?? 0;
  build.flow = recorded?.flow ?? null;
  build.testResult = past.testResult ?? null;
  build.stages = past.stages ?? null;
  job.builds.push(build);
  return build;
}

const FAILED_TEST_STEPS = [
  "+ ./gradlew build\n",
  "> Task :compileJava\n",
  "> Task :test\n",
  "\n",
  "ApiControllerTest > rejectsExpiredToken() FAILED\n",
  "    org.opentest4j.AssertionFailedError: expected: <401> but was: <500>\n",
  "        at app//com.example.api.ApiControllerTest.rejectsExpiredToken(ApiControllerTest.java:88)\n",
  "\n",
  "ApiControllerTest > listsProjects() FAILED\n",
  '    java.lang.NullPointerException: Cannot invoke "Project.id()" because "project" is null\n',
  "\n",
  "120 tests completed, 2 failed, 3 skipped\n",
  "\u001b[31mFAILURE: Build failed with an exception.\u001b[0m\n",
  "* What went wrong:\n",
  "Execution failed for task ':test'.\n",
  "> There were failing tests. See the report at: file:///var/jenkins_home/workspace/team/backend/api/build/reports/tests/test/index.html\n",
];

const API_FAILURES: readonly TestCase[] = [
  {
    className: "com.example.api.ApiControllerTest",
    name: "rejectsExpiredToken()",
    status: "FAILED",
    duration: 0.412,
    errorDetails: "expected: <401> but was: <500>",
    errorStackTrace:
      "org.opentest4j.AssertionFailedError: expected: <401> but was: <500>\n\tat app//com.example.api.ApiControllerTest.rejectsExpiredToken(ApiControllerTest.java:88)\n",
  },
  {
    className: "com.example.api.ApiControllerTest",
    name: "listsProjects()",
    status: "REGRESSION",
    duration: 0.087,
    errorDetails: 'Cannot invoke "Project.id()" because "project" is null',
    errorStackTrace:
      'java.lang.NullPointerException: Cannot invoke "Project.id()" because "project" is null\n\tat app//com.example.api.ProjectService.list(ProjectService.java:41)\n',
  },
];

/** Passing and skipped cases around `failures`, in suites of 20 per class. */
function testSuites(prefix: string, failures: readonly TestCase[], passed: number, skipped: number) {
  const others = Array.from({ length: passed + skipped }, (_, i): TestCase => {
    const suite = Math.floor(i / 20);
    return {
      className: `${prefix}.Suite${suite}Test`,
      name: `case${i}()`,
      status: i < skipped ? "SKIPPED" : "PASSED",
      duration: 0.01 + (i % 7) / 100,
    };
  });
  const cases = [...failures, ...others];
  const names = [...new Set(cases.map((c) => c.className))];
  return junitResult(names.map((name) => ({ name, cases: cases.filter((c) => c.className === name) })));
}

/** The stages of a pipeline that failed in Test, with the error Jenkins records for it. */
function failedInTest(durationMs: number): Stage[] {
  const part = Math.floor(durationMs / 4);
  return [
    { name: "Checkout", status: "SUCCESS", durationMs: part },
    { name: "Build", status: "SUCCESS", durationMs: part },
    {
      name: "Test",
      status: "FAILED",
      durationMs: durationMs - 2 * part,
      error: { message: "script returned exit code 1", type: "hudson.AbortException" },
    },
    { name: "Deploy", status: "NOT_EXECUTED", durationMs: 0 },
  ];
}

function seedTeam(world: World): void {
  for (const folder of ["team", "team/backend", "team/frontend"]) world.addFolder(folder);
  const api = world.addJob(SEED_JOBS.api, {
    kind: "pipeline",
    params: API_PARAMS,
    description: "Builds and deploys the public API",
    scm: { url: "https://github.com/acme/api.git", branches: ["*/main"], scriptPath: "Jenkinsfile" },
    outcome: (p) => (p.BRANCH === API_FAILING_BRANCH ? "FAILURE" : "SUCCESS"),
  });
  const history: PastBuild[] = [
    { result: "SUCCESS", hoursAgo: 96, durationMs: 184_000 },
    {
      result: "SUCCESS",
      hoursAgo: 72,
      durationMs: 176_000,
      params: { BRANCH: "feature/payments", ENV: "staging" },
    },
    { result: "UNSTABLE", hoursAgo: 48, durationMs: 190_000, params: { DEPLOY: true } },
    {
      result: "FAILURE",
      hoursAgo: 24,
      durationMs: 95_000,
      params: { BRANCH: "release/2.0", ENV: "prod", DEPLOY: true },
      steps: FAILED_TEST_STEPS,
      testResult: testSuites("com.example.api", API_FAILURES, 115, 3),
      stages: failedInTest(95_000),
    },
    { result: "SUCCESS", hoursAgo: 2, durationMs: 181_000, params: { API_TOKEN: "rotated-token-value" } },
  ];
  for (const past of history) addPastBuild(world, api, past);
  const deploy = world.addJob(SEED_JOBS.deployApi, {
    kind: "pipeline",
    description: "Deploys the API",
    params: [
      {
        type: "choice",
        name: "TARGET",
        description: "Where to deploy",
        defaultValue: "dev",
        choices: ["dev", "staging", "prod"],
      },
    ],
  });
  addPastBuild(world, deploy, {
    result: "SUCCESS",
    hoursAgo: 20,
    durationMs: 42_000,
    params: { TARGET: "staging" },
  });
  const web = world.addJob(SEED_JOBS.web, {
    description: "Frontend",
    scm: { url: "git@github.com:acme/web.git", branches: ["*/main", "*/release/*"] },
  });
  addPastBuild(world, web, { result: "SUCCESS", hoursAgo: 30, durationMs: 61_000 });
  addPastBuild(world, web, { result: "UNSTABLE", hoursAgo: 5, durationMs: 64_000 });
}

function seedMultibranch(world: World): void {
  // The same repository as team/backend/api, spelt another way.
  world.addFolder(SEED_JOBS.multibranch, "multibranch").scm = {
    url: "ssh://git@GitHub.com/acme/api",
    branches: [],
    scriptPath: "Jenkinsfile",
  };
  for (const [fullName, display] of [
    [SEED_JOBS.mbMain, "main"],
    [SEED_JOBS.mbFeature, "feature/login"],
  ] as const) {
    const branch = world.addJob(fullName, {
      kind: "pipeline",
      readOnly: true,
      displayName: display,
      description: null,
    });
    addPastBuild(world, branch, { result: "SUCCESS", hoursAgo: 10, durationMs: 33_000 });
  }
}

function seedBigLog(world: World): void {
  const job = world.addJob(SEED_JOBS.bigLog, { description: "Produces a very large log" });
  const build = new Build(
    job,
    job.nextBuildNumber++,
    world.allocateQueueId(),
    world.now() - 3 * HOUR,
    [ADMIN],
    null,
  );
  build.log = new GeneratedLog(
    `${buildHeader(build)}+ ./generate-report.sh\n`,
    BIG_LOG_LINES,
    "Finished: SUCCESS\n",
  );
  build.result = "SUCCESS";
  build.duration = 1_800_000;
  job.builds.push(build);
}

/** Pipelines that wait for people, resist being stopped, or fail at the end of a huge log. */
function seedOps(world: World): void {
  world.addFolder("ops");
  world.addJob(SEED_JOBS.release, {
    kind: "pipeline",
    description: "Releases after a person approves",
    input: { id: "Release", message: "Release to customers?" },
  });
  world.addJob(SEED_JOBS.deploy, {
    kind: "pipeline",
    description: "Deploys after a person picks the target",
    input: {
      id: "Approve",
      message: "Deploy to production?",
      ok: "Deploy",
      params: [
        {
          type: "choice",
          name: "TARGET",
          description: "Where to deploy",
          defaultValue: "staging",
          choices: ["staging", "prod"],
        },
        { type: "string", name: "REASON", description: "Why now", defaultValue: "" },
      ],
    },
  });
  world.addJob(SEED_JOBS.stubborn, {
    kind: "pipeline",
    durationMs: HOUR,
    ignoresStop: true,
    description: "Runs a step that ignores /stop",
  });
  seedNightly(world);
}

function seedNightly(world: World): void {
  const job = world.addJob(SEED_JOBS.nightly, { kind: "pipeline", description: "Nightly full test run" });
  const build = new Build(
    job,
    job.nextBuildNumber++,
    world.allocateQueueId(),
    world.now() - 5 * HOUR,
    [ADMIN],
    null,
  );
  build.log = new GeneratedLog(
    `${buildHeader(build)}+ ./gradlew check\n`,
    NIGHTLY_LOG_LINES,
    FAILED_TEST_STEPS.join("") + buildFooter(build, "FAILURE"),
  );
  build.result = "FAILURE";
  build.duration = 3_600_000;
  build.testResult = testSuites("com.example.nightly", API_FAILURES, 4_000, 20);
  build.stages = failedInTest(3_600_000);
  job.builds.push(build);
}

const SCRIPT_FAILED = { message: "script returned exit code 1", type: "hudson.AbortException" };

/** Jobs whose last build failed the way real builds do, after a few successful ones. */
function seedDiag(world: World): void {
  world.addFolder("diag");
  const failing = [
    {
      fullName: SEED_JOBS.deployCleanup,
      kind: "pipeline",
      description: "Builds the API image and deploys it with kubectl",
      pipeline: deployCleanupLog,
    },
    {
      fullName: SEED_JOBS.parallelTests,
      kind: "pipeline",
      description: "Runs unit, integration and e2e tests in parallel",
      pipeline: parallelTestsLog,
    },
    {
      fullName: SEED_JOBS.nestedStages,
      kind: "pipeline",
      description: "Builds the web shop, then lints and tests it in stages nested in Verify",
      pipeline: nestedStagesLog,
    },
    {
      fullName: SEED_JOBS.mavenCompile,
      kind: "freestyle",
      description: "Builds the API with Maven",
      log: mavenCompileLog,
      durationMs: 31_000,
    },
  ] as const;
  for (const { fullName, kind, description, ...how } of failing) {
    const job = world.addJob(fullName, { kind, description });
    for (const hoursAgo of [75, 51, 27]) addPastBuild(world, job, { result: "SUCCESS", hoursAgo, ...how });
    addPastBuild(world, job, { result: "FAILURE", hoursAgo: 3, ...how });
  }
  seedArtifacts(world.getJob(SEED_JOBS.mavenCompile).getBuild(3));
  commitsInto(world.getJob(SEED_JOBS.mavenCompile), MAVEN_COMPILE_COMMITS);
  seedPayments(world);
}

/** Gives the job's builds, from #1 on, the commits each brought in. */
function commitsInto(job: Job, commits: readonly (readonly CommitSpec[])[]): void {
  for (const [index, build] of job.builds.entries()) addCommits(build, commits[index] ?? []);
}

const REFUND_TEST = { className: "com.example.payments.RefundTest", name: "roundsHalfEven()" };
const CURRENCY_TEST = { className: "com.example.payments.CurrencyTest", name: "parsesYen()" };

function paymentsTests(refund: TestCase["status"], currency: TestCase["status"]): TestResult {
  const failed = (status: TestCase["status"]) => status === "FAILED" || status === "REGRESSION";
  const cases: TestCase[] = [
    {
      ...REFUND_TEST,
      status: refund,
      duration: 0.031,
      ...(failed(refund) ? { errorDetails: "expected: <10.02> but was: <10.03>" } : {}),
    },
    {
      ...CURRENCY_TEST,
      status: currency,
      duration: 0.004,
      ...(failed(currency) ? { errorDetails: "expected: <1500> but was: <15>" } : {}),
    },
  ];
  return testSuites("com.example.payments", cases, 58, 2);
}

/** diag/payments: see SEED_JOBS.payments. */
function seedPayments(world: World): void {
  const job = world.addJob(SEED_JOBS.payments, {
    kind: "pipeline",
    description: "Builds and tests payments",
  });
  const testsFailed = [
    "+ ./gradlew test\n",
    "RefundTest > roundsHalfEven() FAILED\n",
    "> There were failing tests.\n",
  ];
  const history: PastBuild[] = [
    { result: "SUCCESS", hoursAgo: 120, durationMs: 64_000, testResult: paymentsTests("PASSED", "PASSED") },
    { result: "SUCCESS", hoursAgo: 96, durationMs: 66_000, testResult: paymentsTests("PASSED", "PASSED") },
    {
      result: "FAILURE",
      hoursAgo: 72,
      durationMs: 61_000,
      steps: testsFailed,
      testResult: paymentsTests("REGRESSION", "PASSED"),
      stages: failedInTest(61_000),
    },
    {
      result: "FAILURE",
      hoursAgo: 48,
      durationMs: 12_000,
      steps: ["+ ./gradlew compileTestJava\n", "error: cannot find symbol: class Money\n"],
      stages: [{ name: "Build", status: "FAILED", durationMs: 12_000, error: SCRIPT_FAILED }],
    },
    {
      result: "FAILURE",
      hoursAgo: 24,
      durationMs: 62_000,
      steps: testsFailed,
      testResult: paymentsTests("FAILED", "PASSED"),
      stages: failedInTest(62_000),
    },
    {
      result: "FAILURE",
      hoursAgo: 2,
      durationMs: 63_000,
      steps: [...testsFailed.slice(0, 2), "CurrencyTest > parsesYen() FAILED\n", ...testsFailed.slice(2)],
      testResult: paymentsTests("FAILED", "REGRESSION"),
      stages: failedInTest(63_000),
    },
  ];
  for (const past of history) addPastBuild(world, job, past);
  commitsInto(job, PAYMENTS_COMMITS);
}

/** Lines of the Surefire summary archived by diag/maven-compile #3. */
export const SUREFIRE_SUMMARY_LINES = 250;

/** What diag/maven-compile #3 archived: a text report and a binary jar. */
function seedArtifacts(build: Build | undefined): void {
  if (!build) throw new Error("diag/maven-compile has no build #3");
  const summary = [
    "-------------------------------------------------------",
    " T E S T S",
    "-------------------------------------------------------",
  ];
  while (summary.length < SUREFIRE_SUMMARY_LINES - 1) {
    const n = summary.length - 2;
    summary.push(
      `Running com.example.api.Suite${n}Test: Tests run: ${(n % 7) + 1}, Failures: 0, Errors: 0, Skipped: 0`,
    );
  }
  summary.push("BUILD SUCCESS");
  // A jar is a zip: its local file header, then binary data with NUL bytes.
  const jar = Buffer.concat([Buffer.from("PK\x03\x04\x14\x00\x08\x00", "latin1"), Buffer.alloc(4096, 0)]);
  build.artifacts = [
    { relativePath: "target/surefire-reports/summary.txt", content: Buffer.from(`${summary.join("\n")}\n`) },
    { relativePath: "target/app.jar", content: jar },
  ];
}

/** Creates the default world (see SEED_JOBS). */
export function seedWorld(world: World): void {
  const hello = world.addJob(SEED_JOBS.hello, { description: "Says hello" });
  addPastBuild(world, hello, { result: "SUCCESS", hoursAgo: 50, durationMs: 1_200 });
  addPastBuild(world, hello, { result: "FAILURE", hoursAgo: 26, durationMs: 900 });
  addPastBuild(world, hello, { result: "SUCCESS", hoursAgo: 1, durationMs: 1_100 });
  seedTeam(world);
  const disabled = world.addJob(SEED_JOBS.disabled, { disabled: true, description: "Switched off" });
  addPastBuild(world, disabled, { result: "SUCCESS", hoursAgo: 400, durationMs: 5_000 });
  seedMultibranch(world);
  seedBigLog(world);
  world.addJob(SEED_JOBS.slow, { quietPeriodMs: HOUR, description: "Waits an hour in the queue" });
  const bigFolder = world.addFolder(SEED_JOBS.bigFolder);
  for (let i = 0; i < BIG_FOLDER_SIZE; i++) {
    world.addJobTo(bigFolder, `job-${String(i).padStart(5, "0")}`, {});
  }
  world.addJob(SEED_JOBS.longRunning, {
    kind: "pipeline",
    durationMs: 60_000,
    lineIntervalMs: 100,
    description: "Runs for a minute, a line every 100 ms",
  });
  seedOps(world);
  seedDiag(world);
  world.addAgent("agent-1", { description: "Linux build agent", labels: ["linux"], connected: false });
  seedViews(world);
}

/** Views as a team organises them: a ListView of jobs in folders, and a NestedView of two more. */
function seedViews(world: World): void {
  world.views.push(
    {
      kind: "list",
      name: "Backend",
      description: "The backend team's jobs",
      jobs: [SEED_JOBS.api, SEED_JOBS.deployApi, "hello"],
    },
    {
      kind: "nested",
      name: "Ops",
      views: [
        { kind: "list", name: "Deploys", jobs: [SEED_JOBS.deploy, SEED_JOBS.release] },
        { kind: "list", name: "Nightly", jobs: [SEED_JOBS.nightly] },
      ],
    },
  );
}
