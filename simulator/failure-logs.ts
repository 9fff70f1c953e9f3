import { createHash } from "node:crypto";
import type { FlowError } from "./flow.js";
import { consoleNote } from "./logs.js";
import { PipelineConsole, type RecordedPipeline } from "./pipeline-console.js";
import type { Build } from "./world.js";

/**
 * Logs of seeded builds that fail the way real ones do: the decisive error somewhere in the middle,
 * then thousands of lines of post actions before `Finished: FAILURE`.
 */

/** Where the simulated jobs fetch from and push to. */
const GIT_URL = "https://git.acme.example/shop/api.git";
const IMAGE = "registry.acme.example/shop/api";

function workspace(build: Build): string {
  return `/var/jenkins_home/workspace/${build.job.fullName}`;
}

/** A hex digest that stays the same for a build across runs: its Git commit (sha1), its image (sha256). */
function digestOf(build: Build, algorithm: "sha1" | "sha256"): string {
  return createHash(algorithm).update(`${build.job.fullName}#${build.number}`).digest("hex");
}

/** GitSCM's checkout output, `> git` commands included. */
function gitCheckout(build: Build): string[] {
  const ws = workspace(build);
  const rev = digestOf(build, "sha1");
  return [
    "The recommended git tool is: NONE",
    "No credentials specified",
    "Cloning the remote Git repository",
    `Cloning repository ${GIT_URL}`,
    ` > git init ${ws} # timeout=10`,
    `Fetching upstream changes from ${GIT_URL}`,
    " > git --version # timeout=10",
    " > git --version # 'git version 2.39.2'",
    ` > git fetch --tags --force --progress -- ${GIT_URL} +refs/heads/*:refs/remotes/origin/* # timeout=10`,
    ` > git config remote.origin.url ${GIT_URL} # timeout=10`,
    " > git config --add remote.origin.fetch +refs/heads/*:refs/remotes/origin/* # timeout=10",
    "Avoid second fetch",
    " > git rev-parse refs/remotes/origin/main^{commit} # timeout=10",
    `Checking out Revision ${rev} (refs/remotes/origin/main)`,
    " > git config core.sparsecheckout # timeout=10",
    ` > git checkout -f ${rev} # timeout=10`,
  ];
}

/** `count` build outputs of the shop's modules, as a cleanup or archiving step lists them. */
function buildOutputs(count: number): string[] {
  const packages = ["cart", "catalog", "checkout", "customer", "inventory", "order", "payment", "shipping"];
  const kinds = ["Controller", "Service", "Repository", "Mapper", "Dto", "Event", "Handler", "Config"];
  const files: string[] = [];
  for (let variant = 0; files.length < count; variant++) {
    for (const kind of kinds) {
      for (const pkg of packages) {
        const type = `${pkg.charAt(0).toUpperCase()}${pkg.slice(1)}${kind}${variant}`;
        files.push(`build/classes/java/main/com/acme/shop/${pkg}/${type}.class`);
      }
    }
  }
  return files.slice(0, count);
}

/** What `rm -rv` prints: each directory's files, then the directory once it is empty. */
function removedVerbosely(files: readonly string[]): string[] {
  const byDirectory = new Map<string, string[]>();
  for (const file of files) {
    const dir = file.slice(0, file.lastIndexOf("/"));
    const inDir = byDirectory.get(dir);
    if (inDir) inDir.push(file);
    else byDirectory.set(dir, [file]);
  }
  return [...byDirectory].flatMap(([dir, inDir]) => [
    ...inDir.map((file) => `removed '${file}'`),
    `removed directory '${dir}'`,
  ]);
}

/** A Declarative pipeline on the built-in node: its SCM checkout stage, then `stages` in a `withEnv`. */
function declarative(build: Build, stages: (out: PipelineConsole) => void): RecordedPipeline {
  const out = new PipelineConsole(build);
  const running = `Running on ${consoleNote(`${build.job.fullName}:node`)}Jenkins in ${workspace(build)}`;
  return out.run(() => {
    out.block(
      "node",
      () => {
        out.stage("Declarative: Checkout SCM", () => {
          out.step("checkout");
          out.print(gitCheckout(build), 150);
        });
        out.block("withEnv", () => stages(out));
      },
      { output: [running] },
    );
  });
}

