import { createHash } from "node:crypto";
import type { Build, Commit } from "./world.js";

/** The commits of the seeded builds: who changed what before each build of diag/ jobs. */

/** A commit as the seed writes it; ids and times are made from the build it went into. */
export interface CommitSpec {
  /** `Name <e-mail>`, as git records the author. */
  readonly author: string;
  readonly message: string;
  readonly files: readonly string[];
}

const MINUTE = 60_000;

/** Gives `build` the commits, oldest first, authored a few minutes apart before the build started. */
export function addCommits(build: Build, specs: readonly CommitSpec[]): void {
  build.commits = specs.map((spec, index): Commit => {
    const [, name = "", email = ""] = /^(.*?) <(.*)>$/.exec(spec.author) ?? [];
    return {
      id: createHash("sha1")
        .update(`${build.job.fullName}#${build.number}/${index}/${spec.message}`)
        .digest("hex"),
      authorName: name,
      authorEmail: email,
      timestamp: build.timestamp - (specs.length - index) * 7 * MINUTE,
      message: spec.message,
      paths: spec.files.map((file) => ({
        editType: file.startsWith("+") ? "add" : "edit",
        file: file.replace(/^\+/, ""),
      })),
    };
  });
}

const MARIA = "Maria Rossi <maria.rossi@example.com>";
const ANN = "Ann Lee <ann.lee@example.com>";
const ALICE = "Alice Martin <alice@example.com>";
const BOB = "Bob Stone <bob@example.com>";
const DAVE = "Dave Kim <dave.kim@example.com>";

/** diag/maven-compile #1 to #4; #4's second commit is the one that broke the compile (Api.java:42). */
export const MAVEN_COMPILE_COMMITS: readonly (readonly CommitSpec[])[] = [
  [
    {
      author: MARIA,
      message: "Add the orders endpoint",
      files: ["+src/main/java/com/acme/Orders.java", "pom.xml"],
    },
  ],
  [
    { author: ANN, message: "Bump jackson to 2.17.1", files: ["pom.xml"] },
    {
      author: MARIA,
      message:
        "Page the orders list\n\nThe list could hold 40,000 orders; pages of 100 keep the answer small.",
      files: ["src/main/java/com/acme/Orders.java", "src/test/java/com/acme/OrdersTest.java"],
    },
  ],
  [{ author: ANN, message: "Archive the surefire summary", files: ["Jenkinsfile"] }],
  [
    { author: MARIA, message: "Log slow queries", files: ["src/main/resources/logback.xml"] },
    {
      author: BOB,
      message: "Move ApiClient to the client module and use it from Api",
      files: ["src/main/java/com/acme/Api.java", "+client/src/main/java/com/acme/client/ApiClient.java"],
    },
  ],
];

/**
 * diag/payments #1 to #6: two good builds, then #3 breaks RefundTest, #4 does not compile, #5
 * still fails RefundTest, and #6 adds a failure of CurrencyTest next to it.
 */
export const PAYMENTS_COMMITS: readonly (readonly CommitSpec[])[] = [
  [{ author: MARIA, message: "Add refunds", files: ["+src/refunds.ts", "+test/refunds.test.ts"] }],
  [{ author: ANN, message: "Retry the bank API once on 503", files: ["src/bank.ts"] }],
  [
    {
      author: ALICE,
      message: "Round refunds half-even\n\nFinance asked for banker's rounding on partial refunds.",
      files: ["src/refunds.ts", "src/money.ts"],
    },
  ],
  [
    {
      author: BOB,
      message: "Split money.ts into currency and rounding",
      files: ["src/money.ts", "+src/currency.ts"],
    },
  ],
  [{ author: BOB, message: "Fix the currency import", files: ["src/refunds.ts"] }],
  [
    { author: DAVE, message: "Parse amounts in yen without decimals", files: ["src/currency.ts"] },
    { author: ALICE, message: "Log the refund id on failures", files: ["src/refunds.ts"] },
  ],
];
