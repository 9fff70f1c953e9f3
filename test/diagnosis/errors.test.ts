import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ErrorBlock, ErrorFinder, type ErrorKind, type ErrorScan } from "../../src/diagnosis/errors.js";

const UNLIMITED = { maxBytes: Number.POSITIVE_INFINITY, deadline: Number.POSITIVE_INFINITY };

function scanChunks(chunks: Iterable<readonly string[]>): ErrorScan {
  const finder = new ErrorFinder(UNLIMITED);
  for (const chunk of chunks) finder.consume(chunk);
  return finder.finish();
}

/** Streams the log in chunks, as JenkinsClient.scanLog does. */
function scan(log: readonly string[], chunkSize = 7): ErrorScan {
  const count = Math.ceil(log.length / chunkSize);
  return scanChunks(
    Array.from({ length: count }, (_, index) => log.slice(index * chunkSize, (index + 1) * chunkSize)),
  );
}

const positions = (result: ErrorScan) =>
  result.blocks.map((block) => ({ kind: block.kind, lineNumber: block.lineNumber }));

const errorLines = (block: ErrorBlock | undefined) =>
  block?.lines.filter((line) => line.decisive).map((line) => line.text);

const contextLines = (block: ErrorBlock | undefined) =>
  block?.lines.filter((line) => !line.decisive).map((line) => line.lineNumber);

interface Sample {
  name: string;
  log: string[];
  /** Every block the log holds; `errors` (the decisive lines) for the ones worth spelling out. */
  blocks: Array<{ kind: ErrorKind; lineNumber: number; errors?: string[] }>;
}

