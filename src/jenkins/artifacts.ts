import { buildNotFound } from "./builds.js";
import { InvalidInputError } from "./errors.js";
import type { JenkinsHttp } from "./http.js";
import { LineSplitter } from "./lines.js";
import { type BuildRef, describeBuild, type JobPath, jobUrlPath } from "./paths.js";

/**
 * A build's archived files. `{build}/api/json`: hudson.model.Run.getArtifacts (@Exported) lists
 * hudson.model.Run.Artifact, which exports relativePath, fileName and displayPath (visibility 3) and
 * NOT its length (getLength and getFileSize are not @Exported; checked in 2026 sources), so the
 * remote API tells no size. `{build}/artifact/{relativePath}`: Run.doArtifact, served by
 * DirectoryBrowserSupport.serveFile with the file's length as Content-Length (404 page when missing).
 */

interface RawArtifact {
  fileName?: string;
  relativePath?: string;
}

interface ArtifactInfo {
  relativePath: string;
  fileName: string;
}

export interface ArtifactList {
  number: number;
  url: string;
  artifacts: ArtifactInfo[];
  /** More artifacts exist than were asked for. */
  hasMore: boolean;
}

export interface ArtifactRequest {
  path: JobPath;
  build: BuildRef;
  /** The artifact's relative path in segments, as parseArtifactPath gives it. */
  artifact: readonly string[];
  skip: number;
  limit: number;
  /** Bytes read at most; the transfer stops there. */
  maxBytes: number;
  signal?: AbortSignal | undefined;
}

export type ArtifactText =
  | {
      kind: "text";
      lines: string[];
      /** Lines after the page exist (or may, when the read stopped at maxBytes). */
      hasMore: boolean;
      /** The read stopped at maxBytes before the page was full or the file ended. */
      cut: boolean;
      /** Content-Length, when Jenkins sent it. */
      size: number | null;
    }
  | { kind: "binary"; size: number | null };

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
/** Where a NUL byte marks a file as binary, as git and grep decide. */
const BINARY_PROBE_BYTES = 8192;

/**
 * Parses an artifact path given by a caller (`target/reports/summary.txt`), refusing what could reach
 * outside the build's artifacts before any request is built: absolute paths, `.`/`..` and empty
 * segments, backslashes and control characters.
 */
export function parseArtifactPath(relativePath: string): string[] {
  const what = `path "${relativePath}"`;
  if (relativePath.trim() === "")
    throw new InvalidInputError("path is empty: give an artifact's relativePath");
  if (CONTROL_CHARACTERS.test(relativePath)) {
    throw new InvalidInputError(`${what} contains a control character; give an artifact's relativePath`);
  }
  if (relativePath.includes("\\")) {
    throw new InvalidInputError(`${what} contains a backslash; separate folders with /`);
  }
  if (relativePath.startsWith("/") || /^[A-Za-z]:/.test(relativePath)) {
    throw new InvalidInputError(
      `${what} is absolute; give it relative to the build's artifacts, as getArtifacts lists it`,
    );
  }
  const segments = relativePath.split("/");
  for (const segment of segments) {
    if (segment === "") {
      throw new InvalidInputError(`${what} has an empty segment ("//" or a trailing /); name a file`);
    }
    if (segment === "." || segment === "..") {
      throw new InvalidInputError(`${what} contains "${segment}", which is not allowed in an artifact path`);
    }
  }
  return segments;
}

/** The first `limit` artifacts of a build, from one request. */
export async function listArtifacts(
  http: JenkinsHttp,
  path: JobPath,
  build: BuildRef,
  limit: number,
  signal?: AbortSignal,
): Promise<ArtifactList> {
  const raw = await http.json<{ number: number; url: string; artifacts?: RawArtifact[] }>({
    path: `${jobUrlPath(path)}${build}/api/json`,
    query: { tree: `number,url,artifacts[fileName,relativePath]{0,${limit + 1}}` },
    action: `listing the artifacts of ${describeBuild(path, build)}`,
    notFound: buildNotFound(path, build),
    signal,
  });
  const artifacts = (raw.artifacts ?? []).flatMap((artifact) =>
    artifact.relativePath
      ? [{ relativePath: artifact.relativePath, fileName: artifact.fileName ?? artifact.relativePath }]
      : [],
  );
  return {
    number: raw.number,
    url: raw.url,
    artifacts: artifacts.slice(0, limit),
    hasMore: artifacts.length > limit,
  };
}

/**
 * Lines `skip` to `skip + limit` of a text artifact, streaming its body and stopping as soon as the
 * page is full or `maxBytes` were read: never more than that is held. A NUL byte in the first 8 KiB,
 * or bytes that are not UTF-8, make it binary.
 */
export async function readArtifact(http: JenkinsHttp, request: ArtifactRequest): Promise<ArtifactText> {
  const { path, build, artifact, skip, limit, maxBytes, signal } = request;
  const relativePath = artifact.join("/");
  const response = await http.send({
    path: `${jobUrlPath(path)}${build}/artifact/${artifact.map(encodeURIComponent).join("/")}`,
    action: `reading the artifact ${relativePath} of ${describeBuild(path, build)}`,
    notFound: {
      sentence: `${describeBuild(path, build)} has no artifact "${relativePath}" (or the build does not exist)`,
      subject: "build",
    },
    signal,
  });
  const body = response.body;
  const length = Number(response.headers["content-length"]);
  const size = Number.isSafeInteger(length) && length >= 0 ? length : null;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const splitter = new LineSplitter();
  const lines: string[] = [];
  let seen = 0;
  let read = 0;
  let full = false;
  let cut = false;
  const take = (text: string) => {
    if (seen >= skip && lines.length < limit) lines.push(text);
    seen++;
  };
  body.on("error", () => undefined);
  try {
    for await (const data of body) {
      const chunk = (data as Buffer).subarray(0, maxBytes - read);
      if (read < BINARY_PROBE_BYTES && chunk.subarray(0, BINARY_PROBE_BYTES - read).includes(0)) {
        return { kind: "binary", size };
      }
      decoder.decode(chunk, { stream: true });
      read += chunk.length;
      for (const line of splitter.push(chunk)) take(line.text);
      if (lines.length >= limit && (seen > skip + limit || splitter.pendingBytes > 0)) {
        full = true;
        break;
      }
      if (read >= maxBytes && (size === null || size > read)) {
        cut = true;
        break;
      }
    }
    if (!full && !cut) {
      decoder.decode();
      const last = splitter.finish();
      if (last) take(last.text);
    }
  } catch (error) {
    if (error instanceof TypeError && "code" in error && error.code === "ERR_ENCODING_INVALID_ENCODED_DATA") {
      return { kind: "binary", size };
    }
    throw error;
  } finally {
    if (!body.destroyed) body.destroy();
  }
  return { kind: "text", lines, hasMore: full || cut || seen > skip + limit, cut: cut && !full, size };
}
