import { z } from "zod";
import type { LogPosition } from "../../jenkins/logs.js";
import { formatJobPath, type JobPath } from "../../jenkins/paths.js";
import { ToolError } from "../registry.js";

/** A cursor pins the build (and its controller, on a server of several) and the exact place to continue; opaque to the model. */
const cursorSchema = z.object({
  c: z.string().optional(),
  j: z.string(),
  n: z.number().int().positive(),
  o: z.number().int().min(0),
  s: z.number().int().min(0),
  e: z.number().int().min(0).optional(),
  f: z.string().max(256).optional(),
});
type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(text: string): Cursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
  } catch {
    throw new ToolError(
      "cursor is not one this server gave out: pass nextCursor from an earlier getBuildLog answer unchanged.",
    );
  }
}

/**
 * A cursor continues the job it was given out for: its name, as Jenkins spells it, and its
 * controller are in the cursor (a byte offset of one controller's log means nothing on another's).
 */
export function checkCursor(
  cursor: Cursor,
  target: { jobPath: JobPath; build: number | string | undefined; controller: string | undefined },
): void {
  const { jobPath, build, controller } = target;
  if (
    cursor.j !== formatJobPath(jobPath) ||
    cursor.c !== controller ||
    (typeof build === "number" && build !== cursor.n)
  ) {
    const on = cursor.c ? ` on controller ${cursor.c}` : "";
    throw new ToolError(
      `This cursor belongs to ${cursor.j} #${cursor.n}${on}; ask for that build, or drop the cursor to start reading this one.`,
    );
  }
}

export function positionOf(cursor: Cursor): LogPosition {
  return {
    offset: cursor.o,
    skipLines: cursor.s,
    ...(cursor.e !== undefined && cursor.f !== undefined
      ? { estimate: cursor.e, fingerprint: cursor.f }
      : {}),
  };
}
