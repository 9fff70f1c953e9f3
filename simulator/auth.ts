import { createHash, randomBytes } from "node:crypto";

/** Users, permissions (matrix-like) and CSRF crumbs bound to a web session, as Jenkins does them. */

export type Permission =
  | "Overall/Read"
  | "Job/Read"
  | "Job/Build"
  | "Job/Cancel"
  | "Job/Create"
  | "Job/Configure"
  | "Job/ExtendedRead"
  | "Job/Delete"
  | "Run/Update"
  | "Run/Delete"
  | "Run/Replay";

interface PermissionInfo {
  readonly id: string;
  /** Permission.impliedBy chain, reported as X-Permission-Implied-By headers. */
  readonly impliedBy: readonly string[];
}

const ADMINISTER = "hudson.model.Hudson.Administer";
const GENERIC_WRITE = ["hudson.security.Permission.GenericWrite", ADMINISTER];
const GENERIC_UPDATE = ["hudson.security.Permission.GenericUpdate", ...GENERIC_WRITE];
const GENERIC_CONFIGURE = ["hudson.security.Permission.GenericConfigure", ...GENERIC_UPDATE];

export const PERMISSIONS: Readonly<Record<Permission, PermissionInfo>> = {
  "Overall/Read": {
    id: "hudson.model.Hudson.Read",
    impliedBy: ["hudson.security.Permission.GenericRead", ADMINISTER],
  },
  "Job/Read": {
    id: "hudson.model.Item.Read",
    impliedBy: ["hudson.security.Permission.GenericRead", ADMINISTER],
  },
  "Job/Build": { id: "hudson.model.Item.Build", impliedBy: GENERIC_UPDATE },
  "Job/Cancel": { id: "hudson.model.Item.Cancel", impliedBy: GENERIC_UPDATE },
  "Job/Create": {
    id: "hudson.model.Item.Create",
    impliedBy: ["hudson.security.Permission.GenericCreate", ...GENERIC_WRITE],
  },
  "Job/Configure": { id: "hudson.model.Item.Configure", impliedBy: GENERIC_CONFIGURE },
  "Job/ExtendedRead": {
    id: "hudson.model.Item.ExtendedRead",
    impliedBy: ["hudson.model.Item.Configure", ...GENERIC_CONFIGURE],
  },
  "Job/Delete": {
    id: "hudson.model.Item.Delete",
    impliedBy: ["hudson.security.Permission.GenericDelete", ...GENERIC_WRITE],
  },
  // hudson.model.Run.UPDATE and DELETE, implied by Permission.UPDATE and Permission.DELETE.
  "Run/Update": { id: "hudson.model.Run.Update", impliedBy: GENERIC_UPDATE },
  "Run/Delete": {
    id: "hudson.model.Run.Delete",
    impliedBy: ["hudson.security.Permission.GenericDelete", ...GENERIC_WRITE],
  },
  // workflow-cps's ReplayAction.REPLAY: a Run permission implied by Item.CONFIGURE.
  "Run/Replay": {
    id: "hudson.model.Run.Replay",
    impliedBy: ["hudson.model.Item.Configure", ...GENERIC_CONFIGURE],
  },
};

export interface SimUser {
  readonly id: string;
  readonly fullName: string;
  readonly password: string;
  readonly apiToken: string;
  readonly permissions: readonly Permission[];
}

const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export const SIMULATOR_USERS = {
  admin: {
    id: "admin",
    fullName: "admin",
    password: "admin-password",
    apiToken: "11aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    permissions: ALL_PERMISSIONS,
  },
  reader: {
    id: "reader",
    fullName: "reader",
    password: "reader-password",
    apiToken: "11bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    permissions: ["Overall/Read", "Job/Read"],
  },
} as const satisfies Record<string, SimUser>;

export interface Auth {
  readonly user: SimUser | null;
  /** API-token requests are exempt from crumbs (ApiCrumbExclusion). */
  readonly via: "password" | "token" | "anonymous";
}

const ANONYMOUS: Auth = { user: null, via: "anonymous" };

export function authName(auth: Auth): string {
  return auth.user?.id ?? "anonymous";
}

export function can(auth: Auth, permission: Permission): boolean {
  return auth.user?.permissions.includes(permission) ?? false;
}

/** BasicHeaderProcessor: `null` means the header was present but wrong (401). */
export function authenticate(header: string | undefined): Auth | null {
  if (!header?.toLowerCase().startsWith("basic ")) return ANONYMOUS;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  const user = Object.values(SIMULATOR_USERS).find((u) => u.id === decoded.slice(0, colon));
  const secret = decoded.slice(colon + 1);
  if (user?.apiToken === secret) return { user, via: "token" };
  if (user?.password === secret) return { user, via: "password" };
  return null;
}

export const CRUMB_FIELD = "Jenkins-Crumb";

/** DefaultCrumbIssuer with session binding: crumb = sha256(user;sessionId + salt). */
export class CrumbIssuer {
  readonly cookieName = `JSESSIONID.${randomBytes(4).toString("hex")}`;
  private sessions = new Set<string>();
  private salt = randomBytes(16).toString("hex");

  /** The session of the request (from its cookie), or a new one to be set as a cookie. */
  session(cookieHeader: string | undefined): { id: string; created: boolean } {
    const existing = this.sessionOf(cookieHeader);
    if (existing) return { id: existing, created: false };
    const id = `node0${randomBytes(12).toString("hex")}`;
    this.sessions.add(id);
    return { id, created: true };
  }

  crumb(auth: Auth, sessionId: string): string {
    return createHash("sha256")
      .update(`${authName(auth)};${sessionId}`)
      .update(this.salt)
      .digest("hex");
  }

  validate(auth: Auth, cookieHeader: string | undefined, crumb: string | undefined): boolean {
    const sessionId = this.sessionOf(cookieHeader);
    return sessionId !== undefined && crumb !== undefined && crumb === this.crumb(auth, sessionId);
  }

  /** Invalidates every session, hence every crumb (e.g. a Jenkins restart). */
  expireAll(): void {
    this.sessions.clear();
    this.salt = randomBytes(16).toString("hex");
  }

  private sessionOf(cookieHeader: string | undefined): string | undefined {
    for (const part of (cookieHeader ?? "").split(";")) {
      const [name, value] = part.trim().split("=", 2);
      const id = value?.replace(/\.node0$/, "");
      if (name === this.cookieName && id && this.sessions.has(id)) return id;
    }
    return undefined;
  }
}