/** Realistic output of each tool, copied from their formats (line numbers in the comments). */
const SAMPLES: Sample[] = [
  {
    name: "Maven: the compiler plugin's error, then the failed goal's summary and its advice",
    log: [
      "[INFO] --- compiler:3.11.0:compile (default-compile) @ api ---",
      "[INFO] Compiling 12 source files with javac [debug release 17] to target/classes",
      "[INFO] -------------------------------------------------------------",
      "[ERROR] COMPILATION ERROR : ",
      "[INFO] -------------------------------------------------------------",
      "[ERROR] /home/jenkins/workspace/api/src/main/java/com/acme/Foo.java:[12,5] cannot find symbol", // 5
      "  symbol:   method bar()",
      "  location: class com.acme.Foo",
      "[INFO] 1 error",
      "[INFO] -------------------------------------------------------------",
      "[INFO] BUILD FAILURE",
      "[INFO] Total time:  3.214 s",
      "[INFO] Finished at: 2026-11-23T10:00:05Z",
      "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile (default-compile) on project api: Compilation failure", // 13
      "[ERROR] /home/jenkins/workspace/api/src/main/java/com/acme/Foo.java:[12,5] cannot find symbol",
      "[ERROR]   symbol:   method bar()",
      "[ERROR]   location: class com.acme.Foo",
      "[ERROR] ",
      "[ERROR] -> [Help 1]",
      "[ERROR] ",
      "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.",
      "[ERROR] Re-run Maven using the -X switch to enable full debug logging.",
      "[ERROR] ",
      "[ERROR] For more information about the errors and possible solutions, please read the following articles:",
      "[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/MojoFailureException",
    ],
    blocks: [
      {
        kind: "javac",
        lineNumber: 5,
        errors: [
          "[ERROR] /home/jenkins/workspace/api/src/main/java/com/acme/Foo.java:[12,5] cannot find symbol",
          "  symbol:   method bar()",
          "  location: class com.acme.Foo",
        ],
      },
      {
        kind: "maven",
        lineNumber: 13,
        errors: [
          "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile (default-compile) on project api: Compilation failure",
          "[ERROR] /home/jenkins/workspace/api/src/main/java/com/acme/Foo.java:[12,5] cannot find symbol",
          "[ERROR]   symbol:   method bar()",
          "[ERROR]   location: class com.acme.Foo",
        ],
      },
    ],
  },
  {
    name: "Maven: failed tests' goal, whose advice is boilerplate",
    log: [
      "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project api: There are test failures.",
      "[ERROR] ",
      "[ERROR] Please refer to /home/jenkins/workspace/api/target/surefire-reports for the individual test results.",
      "[ERROR] Please refer to dump files (if any exist) [date].dump, [date]-jvmRun[N].dump and [date].dumpstream.",
      "[ERROR] -> [Help 1]",
      "[ERROR] ",
      "[ERROR] After correcting the problems, you can resume the build with the command",
      "[ERROR]   mvn <args> -rf :api",
    ],
    blocks: [
      {
        kind: "maven",
        lineNumber: 0,
        errors: [
          "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project api: There are test failures.",
        ],
      },
    ],
  },
  {
    name: "Gradle: a failed task, javac's message, and What went wrong",
    log: [
      "> Task :app:compileJava FAILED",
      "/home/jenkins/workspace/app/src/main/java/com/acme/Foo.java:12: error: cannot find symbol", // 1
      "        bar();",
      "        ^",
      "  symbol:   method bar()",
      "  location: class Foo",
      "1 error",
      "",
      "FAILURE: Build failed with an exception.", // 8
      "",
      "* What went wrong:",
      "Execution failed for task ':app:compileJava'.",
      "> Compilation failed; see the compiler error output for details.",
      "",
      "* Try:",
      "> Run with --info option to get more log output.",
      "> Run with --scan to get full insights.",
      "> Get more help at https://help.gradle.org.",
      "",
      "BUILD FAILED in 2s",
    ],
    blocks: [
      { kind: "gradle", lineNumber: 0 },
      {
        kind: "javac",
        lineNumber: 1,
        errors: [
          "/home/jenkins/workspace/app/src/main/java/com/acme/Foo.java:12: error: cannot find symbol",
          "        bar();",
          "        ^",
          "  symbol:   method bar()",
          "  location: class Foo",
        ],
      },
      {
        kind: "gradle",
        lineNumber: 8,
        errors: [
          "FAILURE: Build failed with an exception.",
          "Execution failed for task ':app:compileJava'.",
          "> Compilation failed; see the compiler error output for details.",
        ],
      },
    ],
  },
  {
    name: "Gradle: several failures, each with What went wrong",
    log: [
      "FAILURE: Build completed with 2 failures.",
      "",
      "1: Task failed with an exception.",
      "-----------",
      "* What went wrong:",
      "Execution failed for task ':core:test'.",
      "> There were failing tests. See the report at: file:///home/jenkins/workspace/app/core/build/reports/tests/test/index.html",
      "",
      "* Try:",
      "> Run with --scan to get full insights.",
      "==============================================================================",
      "",
      "2: Task failed with an exception.",
      "-----------",
      "* What went wrong:", // 14
      "Execution failed for task ':web:lint'.",
      "> Lint found errors in the project; aborting build.",
      "",
      "* Try:",
      "> Run with --scan to get full insights.",
      "==============================================================================",
      "",
      "BUILD FAILED in 41s",
    ],
    blocks: [
      {
        kind: "gradle",
        lineNumber: 0,
        errors: [
          "FAILURE: Build completed with 2 failures.",
          "Execution failed for task ':core:test'.",
          "> There were failing tests. See the report at: file:///home/jenkins/workspace/app/core/build/reports/tests/test/index.html",
        ],
      },
      {
        kind: "gradle",
        lineNumber: 14,
        errors: [
          "* What went wrong:",
          "Execution failed for task ':web:lint'.",
          "> Lint found errors in the project; aborting build.",
        ],
      },
    ],
  },
  {
    name: "tsc: plain messages",
    log: [
      "> web@1.0.0 typecheck",
      "> tsc --noEmit",
      "",
      "src/server.ts(14,7): error TS2322: Type 'string' is not assignable to type 'number'.",
      "src/routes/users.tsx(3,10): error TS2305: Module '\"../db\"' has no exported member 'findUser'.",
    ],
    blocks: [
      { kind: "typescript", lineNumber: 3 },
      { kind: "typescript", lineNumber: 4 },
    ],
  },
  {
    name: "tsc --pretty: the message, the source line and its underline",
    log: [
      "src/server.ts:14:7 - error TS2322: Type 'string' is not assignable to type 'number'.",
      "",
      '14 const port: number = process.env.PORT ?? "8080";',
      "         ~~~~",
      "",
      "",
      "Found 1 error in src/server.ts:14",
    ],
    blocks: [
      {
        kind: "typescript",
        lineNumber: 0,
        errors: [
          "src/server.ts:14:7 - error TS2322: Type 'string' is not assignable to type 'number'.",
          '14 const port: number = process.env.PORT ?? "8080";',
          "         ~~~~",
        ],
      },
    ],
  },
  {
    name: "eslint: each file's errors, warnings among them, up to the count of problems",
    log: [
      "+ npx eslint src",
      "",
      "/ws/src/cart/total.ts",
      "  12:7  error  'discount' is assigned a value but never used  @typescript-eslint/no-unused-vars",
      "  30:1  warning  Missing return type  @typescript-eslint/explicit-function-return-type",
      "",
      "/ws/src/cart/index.ts",
      "  40:3  error  Unexpected console statement  no-console",
      "",
      "✖ 3 problems (2 errors, 1 warning)",
      "",
    ],
    blocks: [
      {
        kind: "eslint",
        lineNumber: 3,
        errors: [
          "  12:7  error  'discount' is assigned a value but never used  @typescript-eslint/no-unused-vars",
          "  30:1  warning  Missing return type  @typescript-eslint/explicit-function-return-type",
          "/ws/src/cart/index.ts",
          "  40:3  error  Unexpected console statement  no-console",
          "✖ 3 problems (2 errors, 1 warning)",
        ],
      },
    ],
  },
  {
    name: "go build: each message, with have/want lines",
    log: [
      "+ go build ./...",
      "# example.com/api/server",
      "server/handler.go:27:9: undefined: respondJSON",
      "./main.go:20:14: cannot use s (variable of type *Server) as Handler value in argument to Serve: *Server does not implement Handler (wrong type for method ServeHTTP)",
      "\t\thave ServeHTTP(http.ResponseWriter)",
      "\t\twant ServeHTTP(http.ResponseWriter, *http.Request)",
    ],
    blocks: [
      { kind: "go", lineNumber: 2, errors: ["server/handler.go:27:9: undefined: respondJSON"] },
      {
        kind: "go",
        lineNumber: 3,
        errors: [
          "./main.go:20:14: cannot use s (variable of type *Server) as Handler value in argument to Serve: *Server does not implement Handler (wrong type for method ServeHTTP)",
          "\t\thave ServeHTTP(http.ResponseWriter)",
          "\t\twant ServeHTTP(http.ResponseWriter, *http.Request)",
        ],
      },
    ],
  },
  {
    name: "go test: a failed test and its messages",
    log: [
      "=== RUN   TestLookup",
      "--- FAIL: TestLookup (0.00s)",
      '    handler_test.go:18: lookup("42") = 0, want 42',
      "FAIL",
      "FAIL\texample.com/api/server\t0.012s",
      "FAIL",
    ],
    blocks: [
      {
        kind: "goTest",
        lineNumber: 1,
        errors: ["--- FAIL: TestLookup (0.00s)", '    handler_test.go:18: lookup("42") = 0, want 42'],
      },
    ],
  },
  {
    name: "npm 6: ELIFECYCLE without npm's advice",
    log: [
      "> api@1.0.0 test /home/jenkins/workspace/api",
      "> jest --ci",
      "",
      "npm ERR! code ELIFECYCLE",
      "npm ERR! errno 1",
      "npm ERR! api@1.0.0 test: `jest --ci`",
      "npm ERR! Exit status 1",
      "npm ERR! ",
      "npm ERR! Failed at the api@1.0.0 test script.",
      "npm ERR! This is probably not a problem with npm. There is likely additional logging output above.",
      "",
      "npm ERR! A complete log of this run can be found in:",
      "npm ERR!     /home/jenkins/.npm/_logs/2026-11-23T10_00_05_123Z-debug.log",
    ],
    blocks: [
      {
        kind: "npm",
        lineNumber: 3,
        errors: [
          "npm ERR! code ELIFECYCLE",
          "npm ERR! errno 1",
          "npm ERR! api@1.0.0 test: `jest --ci`",
          "npm ERR! Exit status 1",
          "npm ERR! Failed at the api@1.0.0 test script.",
        ],
      },
    ],
  },
  {
    name: "npm 10: `npm error` lines",
    log: [
      "npm error code 1",
      "npm error path /home/jenkins/workspace/web",
      "npm error command failed",
      "npm error command sh -c vite build",
      "npm error A complete log of this run can be found in: /home/jenkins/.npm/_logs/2026-11-23T10_00_05_123Z-debug-0.log",
    ],
    blocks: [
      {
        kind: "npm",
        lineNumber: 0,
        errors: [
          "npm error code 1",
          "npm error path /home/jenkins/workspace/web",
          "npm error command failed",
          "npm error command sh -c vite build",
        ],
      },
    ],
  },
  {
    name: "yarn 1: the failed command after eslint's report",
    log: [
      "yarn run v1.22.22",
      "$ eslint src",
      "/home/jenkins/workspace/web/src/app.js",
      "  3:7  error  'unused' is assigned a value but never used  no-unused-vars",
      "",
      "✖ 1 problem (1 error, 0 warnings)",
      "",
      "error Command failed with exit code 1.",
      "info Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command.",
    ],
    blocks: [
      { kind: "eslint", lineNumber: 3 },
      { kind: "yarn", lineNumber: 7, errors: ["error Command failed with exit code 1."] },
    ],
  },
  {
    name: "pytest: the assertion, the short summary and the final count",
    log: [
      "============================= test session starts ==============================",
      "platform linux -- Python 3.12.3, pytest-8.2.0, pluggy-1.5.0",
      "collected 3 items",
      "",
      "tests/test_calc.py .F.                                                   [100%]",
      "",
      "=================================== FAILURES ===================================",
      "___________________________________ test_add ___________________________________",
      "",
      "    def test_add():",
      ">       assert add(1, 2) == 4",
      "E       assert 3 == 4", // 11
      "E        +  where 3 = add(1, 2)",
      "",
      "tests/test_calc.py:6: AssertionError",
      "=========================== short test summary info ============================",
      "FAILED tests/test_calc.py::test_add - assert 3 == 4", // 16
      "========================= 1 failed, 2 passed in 0.05s ==========================",
    ],
    blocks: [
      {
        kind: "pytest",
        lineNumber: 11,
        errors: [
          "E       assert 3 == 4",
          "E        +  where 3 = add(1, 2)",
          "tests/test_calc.py:6: AssertionError",
        ],
      },
      { kind: "pytest", lineNumber: 16, errors: ["FAILED tests/test_calc.py::test_add - assert 3 == 4"] },
      { kind: "pytest", lineNumber: 17 },
    ],
  },
  {
    name: "pytest -v: a failed test's progress line and a collection error",
    log: [
      "tests/test_calc.py::test_add FAILED                                       [ 50%]",
      "tests/test_calc.py::test_sub PASSED                                       [100%]",
      "ERROR tests/test_db.py - ModuleNotFoundError: No module named 'psycopg2'",
    ],
    blocks: [
      { kind: "pytest", lineNumber: 0 },
      { kind: "pytest", lineNumber: 2 },
    ],
  },
  {
    name: "Surefire 3: the class's counts with the failed test, the results, the totals",
    log: [
      "[INFO] Running com.acme.FooTest",
      "[ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.052 s <<< FAILURE! -- in com.acme.FooTest",
      "[ERROR] com.acme.FooTest.addsNumbers -- Time elapsed: 0.011 s <<< FAILURE!",
      "org.opentest4j.AssertionFailedError: expected: <4> but was: <5>",
      "\tat org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)",
      "\tat org.junit.jupiter.api.AssertionFailureBuilder.buildAndThrow(AssertionFailureBuilder.java:132)",
      "\tat org.junit.jupiter.api.AssertEquals.failNotEqual(AssertEquals.java:197)",
      "\tat org.junit.jupiter.api.AssertEquals.assertEquals(AssertEquals.java:150)",
      "\tat com.acme.FooTest.addsNumbers(FooTest.java:14)",
      "",
      "[INFO] ",
      "[INFO] Results:",
      "[INFO] ",
      "[ERROR] Failures: ", // 13
      "[ERROR]   FooTest.addsNumbers:14 expected: <4> but was: <5>",
      "[INFO] ",
      "[ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0", // 16
      "[INFO] ",
    ],
    blocks: [
      {
        kind: "junit",
        lineNumber: 1,
        errors: [
          "[ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.052 s <<< FAILURE! -- in com.acme.FooTest",
          "[ERROR] com.acme.FooTest.addsNumbers -- Time elapsed: 0.011 s <<< FAILURE!",
          "org.opentest4j.AssertionFailedError: expected: <4> but was: <5>",
          "\tat org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)",
          "\tat org.junit.jupiter.api.AssertionFailureBuilder.buildAndThrow(AssertionFailureBuilder.java:132)",
          "\tat org.junit.jupiter.api.AssertEquals.failNotEqual(AssertEquals.java:197)",
        ],
      },
      {
        kind: "junit",
        lineNumber: 13,
        errors: ["[ERROR] Failures:", "[ERROR]   FooTest.addsNumbers:14 expected: <4> but was: <5>"],
      },
      { kind: "junit", lineNumber: 16 },
    ],
  },
  {
    name: "Surefire 2 and Ant: plain counts and the failed tests",
    log: [
      "Running com.acme.FooTest",
      "Tests run: 3, Failures: 0, Errors: 1, Skipped: 0, Time elapsed: 0.052 sec <<< FAILURE! - in com.acme.FooTest",
      "opensConnection(com.acme.FooTest)  Time elapsed: 0.011 sec  <<< ERROR!",
      "java.net.ConnectException: Connection refused",
      "\tat java.base/sun.nio.ch.Net.connect0(Native Method)",
      "",
      "Results :",
      "",
      "Tests in error: ", // 8
      "  FooTest.opensConnection:22 » Connect Connection refused",
      "",
      "    [junit] Tests run: 3, Failures: 1, Errors: 0, Time elapsed: 0.1 sec", // 11
    ],
    blocks: [
      { kind: "junit", lineNumber: 1 },
      {
        kind: "junit",
        lineNumber: 8,
        errors: ["Tests in error:", "  FooTest.opensConnection:22 » Connect Connection refused"],
      },
      { kind: "junit", lineNumber: 11 },
    ],
  },
  {
    name: "Gradle's test output",
    log: [
      "> Task :app:test FAILED",
      "",
      "FooTest > addsNumbers() FAILED",
      "    org.opentest4j.AssertionFailedError at FooTest.java:14",
      "",
      "3 tests completed, 1 failed",
    ],
    blocks: [
      { kind: "gradle", lineNumber: 0 },
      {
        kind: "junit",
        lineNumber: 2,
        errors: [
          "FooTest > addsNumbers() FAILED",
          "    org.opentest4j.AssertionFailedError at FooTest.java:14",
        ],
      },
      { kind: "junit", lineNumber: 5 },
    ],
  },
  {
    name: "Java: a thread's death, its cause, their first frames",
    log: [
      'Exception in thread "main" java.lang.IllegalStateException: Config not loaded',
      "\tat com.acme.App.start(App.java:42)",
      "\tat com.acme.App.run(App.java:30)",
      "\tat com.acme.App.boot(App.java:21)",
      "\tat com.acme.App.main(App.java:12)",
      "Caused by: java.io.FileNotFoundException: /etc/acme/app.yaml (No such file or directory)",
      "\tat java.base/java.io.FileInputStream.open0(Native Method)",
      "\tat java.base/java.io.FileInputStream.open(FileInputStream.java:213)",
      "\tat java.base/java.io.FileInputStream.<init>(FileInputStream.java:152)",
      "\tat com.acme.Config.load(Config.java:20)",
      "\t... 3 more",
    ],
    blocks: [
      {
        kind: "javaException",
        lineNumber: 0,
        errors: [
          'Exception in thread "main" java.lang.IllegalStateException: Config not loaded',
          "\tat com.acme.App.start(App.java:42)",
          "\tat com.acme.App.run(App.java:30)",
          "\tat com.acme.App.boot(App.java:21)",
          "Caused by: java.io.FileNotFoundException: /etc/acme/app.yaml (No such file or directory)",
          "\tat java.base/java.io.FileInputStream.open0(Native Method)",
          "\tat java.base/java.io.FileInputStream.open(FileInputStream.java:213)",
          "\tat java.base/java.io.FileInputStream.<init>(FileInputStream.java:152)",
        ],
      },
    ],
  },
  {
    name: "Java: Jenkins' own failure, then its exception",
    log: [
      "ERROR: Build step failed with exception",
      'java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null',
      "\tat com.acme.jenkins.PublishStep.perform(PublishStep.java:88)",
    ],
    blocks: [
      { kind: "generic", lineNumber: 0 },
      { kind: "javaException", lineNumber: 1 },
    ],
  },
  {
    name: "Python: a traceback's innermost frames and its exception",
    log: [
      "+ python3 scripts/deploy.py --env staging",
      "Traceback (most recent call last):", // 1
      '  File "/home/jenkins/workspace/api/scripts/deploy.py", line 42, in <module>',
      "    main()",
      '  File "/home/jenkins/workspace/api/scripts/deploy.py", line 38, in main',
      "    config = load(path)",
      "             ^^^^^^^^^^",
      '  File "/home/jenkins/workspace/api/scripts/deploy.py", line 12, in load',
      "    raise ValueError(f\"missing key 'region' in {path}\")",
      "ValueError: missing key 'region' in deploy.yaml",
    ],
    blocks: [
      {
        kind: "pythonTraceback",
        lineNumber: 1,
        errors: [
          "Traceback (most recent call last):",
          "    config = load(path)",
          "             ^^^^^^^^^^",
          '  File "/home/jenkins/workspace/api/scripts/deploy.py", line 12, in load',
          "    raise ValueError(f\"missing key 'region' in {path}\")",
          "ValueError: missing key 'region' in deploy.yaml",
        ],
      },
    ],
  },
  {
    name: "make: the compiler's error, then make's verdict on the target",
    log: [
      "+ make build",
      "cc -Wall -o build/app.o -c src/app.c",
      "src/app.c:14:5: error: implicit declaration of function 'parse_args' [-Wimplicit-function-declaration]",
      "make: *** [Makefile:12: build/app.o] Error 1",
      "make[1]: *** No rule to make target 'tset'.  Stop.",
    ],
    blocks: [
      { kind: "generic", lineNumber: 2 },
      { kind: "make", lineNumber: 3, errors: ["make: *** [Makefile:12: build/app.o] Error 1"] },
      { kind: "make", lineNumber: 4 },
    ],
  },
  {
    name: "Pipeline: the sh step's exit code at the end of the build",
    log: [
      "[Pipeline] sh",
      "+ ./gradlew check",
      "Starting a Gradle Daemon (subsequent builds will be faster)",
      "[Pipeline] }",
      "[Pipeline] // stage",
      "[Pipeline] }",
      "[Pipeline] // node",
      "[Pipeline] End of Pipeline",
      "ERROR: script returned exit code 2", // 8
      "Finished: FAILURE",
    ],
    blocks: [{ kind: "exitCode", lineNumber: 8, errors: ["ERROR: script returned exit code 2"] }],
  },
  {
    name: "Freestyle: the shell step marked the build as failed",
    log: [
      "[api] $ /bin/sh -xe /tmp/jenkins4812.sh",
      "+ ./run-checks.sh",
      "Running 12 checks...",
      "Build step 'Execute shell' marked build as failure",
      "Finished: FAILURE",
    ],
    blocks: [{ kind: "exitCode", lineNumber: 3 }],
  },
  {
    name: "generic ERROR:, Error:, FATAL:, fatal:, error[E…]:, panic:, Maven's [ERROR]",
    log: [
      "ERROR: Step ‘Publish JUnit test result report’ failed: No test report files were found. Configuration error?",
      "fatal: could not read Username for 'https://github.com': No such device or address",
      "Error: Cannot find module 'express'",
      "FATAL: command execution failed",
      "[ERROR] The goal you specified requires a project to execute but there is no POM in this directory (/home/jenkins/workspace/api). -> [Help 1]",
      "error[E0425]: cannot find value `conifg` in this scope",
      "panic: runtime error: index out of range [3] with length 3",
    ],
    blocks: [0, 1, 2, 3, 4, 5, 6].map((lineNumber) => ({ kind: "generic", lineNumber })),
  },
];

