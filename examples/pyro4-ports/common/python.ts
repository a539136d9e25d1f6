/**
 * Python's `print`, `repr` and `input` for the ports: each port prints exactly what the Python
 * example prints, so that the compatibility suite can compare the two outputs line by line (and so
 * that a Pyro user recognizes them). These are conveniences of the examples, not part of pyrots.
 *
 * | Python                  | here                          |
 * | ----------------------- | ----------------------------- |
 * | `print(a, b)`           | `print(a, b)`                 |
 * | `repr(x)` / `str(x)`    | `repr(x)` / `str(x)`          |
 * | `(a, b)`                | `tuple(a, b)` (repr `(a, b)`) |
 * | `input("prompt: ")`     | `await input("prompt: ")`     |
 */

/** A Python tuple, for printing: `repr(tuple(1, "a"))` is `(1, 'a')`. */
export class Tuple {
  readonly items: readonly unknown[];
  constructor(items: readonly unknown[]) {
    this.items = items;
  }
  /** A tuple travels as a list, as it does from Python. */
  toJSON(): unknown[] {
    return [...this.items];
  }
}

/** Makes a {@link Tuple}. */
export function tuple(...items: unknown[]): Tuple {
  return new Tuple(items);
}

/** Python's `repr()` of a value that came over the wire (or a local one). */
export function repr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return stringRepr(value);
  if (typeof value === "number") return numberRepr(value);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Tuple) return value.items.length === 1 ? `(${repr(value.items[0])},)` : `(${value.items.map(repr).join(", ")})`;
  if (Array.isArray(value)) return `[${value.map(repr).join(", ")}]`;
  if (value instanceof Set) return value.size === 0 ? "set()" : `{${[...value].map(repr).join(", ")}}`;
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${repr(k)}: ${repr(v)}`).join(", ")}}`;
  if (value instanceof Uint8Array) return bytesRepr(value);
  if (value instanceof Error) return `${value.name}(${repr(value.message)})`;
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${repr(k)}: ${repr(v)}`)
      .join(", ")}}`;
  }
  // Anything else prints as JS prints it (a proxy as Pyro.Proxy(uri), a Date as its text).
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return String(value);
}

/** Python's `str()`: text as it is, anything else as {@link repr}. */
export function str(value: unknown): string {
  return typeof value === "string" ? value : repr(value);
}

/** Python's `print(*values)`: the values' {@link str} joined by spaces, and a newline. */
export function print(...values: unknown[]): void {
  process.stdout.write(values.map(str).join(" ") + "\n");
}

function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === quote || char === "\\") out += "\\" + char;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
    else out += char;
  }
  return out + quote;
}

function numberRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  return String(value).replace(/e([+-])(\d)$/, "e$10$2");
}

function bytesRepr(bytes: Uint8Array): string {
  let out = "b'";
  for (const byte of bytes) {
    if (byte === 0x27 || byte === 0x5c) out += "\\" + String.fromCharCode(byte);
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += "\\x" + byte.toString(16).padStart(2, "0");
  }
  return out + "'";
}

/** Raised by {@link input} at the end of the input, as Python's `EOFError`. */
export class EOFError extends Error {
  override readonly name = "EOFError";
}

const pendingLines: string[] = [];
let partial = "";
let ended = false;
let listening = false;
let wake: (() => void) | undefined;

/**
 * Python's `input(prompt)`: writes the prompt to stdout and reads one line from stdin (without its
 * newline). Rejects with {@link EOFError} at the end of the input. Between calls stdin is paused,
 * so a program that asks for nothing more can end.
 */
export async function input(prompt = ""): Promise<string> {
  process.stdout.write(prompt);
  if (!listening) listen();
  while (pendingLines.length === 0) {
    if (ended) throw new EOFError("EOF when reading a line");
    process.stdin.resume();
    await new Promise<void>((resolve) => (wake = resolve));
  }
  process.stdin.pause();
  return pendingLines.shift()!;
}

function listen(): void {
  listening = true;
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    pendingLines.push(...lines.map((line) => line.replace(/\r$/, "")));
    wake?.();
  });
  process.stdin.on("end", () => {
    if (partial) pendingLines.push(partial);
    partial = "";
    ended = true;
    wake?.();
  });
}

/**
 * Pyro4's `Pyro4.util.getPyroTraceback()` for an error caught in a port: a Python-style local
 * traceback (where it was caught, and the error), then the remote traceback the error carries (the
 * server's own frames), marked as Pyro4 marks it.
 */
export function getPyroTraceback(error: unknown): string {
  const lines = ["Traceback (most recent call last):\n"];
  const frames = (new Error().stack ?? "").split("\n").slice(2);
  for (const frame of frames.reverse()) {
    const match = /^\s+at (?:(?:async )?(.+?) \()?(?:file:\/\/)?(.+?):(\d+):\d+\)?$/.exec(frame);
    if (match && !match[2]!.startsWith("node:")) lines.push(`  File "${match[2]}", line ${match[3]}, in ${match[1] ?? "<module>"}\n`);
  }
  lines.push(`${pythonName(error)}: ${error instanceof Error ? error.message : String(error)}\n`);
  const remote = (error as { remoteTraceback?: string[] } | undefined)?.remoteTraceback;
  if (remote && remote.length > 0) {
    lines.push(" +--- This exception occured remotely (Pyro) - Remote traceback:");
    for (const line of remote.join("").replace(/\n$/, "").split("\n")) lines.push(`\n | ${line}`);
    lines.push("\n +--- End of remote traceback\n");
  }
  return lines.join("");
}

/** The Python name of an error: a remote one's own type (`ValueError`), a pyrots error's Pyro4 name. */
function pythonName(error: unknown): string {
  if (!(error instanceof Error)) return "Exception";
  const remoteName = (error as { remoteName?: unknown }).remoteName;
  if (typeof remoteName === "string") return remoteName;
  return error.name;
}
