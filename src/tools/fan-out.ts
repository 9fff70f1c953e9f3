import { z } from "zod";
import type { FanOut } from "../controllers.js";

/** What each controller gave, in the order of the controllers, and which did not answer and why. */
export interface Gathered<T> {
  answers: Array<{ controller: string; value: T }>;
  unavailable: Array<{ controller: string; reason: string }>;
}

/**
 * Runs `work` on each controller, at most `concurrency` at once, each within `timeoutMs`: a
 * controller that is down, slow or refuses costs the call one line in `unavailable`, never the
 * answers of the others. `work` gets a signal that ends at the time limit; what ignores it is
 * simply not waited for. Only the call's own cancellation fails the whole.
 */
export async function gatherAcross<T>(
  controllers: readonly string[],
  work: (controller: string, signal: AbortSignal) => Promise<T>,
  limits: FanOut,
  signal: AbortSignal,
): Promise<Gathered<T>> {
  const outcomes: Array<{ value: T } | { reason: string }> = new Array(controllers.length);
  let next = 0;
  const worker = async () => {
    while (next < controllers.length) {
      const index = next++;
      outcomes[index] = await settle(controllers[index] as string, work, limits.timeoutMs, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limits.concurrency, controllers.length) }, worker));
  signal.throwIfAborted();
  const gathered: Gathered<T> = { answers: [], unavailable: [] };
  outcomes.forEach((outcome, index) => {
    const controller = controllers[index] as string;
    if ("value" in outcome) gathered.answers.push({ controller, value: outcome.value });
    else gathered.unavailable.push({ controller, reason: outcome.reason });
  });
  return gathered;
}

async function settle<T>(
  controller: string,
  work: (controller: string, signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ value: T } | { reason: string }> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const limit = AbortSignal.any([signal, timeout]);
  let stop: (() => void) | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    stop = () => reject(limit.reason);
    // On the timeout signal itself: Node holds a timeout signal (and its timer) only while it has
    // listeners of its own, so one that only AbortSignal.any refers to may be collected and never
    // fire. That cut a silent controller at JENKINS_TIMEOUT_MS instead of the fan-out's limit.
    timeout.addEventListener("abort", stop, { once: true });
    signal.addEventListener("abort", stop, { once: true });
  });
  try {
    return { value: await Promise.race([work(controller, limit), timedOut]) };
  } catch (error) {
    if (signal.aborted) return { reason: "cancelled" };
    if (limit.aborted) return { reason: `did not answer within ${timeoutMs / 1000} s` };
    return { reason: (error as Error)?.message ?? String(error) };
  } finally {
    if (stop) {
      timeout.removeEventListener("abort", stop);
      signal.removeEventListener("abort", stop);
    }
    timedOut.catch(() => undefined);
  }
}

/** The controllers a call spanning several could not read, and why: part of its answer, not its failure. */
export const unavailableSchema = z.array(z.object({ controller: z.string(), reason: z.string() }));

/** A last line naming the controllers that did not answer, or nothing when all did. */
export function unavailableText(unavailable: z.input<typeof unavailableSchema>): string {
  if (unavailable.length === 0) return "";
  const reasons = unavailable.map(({ controller, reason }) => `${controller} (${reason})`);
  return `\nNot answered, so not included: ${reasons.join("; ")}.`;
}
