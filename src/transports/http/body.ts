import type { IncomingMessage } from "node:http";

export type BodyResult = { kind: "ok"; text: string } | { kind: "tooLarge" } | { kind: "aborted" };

/** How much of a refused upload is read and thrown away so the client sees our answer, not a reset. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
const DRAIN_LIMIT_MS = 5_000;

/** Reads the body as UTF-8 up to `limit` bytes; a longer body is drained and reported as too large. */
export async function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  if (Number(req.headers["content-length"]) > limit) {
    await drain(req);
    return { kind: "tooLarge" };
  }
  // Listeners rather than `for await`: leaving that loop early destroys the socket, and the client
  // would see a reset instead of the 413.
  const chunks: Buffer[] = [];
  let size = 0;
  const outcome = await new Promise<"ok" | "tooLarge" | "aborted">((resolve) => {
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        req.off("data", onData);
        resolve("tooLarge");
      }
    };
    req.on("data", onData);
    req.once("end", () => resolve("ok"));
    req.once("error", () => resolve("aborted"));
    req.once("close", () => resolve(req.complete ? "ok" : "aborted"));
  });
  if (outcome === "tooLarge") {
    await drain(req);
    return { kind: "tooLarge" };
  }
  if (outcome === "aborted") return { kind: "aborted" };
  return { kind: "ok", text: Buffer.concat(chunks).toString("utf8") };
}

/**
 * Reads and discards the rest of a request before it is answered: a server that answers and closes
 * while the client still uploads makes the client see a connection reset instead of the status.
 * Gives up (the caller then closes the connection) past a size or time limit.
 */
export function drain(req: IncomingMessage): Promise<boolean> {
  if (req.complete || req.destroyed) return Promise.resolve(req.complete);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (drained: boolean) => {
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onEnd);
      req.off("close", onEnd);
      resolve(drained);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_LIMIT_BYTES) finish(false);
    };
    const onEnd = () => finish(req.complete);
    const timer = setTimeout(() => finish(false), DRAIN_LIMIT_MS);
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onEnd);
    req.once("close", onEnd);
    req.resume();
  });
}
