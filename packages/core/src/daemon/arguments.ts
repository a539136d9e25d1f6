/**
 * Calling a JS method with Python-style arguments: positional args plus keyword args, which Python
 * clients send (`ns.list(prefix="a.", return_metadata=True)`). Keyword args are matched to the
 * method's parameter names, read once from its source text and cached.
 */
import { PythonError } from "../errors.js";

interface Signature {
  /** Parameter names in order; `undefined` for destructured parameters. */
  names: (string | undefined)[];
  /** Whether the last parameter is a rest parameter (`...args`). */
  rest: boolean;
}

const signatures = new WeakMap<Function, Signature>();

/**
 * Calls `fn` on `self`. Throws a `builtins.TypeError` (as Python would) for unknown or duplicate
 * keyword arguments and for too many positional arguments.
 */
export function callWithArguments(self: object, name: string, fn: Function, args: unknown[], kwargs: Record<string, unknown> | null): unknown {
  if (kwargs === null || isEmpty(kwargs)) {
    if (args.length > fn.length) checkPositionalCount(name, fn, args.length);
    return fn.apply(self, args);
  }
  const signature = signatureOf(fn);
  const bound = args.slice();
  for (const key of Object.keys(kwargs)) {
    const index = signature.names.indexOf(key);
    if (index < 0 || (signature.rest && index === signature.names.length - 1)) {
      throw new PythonError("builtins.TypeError", `${name}() got an unexpected keyword argument '${key}'`);
    }
    if (index < args.length) throw new PythonError("builtins.TypeError", `${name}() got multiple values for argument '${key}'`);
    bound[index] = kwargs[key];
  }
  if (args.length > fn.length) checkPositionalCount(name, fn, args.length);
  return fn.apply(self, bound);
}

function checkPositionalCount(name: string, fn: Function, given: number): void {
  const signature = signatureOf(fn);
  if (signature.rest) return;
  const max = signature.names.length;
  if (given > max) {
    throw new PythonError("builtins.TypeError", `${name}() takes ${max} positional argument${max === 1 ? "" : "s"} but ${given} were given`);
  }
}

function isEmpty(record: Record<string, unknown>): boolean {
  for (const _ in record) return false;
  return true;
}

/** Parameter names of a function, from its source text. */
export function signatureOf(fn: Function): Signature {
  let signature = signatures.get(fn);
  if (signature === undefined) {
    signature = parseSignature(Function.prototype.toString.call(fn));
    signatures.set(fn, signature);
  }
  return signature;
}

function parseSignature(source: string): Signature {
  const open = source.indexOf("(");
  if (open < 0) {
    // `x => ...`: a single bare parameter
    const arrow = source.indexOf("=>");
    const name =
      arrow > 0
        ? source
            .slice(0, arrow)
            .replace(/^async\s+/, "")
            .trim()
        : "";
    return { names: name ? [name] : [], rest: false };
  }
  const params: string[] = [];
  let depth = 0;
  let quote = "";
  let start = open + 1;
  for (let i = open + 1; i < source.length; i++) {
    const ch = source[i];
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = "";
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") {
      if (depth === 0) {
        params.push(source.slice(start, i));
        break;
      }
      depth--;
    } else if (ch === "," && depth === 0) {
      params.push(source.slice(start, i));
      start = i + 1;
    }
  }
  const trimmed = params.map((p) => p.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "").trim()).filter((p) => p.length > 0);
  const rest = trimmed.length > 0 && trimmed[trimmed.length - 1].startsWith("...");
  const names = trimmed.map((p) => {
    const match = /^(?:\.\.\.)?([A-Za-z_$][\w$]*)/.exec(p);
    return match ? match[1] : undefined;
  });
  return { names, rest };
}