function sampleLog(namePrefix: string): string[] {
  const sample = SAMPLES.find(({ name }) => name.startsWith(namePrefix));
  if (!sample) throw new Error(`no sample named ${namePrefix}…`);
  return sample.log;
}

describe("ErrorFinder recognisers", () => {
  it.each(SAMPLES)("$name", ({ log, blocks }) => {
    const result = scan(log);
    expect(positions(result)).toEqual(blocks.map(({ kind, lineNumber }) => ({ kind, lineNumber })));
    blocks.forEach((expected, index) => {
      if (expected.errors) expect(errorLines(result.blocks[index])).toEqual(expected.errors);
    });
  });

  it("keeps two lines of context on each side, without blank lines", () => {
    const [block] = scan(sampleLog("pytest: the assertion")).blocks;
    expect(block?.lines.map((line) => [line.lineNumber, line.decisive])).toEqual([
      [9, false],
      [10, false],
      [11, true],
      [12, true],
      [14, true],
      [15, false],
    ]);
  });

  it("names the command a shell's failure ran last, unless a pipeline step came between", () => {
    const make = scan([
      "+ make test",
      "go test ./...",
      "ok  \texample.com/api\t0.2s",
      "make: *** [Makefile:8: test] Error 1",
    ]);
    expect(make.blocks[0]?.command).toEqual({ lineNumber: 0, text: "+ make test" });
    const freestyle = scan(sampleLog("Freestyle"));
    expect(freestyle.blocks[0]?.command).toEqual({ lineNumber: 1, text: "+ ./run-checks.sh" });
    const pipeline = scan(sampleLog("Pipeline: the sh"));
    expect(pipeline.blocks[0]?.command).toBeNull();
  });

  it("cuts a huge line for quoting", () => {
    const [block] = scan([`ERROR: ${"x".repeat(10_000)}`]).blocks;
    expect(block?.lines[0]?.text).toHaveLength(501);
  });
});