/** What `sh` throws when its script exits with 1 (DurableTaskStep). */
const SCRIPT_FAILED: FlowError = { message: "script returned exit code 1", type: "hudson.AbortException" };

/** An `sh` step running `script` and printing `output` (its `+ command` lines included); a failed one throws. */
function sh(
  out: PipelineConsole,
  script: string,
  output: readonly string[],
  everyMs: number,
  failed = false,
): void {
  out.step("sh", { args: script, ...(failed ? { error: SCRIPT_FAILED } : {}) });
  out.print(output, everyMs);
}

/** Docker BuildKit's plain progress for building and pushing the API image. */
function dockerBuild(build: Build): string[] {
  const tag = `${IMAGE}:${build.number}`;
  return [
    `+ docker build -t ${tag} .`,
    '#0 building with "default" instance using docker driver',
    "#1 [internal] load build definition from Dockerfile",
    "#1 transferring dockerfile: 412B done",
    "#1 DONE 0.0s",
    "#2 [internal] load metadata for docker.io/library/eclipse-temurin:21-jre",
    "#2 DONE 1.2s",
    "#3 [1/3] FROM docker.io/library/eclipse-temurin:21-jre",
    "#3 CACHED",
    "#4 [2/3] COPY build/libs/api.jar /app/api.jar",
    "#4 DONE 0.4s",
    "#5 exporting to image",
    "#5 exporting layers 0.3s done",
    `#5 naming to ${tag} done`,
    "#5 DONE 0.3s",
    `+ docker push ${tag}`,
    `The push refers to repository [${IMAGE}]`,
    "5f70bf18a086: Pushed",
    "a3d1c3b2e4f5: Layer already exists",
    `${build.number}: digest: sha256:${digestOf(build, "sha256")} size: 1789`,
  ];
}

/** `kubectl apply` of the manifests; the Deployment still uses an API version the cluster dropped. */
function kubectlApply(failed: boolean): string[] {
  const deployment = failed
    ? 'error: unable to recognize "k8s/deploy.yaml": no matches for kind "Deployment" in version "apps/v1beta1"'
    : "deployment.apps/api configured";
  return ["+ kubectl apply -f k8s/", "configmap/api-config unchanged", "service/api unchanged", deployment];
}

/** Lines the Deploy stage's `post { always { ... } }` writes after the failure: about 3,000. */
export const DEPLOY_CLEANUP_REMOVED_FILES = 2_900;

/** `diag/deploy-cleanup`: its Deploy stage applies the manifests, then the post actions clean up. */
export function deployCleanupLog(build: Build, failed: boolean): RecordedPipeline {
  return declarative(build, (out) => {
    out.stage("Build", () => sh(out, "./ci/image.sh", dockerBuild(build), 8_000));
    out.stage("Deploy", () => sh(out, "kubectl apply -f k8s/", kubectlApply(failed), 700, failed));
    out.stage("Declarative: Post Actions", () => {
      const removed = removedVerbosely(buildOutputs(failed ? DEPLOY_CLEANUP_REMOVED_FILES : 40));
      sh(out, "./ci/cleanup.sh", cleanup(build), 12);
      out.print(removed, 10);
      out.step("archiveArtifacts", { args: "build/reports/**" });
      out.print("Archiving artifacts");
      out.step("junit", { args: "build/test-results/**/*.xml" });
      out.print(["Recording test results", "[Checks API] No suitable checks publisher found."], 300);
      out.step("emailext");
      out.print(["Sending email to: shop-team@acme.example"], 400);
    });
  });
}

/** The start of `ci/cleanup.sh`: the image goes, then `rm -rfv` lists every file it removes. */
function cleanup(build: Build): string[] {
  return [
    "+ ./ci/cleanup.sh",
    `+ docker image rm ${IMAGE}:${build.number}`,
    `Untagged: ${IMAGE}:${build.number}`,
    `Deleted: sha256:${digestOf(build, "sha256")}`,
    "+ rm -rfv build/classes",
  ];
}

