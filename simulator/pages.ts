import { randomUUID } from "node:crypto";
import { type Auth, authName, PERMISSIONS, type Permission } from "./auth.js";
import { escapeXml } from "./xml.js";

/** What a handler answers; the server writes it (and may apply a fault first). */
export interface SimResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  /** A lazy iterable is streamed with backpressure and without Content-Length. */
  readonly body: string | Buffer | Iterable<Buffer> | null;
}

export type Headers = Record<string, string | readonly string[]>;

const HTML = "text/html;charset=utf-8";

/** Jetty writes header values as ISO-8859-1 and replaces other characters with '?'. */
function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\xa0-\xff]/g, "?");
}

export function escapeHtml(text: string): string {
  return escapeXml(text).replace(/'/g, "&#39;");
}

export function empty(status: number, headers: Headers = {}): SimResponse {
  return { status, headers, body: null };
}

/** A Stapler redirect (always absolute). */
export function redirect(status: number, location: string): SimResponse {
  return empty(status, { Location: location });
}

/**
 * Jenkins' own pages and headers for one simulated instance: `X-Jenkins` comes from
 * Functions.advertiseHeaders (l:layout, login entry point) and from Api.setHeaders.
 */
export class Pages {
  readonly sessionHash: string;

  constructor(
    readonly version: string,
    /** Path of the Jenkins root with a trailing slash, e.g. `/jenkins/`. */
    readonly rootPath: string,
    private readonly showStackTrace: boolean,
  ) {
    this.sessionHash = randomUUID().slice(0, 8);
  }

  advertised(): Headers {
    return { "X-Hudson": "1.395", "X-Jenkins": this.version, "X-Jenkins-Session": this.sessionHash };
  }

  api(json: string): SimResponse {
    return {
      status: 200,
      headers: {
        "Content-Type": "application/json;charset=utf-8",
        "X-Jenkins": this.version,
        "X-Jenkins-Session": this.sessionHash,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "deny",
      },
      body: json,
    };
  }

  /** A page rendered with /lib/layout/layout.jelly. */
  layout(status: number, title: string | null, main: string, extra: Headers = {}): SimResponse {
    const root = this.rootPath.replace(/\/$/, "");
    const body = [
      "<!DOCTYPE html>",
      `<html class=""><head data-rooturl="${root}" data-resurl="${root}/static/${this.sessionHash}">`,
      `<title>${escapeHtml(title ? `${title} - Jenkins` : "Jenkins")}</title>`,
      `<link rel="icon" href="${root}/static/${this.sessionHash}/favicon.svg" type="image/svg+xml">`,
      `</head><body id="jenkins" class="yui-skin-sam one-column jenkins-${this.version}" data-version="${this.version}">`,
      `<header id="page-header" class="page-header"><a id="jenkins-home-link" href="${this.rootPath}">Jenkins</a></header>`,
      `<div id="page-body" class="app-page-body"><div id="main-panel">${main}</div></div>`,
      `<footer class="page-footer"><button class="jenkins-button jenkins_ver">Jenkins ${this.version}</button></footer>`,
      "</body></html>",
    ].join("\n");
    return {
      status,
      headers: {
        "Content-Type": HTML,
        Expires: "0",
        "Cache-Control": "no-cache,no-store,must-revalidate",
        "X-Hudson-Theme": "default",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        ...this.advertised(),
        ...extra,
      },
      body,
    };
  }

  private oopsHeading(): string {
    return (
      `<h1 style="text-align: center"><img src="${this.rootPath}images/rage.svg" height="179" width="154"/>` +
      ` <span style="font-size:50px">&nbsp;Oops!</span></h1>`
    );
  }

  /** Jenkins/_404.jelly, the page for every 404 Stapler sends. */
  notFound(): SimResponse {
    return this.layout(
      404,
      "Not Found",
      `${this.oopsHeading()}<div id="error-description" style="text-align: center"><h2>Not Found</h2>` +
        "<p>This page may not exist, or you may not have permission to see it.</p></div>",
    );
  }

  /** Jenkins/oops.jelly: an uncaught exception (stack trace shown only with SHOW_STACK_TRACE). */
  oops(status: number, exception: string): SimResponse {
    const trace = this.showStackTrace
      ? `<h2>Stack trace</h2><pre style="margin:2em; clear:both">${escapeHtml(exception)}</pre>`
      : "";
    return this.layout(
      status,
      "Jenkins",
      `${this.oopsHeading()}<div id="error-description"><h2 style="text-align: center">` +
        "A problem occurred while processing the request</h2>" +
        `<p style="text-align: center">Logging ID=${randomUUID()}</p></div>${trace}`,
    );
  }

  /** hudson.model.Failure rendered by AbstractModelObject/error.jelly: 400 with X-Error. */
  failure(message: string): SimResponse {
    return this.layout(400, "Jenkins", `<h1>Error</h1><p>${escapeHtml(message)}</p>`, {
      "X-Error": headerSafe(message),
    });
  }

  private deniedHeaders(auth: Auth, permission: Permission): Headers {
    const info = PERMISSIONS[permission];
    return {
      "X-You-Are-Authenticated-As": authName(auth),
      "X-You-Are-In-Group-Disabled":
        "JENKINS-39402: use -Dhudson.security.AccessDeniedException2.REPORT_GROUP_HEADERS=true or use /whoAmI to diagnose",
      "X-Required-Permission": info.id,
      "X-Permission-Implied-By": info.impliedBy,
    };
  }

  /** AccessDeniedHandlerImpl: an authenticated user lacks a permission. */
  accessDenied(auth: Auth, permission: Permission): SimResponse {
    const [group, name] = permission.split("/");
    const message = `${authName(auth)} is missing the ${group}/${name} permission`;
    return this.layout(403, null, `<h1>Access Denied</h1><p class="error">${escapeHtml(message)}</p>`, {
      ...this.deniedHeaders(auth, permission),
    });
  }

  /** HudsonAuthenticationEntryPoint: anonymous lacks Overall/Read. */
  loginRequired(auth: Auth, requestUri: string): SimResponse {
    const permission: Permission = "Overall/Read";
    const info = PERMISSIONS[permission];
    const loginUrl = escapeHtml(`${this.rootPath}login?from=${encodeURIComponent(requestUri)}`);
    const body = [
      `<html><head><meta http-equiv='refresh' content='1;url=${loginUrl}'/>`,
      `<script id='redirect' data-redirect-url='${loginUrl}' src='${this.rootPath}static/${this.sessionHash}/scripts/redirect.js'></script>`,
      "</head><body style='background-color:white; color:white;'>",
      "Authentication required",
      "<!--",
      `You are authenticated as: ${authName(auth)}`,
      "Groups that you are in:",
      "  anonymous",
      `Permission you need to have (but didn't): ${info.id}`,
      ...info.impliedBy.map((p) => ` ... which is implied by: ${p}`),
      "-->",
      "",
      `</body></html>${" ".repeat(300)}`,
    ].join("\n");
    return {
      status: 403,
      headers: { "Content-Type": HTML, ...this.advertised(), ...this.deniedHeaders(auth, permission) },
      body,
    };
  }

  /** RequirePOST: a form that re-submits the request as a POST. */
  requirePost(url: string): SimResponse {
    return this.layout(
      405,
      "This URL requires POST",
      "<h1>This URL requires POST</h1><p>The URL you're trying to access requires that requests be sent using POST " +
        `(like a form submission).</p><form method="POST" action="${escapeHtml(url)}">` +
        '<button class="jenkins-button">Proceed</button></form>',
      { Allow: "POST" },
    );
  }

  login(): SimResponse {
    return this.layout(
      200,
      "Sign in",
      `<form method="post" name="login" action="j_spring_security_check"><h1>Sign in to Jenkins</h1>` +
        '<input name="j_username" id="j_username"/><input name="j_password" type="password"/></form>',
    );
  }
}

/** Jetty's ErrorHandler page: what rsp.sendError produces outside Jenkins' error pages (no X-Jenkins). */
export function jettyError(status: number, message: string, uri: string): SimResponse {
  const text = escapeHtml(message);
  const body = [
    "<html>",
    "<head>",
    '<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>',
    `<title>Error ${status} ${text}</title>`,
    "</head>",
    "<body>",
    `<h2>HTTP ERROR ${status} ${text}</h2>`,
    "<table>",
    `<tr><th>URI:</th><td>${escapeHtml(uri)}</td></tr>`,
    `<tr><th>STATUS:</th><td>${status}</td></tr>`,
    `<tr><th>MESSAGE:</th><td>${text}</td></tr>`,
    "<tr><th>SERVLET:</th><td>Stapler</td></tr>",
    "</table>",
    '<hr/><a href="https://jetty.org/">Powered by Jetty:// 12.0.25</a><hr/>',
    "",
    "</body>",
    "</html>",
  ].join("\n");
  return {
    status,
    headers: {
      "Content-Type": "text/html;charset=iso-8859-1",
      "Cache-Control": "must-revalidate,no-cache,no-store",
    },
    body: Buffer.from(body, "latin1"),
  };
}

/** What a reverse proxy answers itself: no Jenkins behind that path, or a failing upstream. */
export function proxyPage(status: number, reason: string, headers: Record<string, string> = {}): SimResponse {
  const body = `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return { status, headers: { "Content-Type": "text/html", Server: "nginx", ...headers }, body };
}

/** Any web server that is not Jenkins. */
export function notJenkinsPage(): SimResponse {
  const body =
    "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n" +
    "<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed.</p>\n" +
    "</body>\n</html>\n";
  return { status: 200, headers: { "Content-Type": "text/html", Server: "nginx" }, body };
}

/** The login page of an SSO proxy in front of Jenkins. */
export function ssoLoginPage(): SimResponse {
  const body =
    "<!DOCTYPE html>\n<html><head><title>Sign in - Corporate SSO</title></head>\n<body>" +
    '<form method="post" action="/sso/login"><h1>Corporate single sign-on</h1>' +
    '<input name="username"/><input name="password" type="password"/><button>Sign in</button></form>' +
    "</body></html>\n";
  return { status: 200, headers: { "Content-Type": "text/html;charset=utf-8" }, body };
}