describe("ErrorFinder noise", () => {
  it.each([
    [
      "Jenkins' own lines, and traced commands that mention errors",
      [
        "[Pipeline] Start of Pipeline",
        "[Pipeline] node",
        "Running on agent-3 in /home/jenkins/workspace/api",
        "[Pipeline] { (Build)",
        "[Pipeline] sh",
        '+ echo "ERROR: deploy skipped"',
        "++ grep -c FAILED report.txt",
        "[Pipeline] error",
        "[Pipeline] End of Pipeline",
        "Finished: FAILURE",
      ],
    ],
    [
      "counts of zero failures",
      [
        "[INFO] Tests run: 12, Failures: 0, Errors: 0, Skipped: 1, Time elapsed: 0.8 s -- in com.acme.FooTest",
        "[ERROR] Tests run: 12, Failures: 0, Errors: 0, Skipped: 0",
        "Tests run: 12, Failures: 0, Errors: 0",
        "Error: 0",
        "Found 0 errors. Watching for file changes.",
        "0 errors, 3 warnings",
        "========================= 12 passed in 0.31s ==========================",
      ],
    ],
    [
      "a successful Maven and Gradle build",
      [
        "[INFO] Downloading from central: https://repo.maven.apache.org/maven2/com/google/errorprone/error_prone_annotations/2.18.0/error_prone_annotations-2.18.0.pom",
        "Progress (1): 12/45 kB",
        "[WARNING] Parameter 'errorMode' is deprecated",
        "[INFO] BUILD SUCCESS",
        "> Task :app:compileJava UP-TO-DATE",
        "> Task :app:test",
        "BUILD SUCCESSFUL in 12s",
      ],
    ],
    [
      "warnings and words that only look like errors",
      [
        "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
        "npm warn deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported",
        "Compiling src/error_handler.c",
        "Archiving artifacts",
        "Recording test results",
        "[Checks API] No suitable checks publisher found.",
        "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current",
        "warning: LF will be replaced by CRLF in src/errors.ts",
      ],
    ],
  ])("ignores %s", (_name, log) => {
    expect(scan(log).blocks).toEqual([]);
  });

  it("strips Timestamper prefixes and ANSI colours before matching, and from the quoted lines", () => {
    const log = [
      "[2026-11-23T10:00:01.123Z] \u001b[1;31m[ERROR]\u001b[m Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile (default-compile) on project api: Compilation failure",
      "10:00:02 \u001b[31mnpm ERR! code ELIFECYCLE\u001b[39m",
      "[10:00:03] Error: Cannot find module 'express'",
      "2026-11-23 10:00:04.5 \u001b[8mha:////4B7Kd3w=\u001b[0mERROR: script returned exit code 1",
    ];
    const result = scan(log);
    expect(positions(result)).toEqual([
      { kind: "maven", lineNumber: 0 },
      { kind: "npm", lineNumber: 1 },
      { kind: "generic", lineNumber: 2 },
      { kind: "exitCode", lineNumber: 3 },
    ]);
    expect(result.blocks.map((block) => errorLines(block)?.[0])).toEqual([
      "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile (default-compile) on project api: Compilation failure",
      "npm ERR! code ELIFECYCLE",
      "Error: Cannot find module 'express'",
      "ERROR: script returned exit code 1",
    ]);
  });
});

