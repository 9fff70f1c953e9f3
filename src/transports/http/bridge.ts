import type { IncomingMessage, ServerResponse } from "node:http";

/** How long an event stream's headers wait for its first event before they are sent alone. */
const HEADERS_WAIT_FOR_EVENT_MS = 50;
/** Headers that must not travel further than authentication (the SDK hands the request to tools). */
const STRIPPED_HEADERS = new Set(["authorization", "cookie", "proxy-authorization"]);

/** The Node request as the web Request the MCP side takes, its body already read. */
export function toWebRequest(req: IncomingMessage, body: string | undefined, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || STRIPPED_HEADERS.has(name)) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = req.method ?? "GET";
  return new Request(`http://localhost${pathOf(req.url)}`, {
    method,
    headers,
    signal,
    ...(body !== undefined && method === "POST" ? { body } : {}),
  });
}

/**
 * Sends a web Response's status, its headers with `extraHeaders`, and its body except the last
 * chunk, which is returned for the caller's `res.end()` (see pipeBody).
 */
export async function relayResponse(
  res: ServerResponse,
  response: Response,
  extraHeaders: Record<string, string>,
): Promise<Uint8Array | undefined> {
  res.writeHead(response.status, { ...Object.fromEntries(response.headers), ...extraHeaders });
  // An event stream may stay silent for long: its client gets the headers soon, not with the first
  // event, unless that event comes first (as most answers do), when they travel together.
  const flush = isEventStream(response)
    ? setTimeout(() => res.flushHeaders(), HEADERS_WAIT_FOR_EVENT_MS)
    : undefined;
  const last = response.body ? await pipeBody(response.body, res, () => clearTimeout(flush)) : undefined;
  clearTimeout(flush);
  return last;
}

export function isEventStream(response: Response): boolean {
  return response.headers.get("content-type")?.startsWith("text/event-stream") ?? false;
}

/** The path of a request's URL; `/` when it cannot be parsed. */
export function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? "/", "http://localhost").pathname;
  } catch {
    return "/";
  }
}

/**
 * Copies a web body to the response and returns its last chunk unwritten, for `res.end()`: an answer
 * whose stream ends right after its event then leaves in one write with its headers and the chunked
 * terminator (a write is a system call; they were a fifth of a call's CPU). A chunk is held back
 * only until the next read settles or the event loop turns, so an open stream is not delayed.
 */
async function pipeBody(
  body: ReadableStream<Uint8Array>,
  res: ServerResponse,
  onChunk: () => void,
): Promise<Uint8Array | undefined> {
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  res.once("close", cancel);
  let held: Uint8Array | undefined;
  try {
    for (;;) {
      const next = reader.read();
      if (held && !(await settlesAtOnce(next))) {
        if (!res.write(held)) await writable(res);
        held = undefined;
      }
      const { done, value } = await next;
      if (done || res.destroyed) return held;
      onChunk();
      if (held && !res.write(held)) await writable(res);
      held = value;
    }
  } catch {
    // The stream failed, or was cancelled because the client left: what was read still goes out.
    return held;
  } finally {
    res.off("close", cancel);
  }
}

/** Whether `promise` settles before the event loop's next turn. */
function settlesAtOnce(promise: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    const turn = setImmediate(() => resolve(false));
    const settled = () => {
      clearImmediate(turn);
      resolve(true);
    };
    promise.then(settled, settled);
  });
}

/** Resolves once `res` takes writes again, or is closed. */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}