/** Surefire's report of the unit tests, one line per test class. */
function unitTests(): string[] {
  const classes = buildOutputs(24).map((file) =>
    file.replace("build/classes/java/main/", "").replace(".class", "Test").replaceAll("/", "."),
  );
  return [
    "+ ./mvnw -B test",
    "[INFO] Scanning for projects...",
    "[INFO] --- surefire:3.2.5:test (default-test) @ shop-api ---",
    "[INFO] Using auto detected provider org.apache.maven.surefire.junit4.JUnit4Provider",
    "[INFO] ",
    "[INFO] -------------------------------------------------------",
    "[INFO]  T E S T S",
    "[INFO] -------------------------------------------------------",
    ...classes.flatMap((name, i) => [
      `[INFO] Running ${name}`,
      `[INFO] Tests run: 10, Failures: 0, Errors: 0, Skipped: ${i % 12 === 0 ? 1 : 0}, Time elapsed: 0.${100 + i * 7} s -- in ${name}`,
    ]),
    "[INFO] ",
    "[INFO] Results:",
    "[INFO] ",
    "[INFO] Tests run: 240, Failures: 0, Errors: 0, Skipped: 2",
    "[INFO] ",
    "[INFO] ------------------------------------------------------------------------",
    "[INFO] BUILD SUCCESS",
    "[INFO] ------------------------------------------------------------------------",
  ];
}

/** Failsafe's report of the integration tests: FooIT.shouldBar gets a 503 from the stubbed backend. */
function integrationTests(failed: boolean): string[] {
  const head = [
    "+ ./mvnw -B verify -DskipUnitTests",
    "[INFO] Scanning for projects...",
    "[INFO] --- failsafe:3.2.5:integration-test (default) @ shop-api ---",
    "[INFO] ",
    "[INFO] -------------------------------------------------------",
    "[INFO]  T E S T S",
    "[INFO] -------------------------------------------------------",
    "[INFO] Running com.acme.FooIT",
  ];
  if (!failed) {
    return [
      ...head,
      "[INFO] Tests run: 12, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 8.102 s -- in com.acme.FooIT",
      "[INFO] ",
      "[INFO] Results:",
      "[INFO] ",
      "[INFO] Tests run: 12, Failures: 0, Errors: 0, Skipped: 0",
      "[INFO] ",
      "[INFO] --- failsafe:3.2.5:verify (default) @ shop-api ---",
      "[INFO] BUILD SUCCESS",
    ];
  }
  return [
    ...head,
    "[ERROR] Tests run: 12, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 8.412 s <<< FAILURE! -- in com.acme.FooIT",
    "[ERROR] com.acme.FooIT.shouldBar -- Time elapsed: 0.311 s <<< FAILURE!",
    "java.lang.AssertionError: expected:<200> but was:<503>",
    "\tat org.junit.Assert.fail(Assert.java:89)",
    "\tat org.junit.Assert.failNotEquals(Assert.java:835)",
    "\tat org.junit.Assert.assertEquals(Assert.java:647)",
    "\tat org.junit.Assert.assertEquals(Assert.java:633)",
    "\tat com.acme.FooIT.shouldBar(FooIT.java:42)",
    "",
    "[INFO] ",
    "[INFO] Results:",
    "[INFO] ",
    "[ERROR] Failures: ",
    "[ERROR]   FooIT.shouldBar:42 expected:<200> but was:<503>",
    "[INFO] ",
    "[ERROR] Tests run: 12, Failures: 1, Errors: 0, Skipped: 0",
    "[INFO] ",
    "[INFO] --- failsafe:3.2.5:verify (default) @ shop-api ---",
    "[INFO] ------------------------------------------------------------------------",
    "[INFO] BUILD FAILURE",
    "[INFO] ------------------------------------------------------------------------",
    "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-failsafe-plugin:3.2.5:verify (default) on project shop-api: There are test failures.",
    "[ERROR] ",
    "[ERROR] Please refer to /var/jenkins_home/workspace/diag/parallel-tests/target/failsafe-reports for the individual test results.",
  ];
}

/** Playwright's line reporter for the browser tests. */
function e2eTests(): string[] {
  const specs = ["cart", "catalog", "checkout", "login", "orders", "search"];
  const tests = Array.from({ length: 24 }, (_, i) => {
    const spec = specs[i % specs.length];
    return `[${i + 1}/24] [chromium] › ${spec}.spec.ts:${12 + i}:5 › ${spec} › scenario ${Math.floor(i / specs.length) + 1}`;
  });
  return [
    "+ npx playwright test --reporter=line",
    "",
    "Running 24 tests using 4 workers",
    ...tests,
    "",
    "  24 passed (1.3m)",
  ];
}

