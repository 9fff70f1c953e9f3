import { createHash } from "node:crypto";
import { consoleNote } from "./logs.js";
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

/**
 * A Pipeline build's console with Timestamper's global decorator (GlobalDecorator): every line starts
 * with `[yyyy-MM-dd'T'HH:mm:ss.SSS'Z'] `, before any console note. `[Pipeline]` lines carry the
 * hidden note of their flow node, as in build-logs.ts.
 */
class PipelineConsole {
  private readonly lines: string[] = [];
  private at: number;

  constructor(private readonly build: Build) {
    this.at = build.timestamp;
  }

  /** Writes `lines`, `everyMs` apart. */
  print(lines: string | readonly string[], everyMs = 12): void {
    for (const line of typeof lines === "string" ? [lines] : lines) {
      this.at += everyMs;
      this.lines.push(`[${new Date(this.at).toISOString()}] ${line}\n`);
    }
  }

  /** Lets time pass without output, as a long step does. */
  wait(ms: number): void {
    this.at += ms;
  }

  /** A `[Pipeline]` line, to print now or among a parallel branch's output. */
  stepLine(text: string): string {
    return `${consoleNote(`${this.build.job.fullName}:${text}`)}[Pipeline] ${text}`;
  }

  step(text: string): void {
    this.print(this.stepLine(text));
  }

  /** A block step (`node`, `withEnv`, ...): `[Pipeline] name`, `{`, the body, `}`, `// name`. */
  block(name: string, body: () => void): void {
    this.step(name);
    this.step("{");
    body();
    this.step("}");
    this.step(`// ${name}`);
  }

  stage(name: string, body: () => void): void {
    this.step("stage");
    this.step(`{ (${name})`);
    body();
    this.step("}");
    this.step("// stage");
  }

  /** WorkflowRun's first lines, the `node` with its checkout, the stages, and the end of the run. */
  run(failed: boolean, stages: () => void): string {
    const job = this.build.job;
    for (const cause of this.build.causes) {
      this.print(`Started by user ${consoleNote(`${job.fullName}:${cause.userId}`)}${cause.userName}`);
    }
    this.step("Start of Pipeline");
    this.step("node");
    this.print(`Running on ${consoleNote(`${job.fullName}:node`)}Jenkins in ${workspace(this.build)}`);
    this.step("{");
    this.stage("Declarative: Checkout SCM", () => {
      this.step("checkout");
      this.print(gitCheckout(this.build), 150);
    });
    this.block("withEnv", stages);
    this.step("}");
    this.step("// node");
    this.step("End of Pipeline");
    if (failed) this.print("ERROR: script returned exit code 1");
    this.print(`Finished: ${failed ? "FAILURE" : "SUCCESS"}`);
    return this.lines.join("");
  }
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
export function deployCleanupLog(build: Build, failed: boolean): string {
  const out = new PipelineConsole(build);
  return out.run(failed, () => {
    out.stage("Build", () => {
      out.step("sh");
      out.print(dockerBuild(build), 8_000);
    });
    out.stage("Deploy", () => {
      out.step("sh");
      out.print(kubectlApply(failed), 700);
    });
    out.stage("Declarative: Post Actions", () => {
      out.step("sh");
      out.print(["+ ./ci/cleanup.sh", `+ docker image rm ${IMAGE}:${build.number}`]);
      out.print([`Untagged: ${IMAGE}:${build.number}`, `Deleted: sha256:${digestOf(build, "sha256")}`]);
      out.print("+ rm -rfv build/classes");
      out.print(removedVerbosely(buildOutputs(failed ? DEPLOY_CLEANUP_REMOVED_FILES : 40)), 10);
      out.step("archiveArtifacts");
      out.print("Archiving artifacts");
      out.step("junit");
      out.print(["Recording test results", "[Checks API] No suitable checks publisher found."], 300);
      out.step("emailext");
      out.print(["Sending email to: shop-team@acme.example"], 400);
    });
  });
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

/** Takes one line from each branch in turn, as concurrent branches write to one log. */
function interleave(branches: readonly (readonly string[])[]): string[] {
  const longest = Math.max(...branches.map((lines) => lines.length));
  return Array.from({ length: longest }, (_, i) => branches.flatMap((lines) => lines[i] ?? [])).flat();
}

/** The branches of the `parallel` in `diag/parallel-tests`' Test stage. */
export const PARALLEL_TEST_BRANCHES = ["unit", "integration", "e2e"] as const;

/**
 * `diag/parallel-tests`: unit, integration and e2e run in a `parallel`; their lines interleave
 * without a branch prefix (the log storage of JEP-210), and only integration fails.
 */
export function parallelTestsLog(build: Build, failed: boolean): string {
  const out = new PipelineConsole(build);
  return out.run(failed, () => {
    out.stage("Build", () => {
      out.step("sh");
      out.print(["+ ./mvnw -B -DskipTests package", "[INFO] BUILD SUCCESS"], 40_000);
    });
    out.stage("Test", () => {
      out.step("parallel");
      for (const branch of PARALLEL_TEST_BRANCHES) out.step(`{ (Branch: ${branch})`);
      for (const branch of PARALLEL_TEST_BRANCHES) {
        out.step("stage");
        out.step(`{ (${branch})`);
      }
      for (const _ of PARALLEL_TEST_BRANCHES) out.step("sh");
      const ending = ["}", "// stage", "}"].map((step) => out.stepLine(step));
      const failure = failed ? ["Failed in branch integration"] : [];
      const branches = [
        [...unitTests(), ...ending],
        [...integrationTests(failed), ...ending, ...failure],
        [...e2eTests(), ...ending],
      ];
      out.print(interleave(branches), 550);
      out.step("// parallel");
    });
    out.stage("Deploy", () => {
      if (failed) out.print('Stage "Deploy" skipped due to earlier failure(s)');
      else out.print(["+ ./ci/deploy.sh staging", "Deployed shop-api to staging"], 5_000);
    });
    out.stage("Declarative: Post Actions", () => {
      out.step("junit");
      out.print(["Recording test results", "[Checks API] No suitable checks publisher found."], 300);
    });
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
