import type { Dispatcher } from "undici";
import { JenkinsError } from "./errors.js";

/**
 * Reads a small multipart/form-data answer (Jenkins' streaming progressive text: parts `text` and
 * `meta`) into its parts by name. Refuses answers over `limit` bytes instead of holding them.
 */
export async function parseMultipart(
  body: Dispatcher.ResponseData["body"],
  contentType: string,
  limit: number,
): Promise<Map<string, Buffer>> {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary)
    throw new JenkinsError("unexpected", "Jenkins sent a multipart log answer without a boundary.");
  const chunks: Buffer[] = [];
  let size = 0;
  body.on("error", () => undefined);
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw new JenkinsError(
        "unexpected",
        `Jenkins' log answer was larger than ${limit} bytes; ask for fewer lines.`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return splitParts(Buffer.concat(chunks), boundary);
}

function splitParts(data: Buffer, boundary: string): Map<string, Buffer> {
  const parts = new Map<string, Buffer>();
  const delimiter = Buffer.from(`--${boundary}`);
  let position = data.indexOf(delimiter);
  while (position >= 0) {
    const partStart = position + delimiter.length;
    if (data.subarray(partStart, partStart + 2).toString() === "--") break;
    const next = data.indexOf(delimiter, partStart);
    if (next < 0) break;
    const part = data.subarray(partStart, next);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString("utf8");
      const name = /\bname="?([^";\r\n]+)"?/i.exec(headers)?.[1];
      // The part's content ends with the CRLF that precedes the next delimiter.
      let content = part.subarray(headerEnd + 4);
      if (content.subarray(-2).toString() === "\r\n") content = content.subarray(0, -2);
      if (name) parts.set(name, content);
    }
    position = next;
  }
  return parts;
}
