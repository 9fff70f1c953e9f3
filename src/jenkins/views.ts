import { InvalidInputError } from "./errors.js";
import type { JenkinsHttp } from "./http.js";
import { type JobType, jobStatus, jobType } from "./items.js";

/**
 * Views (hudson.model.View, checked in 2026 core sources): the root exports `views` and
 * `primaryView`; each View exports `name`, `url`, `description` and `jobs` (getItems). The
 * nested-view plugin's NestedView exports its own `views` and no jobs. A view lives at
 * `{base}view/NAME/`, a nested one at `view/A/view/B/`; ViewGroupMixIn.getView matches names
 * exactly. Views of folders are not read here.
 */

interface RawView {
  _class?: string;
  name?: string;
  url?: string;
  description?: string | null;
  views?: RawView[];
  jobs?: Array<{ _class?: string; name?: string; fullName?: string; color?: string }>;
}

interface ViewInfo {
  /** Nested views joined by "/", e.g. "Ops/Deploys". */
  path: string;
  url: string;
  description: string | null;
  /** A NestedView: it holds views, not jobs. */
  nested: boolean;
}

export interface ViewList {
  primaryView: string | null;
  views: ViewInfo[];
}

export interface ViewJobs {
  path: string;
  url: string;
  jobs: Array<{ name: string; fullName: string; type: JobType; status: string | null }>;
  /** Jenkins listed more jobs than were read. */
  hasMore: boolean;
  /** A NestedView's own views. */
  views: string[];
}

/** Levels of nested views one request reads. */
const VIEW_DEPTH = 3;
/** Jobs of one view read at most: the policy filters them before the tool's cap. */
const MAX_VIEW_JOBS = 2000;

function viewsTree(depth: number): string {
  const fields = "_class,name,url,description";
  return depth === 1 ? `views[${fields}]` : `views[${fields},${viewsTree(depth - 1)}]`;
}

export async function listViews(http: JenkinsHttp, signal?: AbortSignal): Promise<ViewList> {
  const raw = await http.json<RawView & { primaryView?: { name?: string } | null }>({
    path: "api/json",
    query: { tree: `primaryView[name],${viewsTree(VIEW_DEPTH)}` },
    action: "listing the views",
    signal,
  });
  const views: ViewInfo[] = [];
  const visit = (list: RawView[] | undefined, prefix: string) => {
    for (const view of list ?? []) {
      const path = `${prefix}${view.name ?? ""}`;
      const nested = view.views !== undefined || /NestedView$/.test(view._class ?? "");
      views.push({ path, url: view.url ?? "", description: view.description || null, nested });
      visit(view.views, `${path}/`);
    }
  };
  visit(raw.views, "");
  return { primaryView: raw.primaryView?.name ?? null, views };
}

/** Splits "Ops/Deploys" into view names, refusing empty ones before any request. */
function parseViewPath(path: string): string[] {
  const names = path.split("/").map((name) => name.trim());
  if (names.some((name) => name === "" || name === "." || name === "..")) {
    throw new InvalidInputError(
      `view "${path}" has an empty or dot segment: give a view's name, or nested views joined by /, e.g. "Ops/Deploys"`,
    );
  }
  return names;
}

export async function viewJobs(http: JenkinsHttp, view: string, signal?: AbortSignal): Promise<ViewJobs> {
  const names = parseViewPath(view);
  const path = names.join("/");
  const raw = await http.json<RawView>({
    path: `${names.map((name) => `view/${encodeURIComponent(name)}/`).join("")}api/json`,
    query: { tree: `name,url,views[name],jobs[_class,name,fullName,color]{0,${MAX_VIEW_JOBS + 1}}` },
    action: `reading the view ${path}`,
    notFound: {
      sentence: `View "${path}" was not found (names are exact, nested ones joined by /): list the views with getViews`,
    },
    signal,
  });
  const jobs = (raw.jobs ?? []).map((job) => ({
    name: job.name ?? "",
    fullName: job.fullName ?? job.name ?? "",
    type: jobType(job._class),
    status: jobStatus(job.color),
  }));
  return {
    path,
    url: raw.url ?? "",
    jobs: jobs.slice(0, MAX_VIEW_JOBS),
    hasMore: jobs.length > MAX_VIEW_JOBS,
    views: (raw.views ?? []).map((view) => view.name ?? ""),
  };
}
