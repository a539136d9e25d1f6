/**
 * Parsing and checking of configuration values: environment strings the way Pyro reads them, and
 * option values from code, each failure a {@link ConfigError} that names the culprit.
 */
import { PyroError } from "./errors.js";
import type { ConfigItem } from "./config.js";
import { closestName } from "./suggest.js";

/** A configuration problem: unknown item, unparsable or out-of-range value. */
export class ConfigError extends PyroError {
  /** The environment variable or option key at fault, when there is one. */
  readonly item: string | undefined;
  /** The closest known name, offered for an unknown one. */
  readonly suggestion: string | undefined;

  constructor(message: string, item?: string, suggestion?: string) {
    super(message);
    this.item = item;
    this.suggestion = suggestion;
  }
}

const TRUE_WORDS = new Set(["1", "yes", "on", "true"]);
const FALSE_WORDS = new Set(["0", "off", "no", "false"]);
const INT_PATTERN = /^[+-]?\d+$/;
// Decimal notation only: Number() alone would also take "0x10", "" and "Infinity".
const FLOAT_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Receives a configuration warning (one line, no prefix). */
export type ConfigWarn = (message: string) => void;

const warned = new Set<string>();

/**
 * The default {@link ConfigWarn}: one line on stderr, once per distinct message in this process
 * (proxies read the configuration each time one is made).
 */
export const warnOnceToStderr: ConfigWarn = (message) => {
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`pyrots: warning: ${message}\n`);
};

/**
 * Pyro4 config items that pyrots does not implement. Python and pyrots programs often share one
 * environment, so setting one is not an error: it is ignored with a warning that says so.
 */
export const UNSUPPORTED_PYRO4_ITEMS: ReadonlySet<string> = new Set([
  "SERVERTYPE",
  "THREADPOOL_SIZE",
  "THREADPOOL_SIZE_MIN",
  "ONEWAY_THREADED",
  "PICKLE_PROTOCOL_VERSION",
  "DILL_PROTOCOL_VERSION",
  "JSON_MODULE",
  "REQUIRE_EXPOSE",
  "USE_MSG_WAITALL",
  "FLAME_ENABLED",
]);

/**
 * Parses an environment string for `item`, Pyro style. Values that are valid for Pyro but that
 * pyrots does not speak (`item.pyroOnlyChoices`, e.g. the serializer `marshal`) are dropped from
 * a list, or give the default, with a warning: a shared environment set up for Python programs
 * must not stop pyrots programs.
 */
export function parseEnvValue(item: ConfigItem, raw: string, warn: ConfigWarn = warnOnceToStderr): unknown {
  const text = raw.trim();
  let value: unknown;
  switch (item.type) {
    case "bool": {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) value = true;
      else if (FALSE_WORDS.has(word)) value = false;
      else throw badEnv(item, raw, "a boolean (1/yes/on/true or 0/no/off/false)");
      break;
    }
    case "int":
      if (!INT_PATTERN.test(text) || !Number.isSafeInteger(Number(text))) throw badEnv(item, raw, "an integer");
      value = Number(text);
      break;
    case "float":
      if (!FLOAT_PATTERN.test(text)) throw badEnv(item, raw, "a number");
      value = Number(text);
      break;
    case "list":
      // Pyro writes an empty entry as '' (e.g. in BROADCAST_ADDRS); blank entries are dropped.
      value = raw
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part !== "")
        .map((part) => (part === "''" ? "" : part));
      break;
    case "optionalString":
      value = raw === "" ? null : raw;
      break;
    default:
      value = raw;
  }
  value = withoutPyroOnlyValues(item, value, raw, warn);
  checkRange(item, value, (problem) => new ConfigError(`invalid value for ${item.envName}: ${JSON.stringify(raw)} (${problem})`, item.envName));
  return value;
}

function withoutPyroOnlyValues(item: ConfigItem, value: unknown, raw: string, warn: ConfigWarn): unknown {
  const pyroOnly = item.pyroOnlyChoices;
  if (pyroOnly === undefined) return value;
  const unspoken = (v: unknown) => typeof v === "string" && pyroOnly.includes(v.toLowerCase());
  if (!Array.isArray(value)) {
    if (!unspoken(value)) return value;
    warn(`${item.envName}=${raw}: pyrots does not speak ${String(value)}; this program uses ${String(item.default)}`);
    return item.default;
  }
  const dropped = value.filter(unspoken);
  if (dropped.length === 0) return value;
  const kept = value.filter((v) => !unspoken(v));
  if (kept.length === 0)
    throw new ConfigError(
      `invalid value for ${item.envName}: ${JSON.stringify(raw)} (pyrots speaks none of these; it speaks ${item.choices?.join(", ")})`,
      item.envName,
    );
  warn(`${item.envName}=${raw}: pyrots does not speak ${dropped.join(", ")}; ignored here (this program uses ${kept.join(", ")})`);
  return kept;
}

/** Checks an option value for `item`; returns it (lists copied, so freezing spares the caller's). */
export function validateOptionValue(item: ConfigItem, value: unknown): unknown {
  const fail = (problem: string): ConfigError => new ConfigError(`invalid value for option ${item.key}: ${describe(value)} (${problem})`, item.key);
  switch (item.type) {
    case "bool":
      if (typeof value !== "boolean") throw fail("expected a boolean");
      break;
    case "int":
      if (typeof value !== "number" || !Number.isSafeInteger(value)) throw fail("expected an integer");
      break;
    case "float":
      if (typeof value !== "number" || !Number.isFinite(value)) throw fail("expected a finite number");
      break;
    case "list":
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw fail("expected an array of strings");
      value = [...value];
      break;
    case "optionalString":
      if (value !== null && typeof value !== "string") throw fail("expected a string or null");
      break;
    default:
      if (typeof value !== "string") throw fail("expected a string");
  }
  checkRange(item, value, fail);
  return value;
}

/**
 * The error for an unknown `PYRO_*` variable or option key, suggesting the closest known name or
 * explaining that a Pyro4 item is not supported.
 */
export function configErrorForUnknown(name: string, known: readonly string[], what: "environment variable" | "option"): ConfigError {
  const suggestion = closestName(name, known, "PYRO_");
  const hint = suggestion === undefined ? " (see docs/configuration.md for the known names)" : `; did you mean ${suggestion}?`;
  return new ConfigError(`unknown config ${what} ${name}${hint}`, name, suggestion);
}

function checkRange(item: ConfigItem, value: unknown, fail: (problem: string) => ConfigError): void {
  if (item.choices !== undefined) {
    const values = Array.isArray(value) ? value : [value];
    const bad = values.find((v) => !item.choices!.includes(v as string | number));
    if (bad !== undefined) throw fail(`allowed: ${item.choices.join(", ")}`);
  }
  if (item.min !== undefined && typeof value === "number" && value < item.min) throw fail(`must be at least ${item.min}`);
}

function badEnv(item: ConfigItem, raw: string, expected: string): ConfigError {
  return new ConfigError(`invalid value for ${item.envName}: ${JSON.stringify(raw)} is not ${expected}`, item.envName);
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "an array";
  return value === null ? "null" : typeof value === "object" ? "an object" : String(value);
}
