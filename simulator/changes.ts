import { SIMULATOR_USERS } from "./auth.js";
import { Bean, compareJava, levels, prop } from "./export.js";
import { type Build, type Commit, type Result, rawEncode } from "./world.js";

/**
 * What a build's checkout brought in, as Jenkins exports it for a job that checks out a git
 * repository: the git plugin's GitChangeSetList of GitChangeSet entries, and core's culprits
 * (jenkins.scm.RunWithSCM). Freestyle builds export `changeSet` (AbstractBuild.getChangeSet, one
 * set, never null); pipelines export `changeSets` (WorkflowRun.getChangeSets, one set per checkout
 * that brought changes, so none when nothing changed). Both export `culprits`.
 */

interface JenkinsUser {
  readonly id: string;
  readonly fullName: string;
}

const USER_CLASS = "hudson.model.User";
const PATH_CLASS = "hudson.plugins.git.GitChangeSet$Path";

/** User.getUnknown(): whom a commit without an author or e-mail address is attributed to. */
const UNKNOWN: JenkinsUser = { id: "unknown", fullName: "unknown" };

/** Accounts Jenkins knows besides the API users (from its security realm), found by full name too. */
const ACCOUNTS: readonly JenkinsUser[] = [
  ...Object.values(SIMULATOR_USERS).map(({ id, fullName }) => ({ id, fullName })),
  { id: "mrossi", fullName: "Maria Rossi" },
];

/** IdStrategy.CaseInsensitive (the default): user ids compare ignoring case. */
function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * GitChangeSet.getAuthor → findOrCreateUser with the plugin's defaults (createAccountBasedOnEmail
 * off): User.get(name) finds an account by id or, through User.FullNameIdResolver, by full name;
 * failing that User.get(local part of the e-mail, create) makes a user whose id AND full name are
 * that local part. So "Ann Lee <ann.lee@example.com>" without an account is shown as "ann.lee".
 */
function commitUser(commit: Commit): JenkinsUser {
  const name = commit.authorName;
  if (name === "") return UNKNOWN;
  const known = ACCOUNTS.find((user) => sameId(user.id, name) || user.fullName === name);
  if (known) return known;
  const local = commit.authorEmail.split("@")[0] ?? "";
  if (local === "") return UNKNOWN;
  return ACCOUNTS.find((user) => sameId(user.id, local)) ?? { id: local, fullName: local };
}

/** hudson.model.User: absoluteUrl and fullName at visibility 999, the rest at 1. */
function userBean(user: JenkinsUser, baseUrl: string): Bean {
  return new Bean(
    USER_CLASS,
    levels([
      // User.getUrl: "user/" + the id as IdStrategy.keyFor gives it (lower case), raw-encoded.
      prop("absoluteUrl", 999, () => `${baseUrl}user/${rawEncode(user.id.toLowerCase())}`),
      prop("description", 1, () => null),
      prop("fullName", 999, () => user.fullName),
      prop("id", 1, () => user.id),
      // Only administrators see a user's properties (User.getAllProperties); the simulator shows none.
      prop("property", 1, () => [], { inline: true }),
    ]),
  );
}

/** GitChangeSet.TRUNCATE_LIMIT: `msg` is the first line cut at a word before this many characters. */
const TRUNCATE_LIMIT = 72;

/** GitChangeSet.splitString: the first line, cut at the last space before the limit. */
function splitString(message: string, lineSize: number): string {
  const line = message.split(/[\r\n]/)[0] ?? "";
  if (line.length <= lineSize || !line.includes(" ")) return line;
  let lastSpace = line.lastIndexOf(" ", lineSize);
  if (lastSpace === -1) lastSpace = line.indexOf(" ");
  return line.slice(0, lastSpace);
}

/** `%ai` of git-client's changelog format, as GitChangeSet.getDate returns it: "2026-03-04 05:06:07 +0000". */
function gitDate(timestamp: number): string {
  return `${new Date(timestamp).toISOString().slice(0, 19).replace("T", " ")} +0000`;
}