describe("ErrorFinder parallel branches", () => {
  const log = [
    "[Pipeline] parallel",
    "[Pipeline] { (Branch: unit)",
    "[Pipeline] { (Branch: lint)",
    "[Pipeline] sh",
    "[Pipeline] sh",
    "[2026-11-23T10:00:01.000Z] [unit] + npm test", // 5
    "[2026-11-23T10:00:01.010Z] [lint] + npx eslint src",
    "[2026-11-23T10:00:02.000Z] [unit] Tests: 1 failed, 11 passed, 12 total",
    "[2026-11-23T10:00:02.100Z] [lint] /home/jenkins/workspace/web/src/app.js",
    "[2026-11-23T10:00:02.200Z] [unit] npm ERR! code ELIFECYCLE", // 9
    "[2026-11-23T10:00:02.300Z] [lint]   3:7  error  'unused' is assigned a value but never used",
    "[2026-11-23T10:00:02.400Z] [unit] npm ERR! errno 1",
    "[2026-11-23T10:00:02.500Z] [lint] ✖ 1 problem (1 error, 0 warnings)",
    "[2026-11-23T10:00:02.600Z] [unit] npm ERR! web@1.0.0 test: `jest --ci`",
    "[2026-11-23T10:00:02.700Z] [lint] error Command failed with exit code 1.", // 14
    "[2026-11-23T10:00:02.800Z] [unit] npm ERR! Exit status 1",
    "[2026-11-23T10:00:02.900Z] [lint] info Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command.",
    "[2026-11-23T10:00:03.000Z] [unit] ",
    "[Pipeline] }",
    "Failed in branch unit",
  ];

  it("reads each branch's error from its own lines, with its own context, and names the branch", () => {
    const result = scan(log, 3);
    expect(result.blocks.map((block) => [block.kind, block.lineNumber, block.branch])).toEqual([
      ["npm", 9, "unit"],
      ["eslint", 10, "lint"],
      ["yarn", 14, "lint"],
    ]);
    const [npm, , yarn] = result.blocks;
    expect(errorLines(npm)).toEqual([
      "npm ERR! code ELIFECYCLE",
      "npm ERR! errno 1",
      "npm ERR! web@1.0.0 test: `jest --ci`",
      "npm ERR! Exit status 1",
    ]);
    expect(contextLines(npm)).toEqual([5, 7]);
    expect(contextLines(yarn)).toEqual([16]);
  });
});

