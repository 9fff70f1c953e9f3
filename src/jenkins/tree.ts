import { type JobType, jobStatus, jobType } from "./items.js";

/** One item of a folder's tree, as searches and completions need it. */
export interface TreeItem {
  name: string;
  fullName: string;
  displayName: string;
  type: JobType;
  /** Jenkins' colour without `_anime`, or null for folders. */
  status: string | null;
}

export interface JobTree {
  items: TreeItem[];
  /** Folders at the depth limit that hold items this tree does not show. */
  unexplored: string[];
}

/** Levels below the starting folder one request reads. */
const TREE_DEPTH = 4;
const ITEM_FIELDS = "_class,name,fullName,displayName,color";

/**
 * The `tree` that reads `depth` levels of items in one request; the deepest level asks for one
 * child only, to tell an empty folder from one the tree stops short of.
 */
export function treeQuery(depth = TREE_DEPTH): string {
  let level = `jobs[name]{0,1}`;
  for (let remaining = depth; remaining > 0; remaining--) level = `jobs[${ITEM_FIELDS},${level}]`;
  return level;
}

/** An item as treeQuery's `tree=` asks for it: its own fields, and its children a level down. */
interface RawTreeItem {
  _class?: string;
  name?: string;
  fullName?: string;
  displayName?: string;
  color?: string;
  jobs?: RawTreeItem[];
}

export function toJobTree(raw: RawTreeItem, depth = TREE_DEPTH): JobTree {
  const tree: JobTree = { items: [], unexplored: [] };
  const visit = (jobs: RawTreeItem[] | undefined, level: number) => {
    for (const job of jobs ?? []) {
      const fullName = job.fullName ?? job.name ?? "";
      tree.items.push({
        name: job.name ?? "",
        fullName,
        displayName: job.displayName ?? job.name ?? "",
        type: jobType(job._class),
        status: jobStatus(job.color),
      });
      if (level < depth) visit(job.jobs, level + 1);
      else if ((job.jobs?.length ?? 0) > 0) tree.unexplored.push(fullName);
    }
  };
  visit(raw.jobs, 1);
  return tree;
}

interface Entry<Tree> {
  expires: number;
  tree: Promise<Tree>;
}

/** Trees read in the last `ttlMs`, per starting folder, so a search right after another costs nothing. */
export class TreeCache<Tree = JobTree> {
  private readonly entries = new Map<string, Entry<Tree>>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 50,
  ) {}

  /** The cached tree of `key`, or `read()`'s; a failed read is not kept. */
  get(key: string, read: () => Promise<Tree>): Promise<Tree> {
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && cached.expires > now) return cached.tree;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const tree = read();
    this.entries.set(key, { expires: now + this.ttlMs, tree });
    tree.catch(() => {
      if (this.entries.get(key)?.tree === tree) this.entries.delete(key);
    });
    return tree;
  }
}