/** The branches of the `parallel` in `diag/parallel-tests`' Test stage. */
export const PARALLEL_TEST_BRANCHES = ["unit", "integration", "e2e"] as const;

/**
 * `diag/parallel-tests`: the Test stage runs unit, integration and e2e in a `parallel` (scripted in
 * its `steps`); their lines interleave without a branch prefix, and only integration fails.
 */
export function parallelTestsLog(build: Build, failed: boolean): RecordedPipeline {
  return declarative(build, (out) => {
    out.stage("Build", () =>
      sh(
        out,
        "./mvnw -B -DskipTests package",
        ["+ ./mvnw -B -DskipTests package", "[INFO] BUILD SUCCESS"],
        40_000,
      ),
    );
    out.stage("Test", () =>
      out.parallel({
        unit: () => sh(out, "./mvnw -B test", unitTests(), 550),
        integration: () => sh(out, "./mvnw -B verify -DskipUnitTests", integrationTests(failed), 550, failed),
        e2e: () => sh(out, "npx playwright test --reporter=line", e2eTests(), 550),
      }),
    );
    out.stage(
      "Deploy",
      () =>
        sh(
          out,
          "./ci/deploy.sh staging",
          ["+ ./ci/deploy.sh staging", "Deployed shop-api to staging"],
          5_000,
        ),
      { skipped: failed },
    );
    out.stage("Declarative: Post Actions", () => {
      out.step("junit", { args: "target/*-reports/*.xml" });
      out.print(["Recording test results", "[Checks API] No suitable checks publisher found."], 300);
    });
  });
}

/** ESLint's stylish report: two errors in the cart module, or nothing at all. */
function eslint(build: Build, failed: boolean): string[] {
  if (!failed) return ["+ npx eslint src"];
  return [
    "+ npx eslint src",
    "",
    `${workspace(build)}/src/cart/total.ts`,
    "  12:7  error  'discount' is assigned a value but never used  @typescript-eslint/no-unused-vars",
    "  40:3  error  Unexpected console statement                    no-console",
    "",
    "\u2716 2 problems (2 errors, 0 warnings)",
    "",
  ];
}

/** Nested stages of `diag/nested-stages`: Verify runs Lint, then Unit. */
export const NESTED_STAGES = { parent: "Verify", failing: "Lint", skipped: "Unit" } as const;

/**
 * `diag/nested-stages`: a stage inside a stage (`stage('Verify') { stages { stage('Lint') ... } }`);
 * Lint fails, so Declarative skips Unit after it, and Deploy.
 */
export function nestedStagesLog(build: Build, failed: boolean): RecordedPipeline {
  return declarative(build, (out) => {
    out.stage("Build", () =>
      sh(
        out,
        "npm ci && npm run build",
        ["+ npm ci", "added 812 packages in 41s", "+ npm run build", "> shop-web@2.3.0 build", "> tsc -p ."],
        2_000,
      ),
    );
    out.stage(NESTED_STAGES.parent, () => {
      out.stage(NESTED_STAGES.failing, () => sh(out, "npx eslint src", eslint(build, failed), 900, failed));
      out.stage(
        NESTED_STAGES.skipped,
        () => sh(out, "npm test", ["+ npm test", "Tests: 312 passed, 312 total"], 3_000),
        { skipped: failed },
      );
    });
    out.stage(
      "Deploy",
      () =>
        sh(
          out,
          "./ci/deploy.sh staging",
          ["+ ./ci/deploy.sh staging", "Deployed shop-web to staging"],
          5_000,
        ),
      { skipped: failed },
    );
  });
}

/** Files `tar -czvf` lists when the post-build script of `diag/maven-compile` saves its sources. */
export const MAVEN_COMPILE_ARCHIVED_FILES = 1_950;

/** Maven's start, up to the compiler plugin, as `mvn -B clean package` prints it. */
function mavenStart(): string[] {
  return [
    "[INFO] Scanning for projects...",
    "[INFO] ",
    "[INFO] -------------------------< com.acme:shop-api >--------------------------",
    "[INFO] Building shop-api 1.4.0-SNAPSHOT",
    "[INFO]   from pom.xml",
    "[INFO] --------------------------------[ jar ]---------------------------------",
    "[INFO] ",
    "[INFO] --- clean:3.2.0:clean (default-clean) @ shop-api ---",
    "[INFO] ",
    "[INFO] --- resources:3.3.1:resources (default-resources) @ shop-api ---",
    "[INFO] Copying 3 resources from src/main/resources to target/classes",
    "[INFO] ",
    "[INFO] --- compiler:3.11.0:compile (default-compile) @ shop-api ---",
    "[INFO] Changes detected - recompiling the module! :dependency",
    "[INFO] Compiling 48 source files with javac [debug release 17] to target/classes",
  ];
}