describe("ErrorFinder retries", () => {
  const attempt = (error: string) => [
    "[Pipeline] {",
    "[Pipeline] sh",
    "+ npm ci",
    "npm ERR! code ECONNRESET",
    `npm ERR! ${error}`,
    ...Array.from({ length: 30 }, (_, index) => `fetch retry ${index}`),
    "[Pipeline] }",
  ];

  it("withdraws the errors of a retry step's attempts that a retry followed", () => {
    const log = [
      "[Pipeline] retry",
      ...attempt("network aborted"),
      "ERROR: script returned exit code 1",
      "Retrying",
      "[Pipeline] {",
      "[Pipeline] sh",
      "+ npm ci",
      "added 812 packages in 14s",
      "[Pipeline] }",
      "[Pipeline] // retry",
      "Finished: SUCCESS",
    ];
    const result = scan(log);
    expect(result.blocks).toEqual([]);
    expect(result.retriedBlocks).toBe(2);
  });

  it("reports the last attempt's errors when every attempt failed", () => {
    const first = [
      "[Pipeline] retry",
      ...attempt("first attempt"),
      "ERROR: script returned exit code 1",
      "Retrying",
    ];
    const last = [...attempt("last attempt"), "[Pipeline] // retry", "[Pipeline] End of Pipeline"];
    const log = [...first, ...last, "ERROR: script returned exit code 1", "Finished: FAILURE"];
    const result = scan(log);
    expect(positions(result)).toEqual([
      { kind: "npm", lineNumber: first.length + 3 },
      { kind: "exitCode", lineNumber: first.length + last.length },
    ]);
    expect(errorLines(result.blocks[0])).toContain("npm ERR! last attempt");
    expect(result.retriedBlocks).toBe(2);
  });

  it("withdraws an error that a tool's own retry follows closely, not one long before", () => {
    const retried = [
      "Error: connect ETIMEDOUT 10.0.0.5:443",
      "Retrying in 5s (attempt 1 of 3)",
      "Downloaded 12 MB",
    ];
    expect(scan(retried).blocks).toEqual([]);
    const old = ["Error: connect ETIMEDOUT 10.0.0.5:443", ...Array(25).fill("waiting"), "Retrying in 5s"];
    expect(positions(scan(old))).toEqual([{ kind: "generic", lineNumber: 0 }]);
  });
});

