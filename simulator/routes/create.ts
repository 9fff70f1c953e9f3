import {
  applyConfig,
  configOf,
  ITEM_MODES,
  type ItemConfig,
  type ItemType,
  itemType,
  parseConfig,
  UnknownItemTypeError,
} from "../config.js";
import { empty, redirect, type SimResponse } from "../pages.js";
import type { Folder, Item, World } from "../world.js";
import { Job } from "../world.js";
import { XmlError } from "../xml.js";
import { type AppEnv, denied, JenkinsException, postOnly, type RequestContext } from "./context.js";

/** ItemGroupMixIn.createTopLevelItem and the config.xml endpoint. */

/** Jenkins.checkGoodName: the Failure message for a bad item name, or null. */
function badNameReason(name: string): string | null {
  if (name.length === 0) return "No name is specified";
  const trimmed = name.trim();
  if (trimmed === "." || trimmed === "..") return `“${trimmed}” is not an allowed name`;
  for (const ch of name) {
    if (/[\u0000-\u001f\u007f-\u009f]/.test(ch)) {
      const printable = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0)};`);
      return `No control code is allowed: ${printable}`;
    }
    if ("?*/\\%!@#$^&|<>[]:;".includes(ch)) return `‘${ch}’ is an unsafe character`;
  }
  if (trimmed.endsWith(".")) return "A name cannot end with ‘.’";
  return null;
}

function isXml(contentType: string): boolean {
  return contentType.startsWith("application/xml") || contentType.startsWith("text/xml");
}

/** Parses a submitted config.xml; XStream/SAX failures are 500s in Jenkins. */
function readConfig(xml: string): ItemConfig {
  try {
    return parseConfig(xml);
  } catch (error) {
    if (error instanceof XmlError) {
      throw new JenkinsException(500, `java.io.IOException: Failed to persist config.xml: ${error.message}`);
    }
    if (error instanceof UnknownItemTypeError) throw new JenkinsException(500, error.message);
    throw error;
  }
}

function createEmpty(world: World, parent: Folder | null, name: string, type: ItemType): Item {
  if (type === "folder" || type === "multibranch") return world.addFolderTo(parent, name, type);
  return world.addJobTo(parent, name, { kind: type });
}

/** Jenkins.getItem(path, context): relative to the folder (with ".."), else from the root. */
function resolveSource(world: World, parent: Folder | null, from: string): Item | undefined {
  if (from.startsWith("/")) return world.getItem(from.slice(1));
  let context: Folder | null = parent;
  const names: string[] = [];
  for (const part of from.split("/")) {
    if (part === "..") context = context?.parent ?? null;
    else if (part !== "." && part !== "") names.push(part);
  }
  const prefix = context ? `${context.fullName}/` : "";
  return world.getItem(prefix + names.join("/")) ?? world.getItem(from);
}

function copyItem(world: World, parent: Folder | null, name: string, source: Item): Item {
  const copy = createEmpty(world, parent, name, itemType(source));
  const xml = configOf(source);
  applyConfig(copy, parseConfig(xml), xml);
  if (copy instanceof Job && source instanceof Job) {
    copy.timing = { ...source.timing };
    copy.outcome = source.outcome;
    copy.concurrent = source.concurrent;
  }
  return copy;
}

export function createItem(env: AppEnv, ctx: RequestContext, parent: Folder | null): SimResponse {
  const refused = postOnly(env, ctx) ?? denied(env, ctx, "Job/Create");
  if (refused) return refused;
  const contentType = ctx.headers["content-type"];
  const mode = ctx.params.get("mode");
  if (contentType === undefined && mode !== "copy") return env.pages.failure("No Content-Type header set");
  const requested = ctx.params.get("name");
  if (requested === null) return env.pages.failure("Query parameter 'name' is required");
  const badName = badNameReason(requested);
  if (badName) return env.pages.failure(badName);
  const name = requested.trim();
  const group = env.world.groupOf(parent);
  if (group.get(name)) return env.pages.failure(`A job already exists with the name ‘${name}’`);
  if (mode === "copy") {
    const from = ctx.params.get("from") ?? "";
    const source = from ? resolveSource(env.world, parent, from) : undefined;
    if (!source) return env.pages.failure(from.trim() ? `No such job: ${from}` : "Specify which job to copy");
    const copy = copyItem(env.world, parent, name, source);
    return redirect(302, `${ctx.requestRoot}${copy.urlPath}configure`);
  }
  if (contentType && isXml(contentType)) {
    const xml = ctx.body.toString("utf8");
    const config = readConfig(xml);
    applyConfig(createEmpty(env.world, parent, name, config.type), config, xml);
    return empty(200);
  }
  if (mode === null) return env.pages.failure("No mode given");
  const type = ITEM_MODES[mode];
  if (!type) return env.pages.failure(`No item type ‘${mode}’ is known`);
  const item = createEmpty(env.world, parent, name, type);
  return redirect(302, `${ctx.requestRoot}${item.urlPath}configure`);
}

/** AbstractItem.doConfigDotXml: GET needs Extended Read, POST needs Configure (never for branch jobs). */
export function configDotXml(env: AppEnv, ctx: RequestContext, item: Item): SimResponse {
  if (ctx.method !== "POST") {
    const refused = denied(env, ctx, "Job/ExtendedRead");
    if (refused) return refused;
    return { status: 200, headers: { "Content-Type": "application/xml" }, body: configOf(item) };
  }
  const refused = item.readOnly
    ? env.pages.accessDenied(ctx.auth, "Job/Configure")
    : denied(env, ctx, "Job/Configure");
  if (refused) return refused;
  const xml = ctx.body.toString("utf8");
  const config = readConfig(xml);
  if (config.type !== itemType(item)) {
    throw new JenkinsException(
      500,
      `java.io.IOException: Expecting ${itemType(item)} but got ${config.type} instead`,
    );
  }
  applyConfig(item, config, xml);
  return empty(200);
}
