/**
 * Output normalization: what legitimately differs between two runs of the same example (ports,
 * object ids, uuids, memory addresses, temp folders) becomes a placeholder, and the outputs are
 * compared line by line.
 *
 * Placeholders are numbered by first appearance (`<port 1>`, `<port 2>`), so equal values stay
 * equal: "the same instance answered twice" is still checked after normalizing.
 */
import { tmpdir } from "node:os";

/** Replaces every match of `pattern` (global) with `<label N>`, N counting distinct values (group 1 if any, else the match). */
export function numbered(text: string, pattern: RegExp, label: string, render: (placeholder: string, match: RegExpExecArray) => string = (p) => p): string {
  const seen = new Map<string, string>();
  return text.replace(pattern, (...args: unknown[]) => {
    const match = args.slice(0, -2) as string[];
    const value = match[1] ?? match[0]!;
    let placeholder = seen.get(value);
    if (placeholder === undefined) {
      placeholder = `<${label} ${seen.size + 1}>`;
      seen.set(value, placeholder);
    }
    return render(placeholder, match as unknown as RegExpExecArray);
  });
}

const TMP = escape(tmpdir());

/** The rules every output goes through (after the scenario's own). */
export function commonRules(text: string): string {
  let out = text.replace(/\r\n?/g, "\n");
  out = out.replace(new RegExp(`${TMP}/pyro4-[^/\\s'"]*`, "g"), "<tmp>");
  out = numbered(out, /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "uuid");
  out = numbered(out, /\bobj_([0-9a-f]{32})\b/g, "id", (p) => `obj_${p}`);
  out = numbered(out, /(?<=(?:127\.0\.0\.1|localhost)(?::|', ))(\d{2,5})\b/g, "port");
  out = out.replace(/\b0x[0-9a-f]{6,16}\b/g, "0x<addr>");
  out = out.replace(/\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\b/g, "<time>"); // Python logging's asctime
  // serveSimple's banner names the object: Python by its repr, the ports' serveSimple by its class name.
  out = out.replace(/^Object <class '(?:[\w.]+\.)?(\w+)'>:$/gm, "Object $1:").replace(/^Object <(?:[\w.]+\.)?(\w+) object at 0x<addr>>:$/gm, "Object $1:");
  return out;
}

/**
 * The matches of `pattern` (global, multiline) in order, one per line: for output of threads that
 * print into each other's lines, this recovers what each printed.
 */
export function events(text: string, pattern: RegExp): string {
  return (text.match(pattern) ?? []).join("\n");
}

/**
 * The non-blank characters of `text` with their counts (`c ×N`, sorted): for output of Python
 * threads that print into each other's words too. `print(a, b)` writes a, the separator, b and the
 * newline one by one, so another thread's value can land right after a value, with no blank
 * between (`example.contextb'Hello`), and no split into words recovers them. Local values should
 * be made placeholders first, by their values rather than by the labels printed before them.
 */
export function characterCounts(text: string): string {
  const counts = new Map<string, number>();
  for (const char of text) if (!/\s/.test(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([char, count]) => `${char} ×${count}`)
    .join("\n");
}

/** Lines of `text` sorted (for output whose order depends on timing or on Python's hash seed). */
export function sortLines(text: string): string {
  return text.split("\n").sort().join("\n");
}

/** `text` without the lines matching any of `patterns`. */
export function dropLines(text: string, ...patterns: RegExp[]): string {
  return text
    .split("\n")
    .filter((line) => !patterns.some((p) => p.test(line)))
    .join("\n");
}

/** Python's repr of a set of strings in sorted order, wherever `{'a', 'b'}` appears (set order follows the hash seed). */
export function sortPythonSets(text: string): string {
  return text.replace(/\{('[^'{}]*'(?:, '[^'{}]*')+)\}/g, (_, items: string) => `{${items.split(", ").sort().join(", ")}}`);
}

/**
 * A traceback's frames as one placeholder line: Python's `  File "...", line N, in f` lines (with
 * their source and `^^^` marker lines) and the ports' own become `  <frames>`, also inside a
 * remote traceback (lines prefixed ` | `). Tracebacks from either side then compare by their first
 * line and their exception line; a traceback without any frame keeps no placeholder.
 */
export function collapseFrames(text: string): string {
  const out: string[] = [];
  let framePrefix: string | undefined;
  for (const line of text.split("\n")) {
    const frame = /^((?: \| )?) {2}File "/.exec(line);
    if (frame) {
      if (framePrefix !== frame[1]) out.push(`${frame[1]}  <frames>`);
      framePrefix = frame[1];
      continue;
    }
    if (framePrefix !== undefined && line.startsWith(`${framePrefix}    `)) continue;
    framePrefix = undefined;
    out.push(line);
  }
  return out.join("\n");
}

/** A line diff of `expected` → `actual` (lines prefixed `-`, `+` or ` `), for failure messages. */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split("\n");
  const b = actual.split("\n");
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) (out.push(`  ${a[i++]}`), j++);
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  return out.join("\n");
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