describe("ErrorFinder keeps the first blocks and the last one", () => {
  it("keeps 8 first blocks, counts the rest, and keeps the very last", () => {
    const log = Array.from({ length: 30 }, (_, index) => [
      `src/main/java/com/acme/Foo${index}.java:12: error: cannot find symbol`,
      "[INFO] next",
    ]).flat();
    log.push("ERROR: script returned exit code 1");
    const result = scan(log);
    expect(positions(result)).toEqual([
      ...Array.from({ length: 8 }, (_, index) => ({ kind: "javac", lineNumber: index * 2 })),
      { kind: "exitCode", lineNumber: 60 },
    ]);
    expect(result.omittedBlocks).toBe(22);
  });
});

describe("ErrorFinder budget", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const numbered = Array.from({ length: 100 }, (_, index) =>
    index === 40 || index === 60 ? `ERROR: line ${index}` : `line ${String(index).padStart(3, "0")}`,
  );

  it("stops at the line that would exceed maxBytes, and reads nothing more", () => {
    const maxBytes = numbered.slice(0, 50).reduce((sum, text) => sum + text.length + 1, 0);
    const finder = new ErrorFinder({ maxBytes, deadline: Number.POSITIVE_INFINITY });
    expect(finder.consume(numbered.slice(0, 30))).toBe(true);
    expect(finder.consume(numbered.slice(30))).toBe(false);
    expect(finder.consume(["ERROR: later"])).toBe(false);
    const result = finder.finish();
    expect(result).toMatchObject({ scannedLines: 50, scannedBytes: maxBytes, stoppedBy: "maxBytes" });
    expect(positions(result)).toEqual([{ kind: "generic", lineNumber: 40 }]);
  });

  it("stops at the deadline, checked as each chunk begins", () => {
    const deadline = Date.now() + 60_000;
    const finder = new ErrorFinder({ maxBytes: Number.POSITIVE_INFINITY, deadline });
    expect(finder.consume(numbered.slice(0, 50))).toBe(true);
    vi.spyOn(Date, "now").mockReturnValue(deadline + 1);
    expect(finder.consume(numbered.slice(50))).toBe(false);
    expect(finder.finish()).toMatchObject({ scannedLines: 50, stoppedBy: "deadline" });
  });

  it("says it read everything when the budget sufficed", () => {
    expect(scan(numbered)).toMatchObject({ scannedLines: 100, stoppedBy: null });
  });
});

// Property tests: realistic noise around planted samples.

const word = fc.constantFrom("api", "core", "web", "cache", "report", "assets", "docs", "deploy", "utils");
const noiseText = fc.oneof(
  fc.constantFrom(
    "[Pipeline] sh",
    "[Pipeline] }",
    "[Pipeline] // stage",
    "[Pipeline] { (Build)",
    "[Pipeline] junit",
    "Finished: SUCCESS",
    "[INFO] BUILD SUCCESS",
    "[INFO] ------------------------------------------------------------------------",
    "BUILD SUCCESSFUL in 12s",
    "Archiving artifacts",
    "Recording test results",
    "[Checks API] No suitable checks publisher found.",
    "Tests run: 12, Failures: 0, Errors: 0, Skipped: 0",
    "Found 0 errors. Watching for file changes.",
    "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current",
    "",
  ),
  word.map((name) => `+ echo "ERROR: ${name} skipped"`),
  fc.tuple(word, word).map(([dir, name]) => `[INFO] Compiling ${dir}/${name}Error.java`),
  fc
    .tuple(word, fc.nat(999))
    .map(
      ([name, version]) =>
        `[INFO] Downloading from central: https://repo.maven.apache.org/maven2/org/${name}/${name}-errors/${version}/${name}-${version}.pom`,
    ),
  fc.tuple(fc.nat(100), fc.nat(9999)).map(([done, total]) => `Progress (1): ${done}/${total} kB`),
  word.map((name) => `npm WARN deprecated ${name}@1.0.0: no longer supported`),
  word.map((name) => `> Task :${name}:compileJava UP-TO-DATE`),
  fc
    .nat(100)
    .map(
      (percent) =>
        `100 ${percent}k  100 ${percent}k    0     0  1234k      0 --:--:-- --:--:-- --:--:-- 1234k`,
    ),
);

/** How Jenkins writes a line: Timestamper's prefix, the branch's, then the tool's text, maybe coloured. */
const decoration = fc.record({
  timestamp: fc.constantFrom("", "[2026-11-23T10:00:01.123Z] ", "10:00:01  ", "[10:00:01] "),
  colour: fc.constantFrom(["", ""], ["\u001b[31m", "\u001b[0m"], ["\u001b[1;33m", "\u001b[m"]),
  note: fc.constantFrom("", "\u001b[8mha:////4B7Kd3w=\u001b[0m"),
});
type Decoration = typeof decoration extends fc.Arbitrary<infer T> ? T : never;

function decorate(text: string, branch: string | null, { timestamp, colour, note }: Decoration): string {
  return `${timestamp}${branch === null ? "" : `[${branch}] `}${note}${colour[0]}${text}${colour[1]}`;
}

/** Noise never comes from the branch "unit", where planted samples may run. */
const noiseLine = fc
  .tuple(noiseText, fc.constantFrom(null, "lint", "docs"), decoration)
  .map(([text, branch, looks]) => decorate(text, branch, looks));

