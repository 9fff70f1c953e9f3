/** A minimal, strict XML parser: enough to accept what Jenkins accepts as config.xml and reject the rest. */

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

export class XmlError extends Error {}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.$]*/;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (_match, ref: string | undefined) => {
    if (ref === undefined) throw new XmlError("The entity name must immediately follow the '&'");
    if (ref.startsWith("#x")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    const value = ENTITIES[ref];
    if (value === undefined) throw new XmlError(`The entity "${ref}" was referenced, but not declared`);
    return value;
  });
}

export function parseXml(source: string): XmlElement {
  let pos = 0;
  const fail = (message: string): never => {
    throw new XmlError(`${message} (at offset ${pos})`);
  };
  const skipMisc = (): void => {
    for (;;) {
      const rest = source.slice(pos);
      const space = /^\s+/.exec(rest);
      if (space) pos += space[0].length;
      else if (rest.startsWith("<!--")) pos = endOf("-->", "comment");
      else if (rest.startsWith("<?")) pos = endOf("?>", "processing instruction");
      else if (rest.startsWith("<!DOCTYPE")) fail("DOCTYPE is disallowed");
      else return;
    }
  };
  const endOf = (terminator: string, what: string): number => {
    const end = source.indexOf(terminator, pos);
    if (end < 0) fail(`Unterminated ${what}`);
    return end + terminator.length;
  };
  const readName = (): string => {
    const match = NAME.exec(source.slice(pos));
    if (!match) return fail("Expected a name");
    pos += match[0].length;
    return match[0];
  };
  const readAttrs = (): Record<string, string> => {
    const attrs: Record<string, string> = {};
    for (;;) {
      const space = /^\s*/.exec(source.slice(pos));
      pos += space ? space[0].length : 0;
      if (source.startsWith("/>", pos) || source.startsWith(">", pos)) return attrs;
      const name = readName();
      const eq = /^\s*=\s*(["'])/.exec(source.slice(pos));
      if (!eq?.[1]) return fail(`Attribute ${name} has no value`);
      pos += eq[0].length;
      const end = source.indexOf(eq[1], pos);
      if (end < 0) fail("Unterminated attribute value");
      if (name in attrs) fail(`Attribute ${name} was already specified`);
      attrs[name] = decodeEntities(source.slice(pos, end));
      pos = end + 1;
    }
  };
  const readElement = (): XmlElement => {
    if (source[pos] !== "<") fail("Expected an element");
    pos++;
    const element: XmlElement = { name: readName(), attrs: readAttrs(), children: [], text: "" };
    if (source.startsWith("/>", pos)) {
      pos += 2;
      return element;
    }
    pos++;
    for (;;) {
      if (pos >= source.length) fail(`Element ${element.name} is not closed`);
      if (source.startsWith("</", pos)) {
        pos += 2;
        if (readName() !== element.name) fail(`Mismatched end tag for ${element.name}`);
        const close = /^\s*>/.exec(source.slice(pos));
        if (!close) fail("Malformed end tag");
        pos += close?.[0].length ?? 0;
        return element;
      }
      if (source.startsWith("<![CDATA[", pos)) {
        const start = pos + 9;
        pos = endOf("]]>", "CDATA section");
        element.text += source.slice(start, pos - 3);
      } else if (source.startsWith("<!--", pos)) {
        pos = endOf("-->", "comment");
      } else if (source.startsWith("<?", pos)) {
        pos = endOf("?>", "processing instruction");
      } else if (source[pos] === "<") {
        element.children.push(readElement());
      } else {
        const end = source.indexOf("<", pos);
        const raw = source.slice(pos, end < 0 ? source.length : end);
        element.text += decodeEntities(raw);
        pos += raw.length;
      }
    }
  };
  skipMisc();
  if (pos >= source.length) fail("Premature end of file");
  const root = readElement();
  skipMisc();
  if (pos < source.length) fail("Content is not allowed in trailing section");
  return root;
}

function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

export function childText(element: XmlElement, name: string): string | undefined {
  return child(element, name)?.text;
}

export function descendants(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((c) => (c.name === name ? [c] : descendants(c, name)));
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