/**
 * hudson.plugins.git.GitChangeSet. ChangeLogSet.Entry exports affectedPaths, commitId and timestamp
 * (GitChangeSet overrides them without @Exported); GitChangeSet exports author, authorEmail, comment
 * (the whole message), date, id, msg (the first line, truncated) and paths. All at visibility 999.
 */
function entryBean(commit: Commit, baseUrl: string): Bean {
  const comment = commit.message.endsWith("\n") ? commit.message : `${commit.message}\n`;
  return new Bean(
    "hudson.plugins.git.GitChangeSet",
    levels(
      [
        prop("affectedPaths", 999, () => commit.paths.map((path) => path.file)),
        prop("commitId", 999, () => commit.id),
        // GitChangeSet.getTimestamp parses `date`, which has whole seconds.
        prop("timestamp", 999, () => Math.floor(commit.timestamp / 1000) * 1000),
      ],
      [
        prop("author", 999, () => userBean(commitUser(commit), baseUrl), { declared: USER_CLASS }),
        prop("authorEmail", 999, () => commit.authorEmail),
        prop("comment", 999, () => comment),
        prop("date", 999, () => gitDate(commit.timestamp)),
        prop("id", 999, () => commit.id),
        prop("msg", 999, () => splitString(comment.trim(), TRUNCATE_LIMIT)),
        prop("paths", 999, () => commit.paths.map((path) => pathBean(path)), { declared: PATH_CLASS }),
      ],
    ),
  );
}

/** GitChangeSet.Path: `file` and `editType` (EditType exports its name: add, edit, delete). */
function pathBean(path: Commit["paths"][number]): Bean {
  return new Bean(
    PATH_CLASS,
    levels([prop("editType", 999, () => path.editType), prop("file", 999, () => path.file)]),
  );
}

/** hudson.plugins.git.GitChangeSetList: ChangeLogSet exports `items`; the list's `kind` is "git". */
export function gitChangeSetList(commits: readonly Commit[], baseUrl: string): Bean {
  return new Bean(
    "hudson.plugins.git.GitChangeSetList",
    levels(
      [prop("items", 999, () => commits.map((commit) => entryBean(commit, baseUrl)))],
      [prop("kind", 999, () => "git")],
    ),
  );
}

/** WorkflowRun.getChangeSets keeps only the sets that are not empty. */
export function pipelineChangeSets(build: Build, baseUrl: string): Bean[] {
  return build.commits?.length ? [gitChangeSetList(build.commits, baseUrl)] : [];
}

/** Result.isWorseThan(SUCCESS): every other result. */
function worseThanSuccess(result: Result | null): boolean {
  return result !== null && result !== "SUCCESS";
}

function previousCompleted(build: Build): Build | undefined {
  let previous = build.previous();
  while (previous?.building) previous = previous.previous();
  return previous;
}

/**
 * RunWithSCM.calculateCulprits: the authors of this build's changes, plus the previous completed
 * build's culprits when that build's result was worse than SUCCESS (so they pile up over a streak
 * of failing or unstable builds). Completed builds keep them as a sorted set of user ids
 * (AbstractBuild's TreeSet, WorkflowRun's ImmutableSortedSet), which is the order they are listed in.
 */
function culprits(build: Build): JenkinsUser[] {
  const found = new Map<string, JenkinsUser>();
  for (let current: Build | undefined = build; current; ) {
    for (const commit of current.commits ?? []) {
      const user = commitUser(commit);
      found.set(user.id.toLowerCase(), user);
    }
    const previous = previousCompleted(current);
    current = previous && worseThanSuccess(previous.result) ? previous : undefined;
  }
  return [...found.values()].sort((a, b) => compareJava(a.id, b.id));
}

export function culpritBeans(build: Build, baseUrl: string): Bean[] {
  return culprits(build).map((user) => userBean(user, baseUrl));
}

export const CULPRIT_CLASS = USER_CLASS;