/** Samples small enough that three of them fit the blocks kept (8 first + the last). */
const PLANTABLE = SAMPLES.filter((sample) => sample.blocks.length <= 3);

const planting = fc.record({
  sample: fc.constantFrom(...PLANTABLE),
  branch: fc.constantFrom(null, "unit"),
  looks: decoration,
  /** Noise lines of other branches interleaved after each of the sample's lines (in a branch). */
  interleaved: fc.array(fc.array(noiseLine, { maxLength: 2 }), { maxLength: 25 }),
  before: fc.array(noiseLine, { maxLength: 30 }),
  /**
   * A line of the sample's own branch before it: errors of a branch that follow each other
   * directly may be read as one (a test class's counts, then its exception).
   */
  separator: fc.constantFrom("Archiving artifacts", "Recording test results", "[Pipeline] sh"),
});

/** Random cut points: the finder must not care how the log is chunked. */
function chunked(log: readonly string[], cuts: readonly number[]): string[][] {
  const points = [...new Set(cuts.map((cut) => cut % (log.length + 1))), log.length].sort((a, b) => a - b);
  return points.map((point, index) => log.slice(index === 0 ? 0 : points[index - 1], point));
}

describe("ErrorFinder properties", () => {
  it("finds planted errors, with their line, kind, branch and text, among realistic noise", () => {
    fc.assert(
      fc.property(
        fc.array(planting, { minLength: 1, maxLength: 3 }),
        fc.array(noiseLine, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (plantings, trailing, cuts) => {
          const log: string[] = [];
          const expected: Array<{
            kind: ErrorKind;
            lineNumber: number;
            branch: string | null;
            text: string;
          }> = [];
          for (const { sample, branch, looks, interleaved, before, separator } of plantings) {
            log.push(...before, decorate(separator, branch, looks));
            const where = new Map<number, number>();
            sample.log.forEach((text, index) => {
              where.set(index, log.length);
              log.push(decorate(text, branch, looks));
              if (branch !== null) log.push(...(interleaved[index] ?? []));
            });
            for (const { kind, lineNumber } of sample.blocks) {
              const text = sample.log[lineNumber]?.trimEnd() ?? "";
              expected.push({ kind, lineNumber: where.get(lineNumber) ?? -1, branch, text });
            }
          }
          log.push(...trailing);
          const result = scanChunks(chunked(log, cuts));
          const found = result.blocks.map((block) => ({
            kind: block.kind,
            lineNumber: block.lineNumber,
            branch: block.branch,
            text: block.lines.find((line) => line.lineNumber === block.lineNumber)?.text,
          }));
          expect(found).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reports nothing in noise alone", () => {
    fc.assert(
      fc.property(
        fc.array(noiseLine, { maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (log, cuts) => {
          const result = scanChunks(chunked(log, cuts));
          expect(result.blocks).toEqual([]);
          expect(result.retriedBlocks).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("ErrorFinder on a 200,000-line log", () => {
  const LINES = 200_000;
  /** Noise from many branches, with an error every 997 lines. */
  function line(index: number): string {
    if (index % 997 === 500)
      return `[shard-${index % 150}] src/Foo${index}.java:12: error: cannot find symbol`;
    const noise = [
      `[shard-${index % 150}] + echo step ${index}`,
      "[Pipeline] sh",
      `[2026-11-23T10:00:01.123Z] [INFO] Compiling module ${index}`,
      `Progress (1): ${index % 100}/100 kB`,
    ];
    return noise[index % noise.length] ?? "";
  }

  function* chunks(size: number): Generator<string[]> {
    for (let from = 0; from < LINES; from += size)
      yield Array.from({ length: Math.min(size, LINES - from) }, (_, offset) => line(from + offset));
  }

  it("holds a bounded number of lines throughout, and keeps the first blocks and the last", () => {
    const finder = new ErrorFinder(UNLIMITED);
    let mostLinesHeld = 0;
    for (const chunk of chunks(1000)) {
      finder.consume(chunk);
      mostLinesHeld = Math.max(mostLinesHeld, finder.retainedLines);
    }
    const result = finder.finish();
    const errors = Math.ceil((LINES - 500) / 997);
    expect(result.scannedLines).toBe(LINES);
    expect(result.blocks).toHaveLength(9);
    expect(result.omittedBlocks).toBe(errors - 9);
    expect(result.blocks.at(-1)?.lineNumber).toBe(500 + (errors - 1) * 997);
    // 9 kept blocks of a few lines, plus per tracked branch (64 at most of the 150) its context
    // and traced command: nothing grows with the log's 200 errors and 200,000 lines.
    expect(mostLinesHeld).toBeLessThan(400);
  });

  it("stops at the byte budget and says where", () => {
    let total = 0;
    for (const chunk of chunks(1000)) for (const text of chunk) total += Buffer.byteLength(text) + 1;
    const finder = new ErrorFinder({ maxBytes: Math.floor(total / 2), deadline: Number.POSITIVE_INFINITY });
    let chunksRead = 0;
    for (const chunk of chunks(1000)) {
      chunksRead++;
      if (!finder.consume(chunk)) break;
    }
    const result = finder.finish();
    expect(result.stoppedBy).toBe("maxBytes");
    expect(chunksRead).toBeLessThan(LINES / 1000);
    expect(result.scannedLines).toBeGreaterThan(LINES / 2 - 5000);
    expect(result.scannedLines).toBeLessThan(LINES / 2 + 5000);
    expect(result.scannedBytes).toBeLessThanOrEqual(total / 2);
    expect(result.blocks.every((block) => block.lineNumber < result.scannedLines)).toBe(true);
  });
});