/** Maven's summary after the last goal. */
function mavenSummary(build: Build, failed: boolean): string[] {
  const finishedAt = new Date(build.timestamp + 9_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return [
    "[INFO] ------------------------------------------------------------------------",
    `[INFO] BUILD ${failed ? "FAILURE" : "SUCCESS"}`,
    "[INFO] ------------------------------------------------------------------------",
    "[INFO] Total time:  8.734 s",
    `[INFO] Finished at: ${finishedAt}`,
    "[INFO] ------------------------------------------------------------------------",
  ];
}

/** javac's error, first as the compiler plugin lists it, then in Maven's failure report. */
function compilationError(build: Build): string[] {
  const source = `${workspace(build)}/src/main/java/com/acme/Api.java:[42,17] cannot find symbol`;
  return [
    "[INFO] -------------------------------------------------------------",
    "[ERROR] COMPILATION ERROR : ",
    "[INFO] -------------------------------------------------------------",
    `[ERROR] ${source}`,
    "  symbol:   method fooBar()",
    "  location: variable client of type com.acme.Client",
    "[INFO] 1 error",
    "[INFO] -------------------------------------------------------------",
    ...mavenSummary(build, true),
    "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile (default-compile) on project shop-api: Compilation failure",
    `[ERROR] ${source}`,
    "[ERROR]   symbol:   method fooBar()",
    "[ERROR]   location: variable client of type com.acme.Client",
    "[ERROR] -> [Help 1]",
    "[ERROR] ",
    "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.",
    "[ERROR] Re-run Maven using the -X switch to enable full debug logging.",
    "[ERROR] ",
    "[ERROR] For more information about the errors and possible solutions, please read the following articles:",
    "[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/MojoFailureException",
  ];
}

/**
 * `diag/maven-compile`, a freestyle job: an "Invoke top-level Maven targets" step, then publishers
 * (PostBuildScript, ArtifactArchiver, Mailer). Freestyle consoles have no Timestamper prefix; as in
 * Build.BuildExecution, the step is marked as failed before the publishers run.
 */
export function mavenCompileLog(build: Build, failed: boolean): string {
  const job = build.job;
  const ws = workspace(build);
  const started = build.causes.map(
    (cause) => `Started by user ${consoleNote(`${job.fullName}:${cause.userId}`)}${cause.userName}`,
  );
  const maven = failed
    ? [...compilationError(build), "Build step 'Invoke top-level Maven targets' marked build as failure"]
    : [
        "[INFO] --- jar:3.3.0:jar (default-jar) @ shop-api ---",
        `[INFO] Building jar: ${ws}/target/shop-api-1.4.0-SNAPSHOT.jar`,
        ...mavenSummary(build, false),
      ];
  const saved = buildOutputs(failed ? MAVEN_COMPILE_ARCHIVED_FILES : 30).map((file) =>
    file.replace("build/classes/java/main/", "src/main/java/").replace(/\.class$/, ".java"),
  );
  const lines = [
    ...started,
    "Running as SYSTEM",
    `Building in workspace ${ws}`,
    ...gitCheckout(build),
    `[${job.name}] $ /var/jenkins_home/tools/hudson.tasks.Maven_MavenInstallation/maven-3.9/bin/mvn -B clean package`,
    ...mavenStart(),
    ...maven,
    "[PostBuildScript] - [INFO] Executing post build scripts.",
    `[${job.name}] $ /bin/sh -xe /tmp/jenkins${1_000_000 + build.number}.sh`,
    "+ tar -czvf workspace-snapshot.tgz src",
    ...saved,
    "Archiving artifacts",
    ...(failed ? ["Sending e-mails to: shop-team@acme.example"] : []),
    `Finished: ${failed ? "FAILURE" : "SUCCESS"}`,
  ];
  return `${lines.join("\n")}\n`;
}
