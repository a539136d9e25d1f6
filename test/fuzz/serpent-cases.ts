/**
 * Serpent abuse: payloads aimed at a hand-written Python-literal parser rather than at Pyro's
 * data model. Long strings of escapes, ints of thousands of digits (decimal beyond Python's 4300
 * limit, and long hex), floods of tiny dicts against the cost budget, deep parentheses, bogus
 * class dicts (serpent's float dict, Pyro states holding sets, dunder names, exception attributes
 * with `__proto__`), dict keys Python cannot hash, unterminated literals, NUL and broken UTF-8,
 * comment and whitespace floods. Each lands as a call argument, a raw call payload or handshake.
 */
import fc from "fast-check";
import { type FrameSpec, buildFrame } from "./frames.js";
import type { WireCase } from "./harness.js";
import { SERPENT_HEADER } from "./serpent-text.js";

const SERPENT_ID = 1;
const CONNECT = 1;
const INVOKE = 4;

/** One abusive serpent value (text that goes where a value goes), sized by `n`. */
const abuse: fc.Arbitrary<{ name: string; text: string }> = fc
  .tuple(
    fc.constantFrom(
      "escapes",
      "astral",
      "octal",
      "decimal-int",
      "hex-int",
      "tiny-dicts",
      "tiny-sets",
      "parens",
      "float-dict",
      "uri-state",
      "proxy-state",
      "exception",
      "dunder-class",
      "bytes-class",
      "keys",
      "proto-keys",
      "unterminated",
      "nul",
      "utf8",
      "comments",
      "numbers",
      "concat",
    ),
    fc.integer({ min: 1, max: 200_000 }),
    fc.nat(),
  )
  .map(([name, n, pick]) => ({ name: `${name} ×${n}`, text: abuseText(name, n, pick) }));

function abuseText(name: string, n: number, pick: number): string {
  switch (name) {
    case "escapes":
      return "'" + ["\\x00", "\\u2028", "\\\\", "\\'", "\\n", "\\N{X}"][pick % 6]!.repeat(Math.min(n, 100_000)) + "'";
    case "astral":
      return "'" + "\\U0001f600".repeat(Math.min(n, 50_000)) + (pick % 2 ? "\\U00110000'" : "'");
    case "octal":
      return (pick % 2 ? "b'" : "'") + "\\777\\0\\12".repeat(Math.min(n, 50_000)) + "'";
    case "decimal-int":
      return (pick % 2 ? "-" : "") + "9".repeat(Math.min(n, 100_000) + (pick % 3 === 0 ? 0 : 4300));
    case "hex-int":
      return "0x" + "f".repeat(Math.min(n, 400_000));
    case "tiny-dicts":
      return "[" + "{},".repeat(Math.min(n, 200_000)) + "]";
    case "tiny-sets":
      return "[" + "set(),{1},".repeat(Math.min(n, 100_000)) + "]";
    case "parens":
      return "(".repeat(Math.min(n, 100_000)) + "1" + ")".repeat(pick % 2 ? Math.min(n, 100_000) : 0);
    case "float-dict":
      return [
        "{'__class__': 'float', 'value': '" + "9".repeat(Math.min(n, 100_000)) + "'}",
        "{'__class__': 'float', 'value': ['nan']}",
        "{'__class__': 'float', 'value': 'nan', '__proto__': {'polluted': 1}}",
        "{'__class__': 'float'}",
        "{'__class__': 'float', 'value': 'inf inf'}",
      ][pick % 5]!;
    case "uri-state":
      return [
        "{'__class__': 'Pyro4.core.URI', 'state': ('PYROMETA', {'a', 'b'}, None, 'localhost', 9090)}",
        "{'__class__': 'Pyro4.core.URI', 'state': ('PYRO', " + "'x'".repeat(1) + ", None, '" + "h".repeat(Math.min(n, 10_000)) + "', 99999999)}",
        "{'__class__': 'Pyro4.core.URI', 'state': {1, 2, 3, 4, 5}}",
        "{'__class__': 'Pyro4.core.URI', 'state': ()}",
      ][pick % 4]!;
    case "proxy-state":
      return [
        "{'__class__': 'Pyro4.core.Proxy', 'state': ('PYRO:x@127.0.0.1:1', {'a'}, {" +
          "'m',".repeat(Math.min(n, 20_000)) +
          "}, (), 0.0, None, 'hello', 0, 'serpent')}",
        "{'__class__': 'Pyro4.core.Proxy', 'state': ('PYRO:x@127.0.0.1:1', (), (), (), None, 'b64:" +
          "A".repeat(Math.min(n, 50_000)) +
          "', {}, 1e30000, None)}",
        "{'__class__': 'Pyro4.core.Proxy', 'state': ('PYRO:x@127.0.0.1:1', (), (), (), None, b'raw', {}, 0)}",
        "{'__class__': 'Pyro4.core.Proxy', 'state': ({'__class__': 'Pyro4.core.URI', 'state': ('PYRO', 'x', None, 'h', 1)},) * 9}",
      ][pick % 4]!;
    case "exception":
      return [
        "{'__class__': 'builtins.ValueError', '__exception__': True, 'args': ('x',), 'attributes': {'__proto__': {'polluted': 1}, '_pyroTraceback': ['a'] * 3}}",
        "{'__class__': 'Pyro4.errors.CommunicationError', '__exception__': True, 'args': " + "(".repeat(50) + ")".repeat(50) + ", 'attributes': None}",
        "{'__class__': 'Pyro4.futures._ExceptionWrapper', 'exception': {'__class__': 'float', 'value': 'nan'}}",
        "{'__class__': 'builtins.StopIteration', '__exception__': True, 'args': " + "[" + "'a',".repeat(Math.min(n, 50_000)) + "]" + ", 'attributes': {}}",
      ][pick % 4]!;
    case "dunder-class":
      return ["{'__class__': 'os.__system__'}", "{'__class__': '__builtins__.eval', 'args': ('1',)}", "{'__class__': '\\x5f_proto__'}"][pick % 3]!;
    case "bytes-class":
      return ["{'__class__': b'Pyro4.core.URI', 'state': ('PYRO', 'x', None, 'h', 1)}", "{b'__class__': 'Pyro4.core.URI'}", "{'__class__': ('Pyro4', 'core')}"][
        pick % 3
      ]!;
    case "keys":
      return ["{(1, 2): 'tuple key'}", "{b'k': 1}", "{[1]: 2}", "{{}: 1}", "{1.5: 1, 1: 2, True: 3, None: 4, 1e30000: 5, -0x1f: 6}", "{(1+2j): 1}"][pick % 6]!;
    case "proto-keys":
      return "{" + "'__proto__': {'polluted': 1}, '\\x5f_proto__': 2, 'constructor': {'prototype': {'polluted': 1}}, ".repeat(Math.min(n, 10_000)) + "}";
    case "unterminated":
      return ["'''abc", "set(", "(1, 2", "{'a': ", "b'\\", "r'\\'", "'\\\n", "{1, 2:", "0x", "1e", "(1+", "u''b''", "f'x'"][pick % 13]!;
    case "nul":
      return ["'a\0b'", "[1,\0 2]", "\0", "b'\0'"][pick % 4]!;
    case "utf8":
      return ["'\udc80'", "'\ud83d'", "'é'"][pick % 3]!;
    case "comments":
      return "# c\n".repeat(Math.min(n, 100_000)) + "[" + " \\\n".repeat(Math.min(n, 50_000)) + "1]";
    case "numbers":
      return [
        "1e999999999",
        "0." + "0".repeat(Math.min(n, 100_000)) + "1",
        "1_",
        "0x_",
        "- - 1",
        "1__0",
        "007",
        "1.5.5",
        ".e1",
        "1j+2",
        "0b2",
        "0o8",
        "1e-99999j",
      ][pick % 13]!;
    case "concat":
      return "'a' ".repeat(Math.min(n, 50_000)) + (pick % 2 ? "b'x'" : "'z'");
  }
  return "None";
}

function frame(type: number, seq: number, payload: Buffer): FrameSpec {
  return { type, flags: type === CONNECT ? 0x10 : 0, seq, serializerId: SERPENT_ID, annotations: [], payload };
}

/** UTF-8 bytes of `text`, except that each lone surrogate becomes bytes that are not UTF-8 at all. */
function bytesOf(text: string): Buffer {
  const parts = text.split(/[\ud800-\udfff]/);
  const broken = Buffer.from([0xed, 0xa0, 0x80]);
  return Buffer.concat(parts.flatMap((part, i) => (i === 0 ? [Buffer.from(part, "utf8")] : [broken, Buffer.from(part, "utf8")])));
}

/** Serpent abuse after (or in) a valid serpent handshake. */
export function serpentAbuseCase(target: { objectId: string }): fc.Arbitrary<WireCase> {
  return fc
    .record({ value: abuse, where: fc.constantFrom("argument" as const, "raw" as const, "handshake" as const), header: fc.boolean() })
    .map(({ value, where, header }) => {
      const head = header ? SERPENT_HEADER : "";
      const connect = frame(CONNECT, 0, Buffer.from(`${head}{'handshake': 'hello', 'object': '${target.objectId}'}`, "utf8"));
      let frames: FrameSpec[];
      if (where === "handshake") frames = [frame(CONNECT, 0, bytesOf(`${head}{'handshake': ${value.text}, 'object': '${target.objectId}'}`))];
      else if (where === "raw") frames = [connect, frame(INVOKE, 1, bytesOf(head + value.text))];
      else frames = [connect, frame(INVOKE, 1, bytesOf(`${head}('${target.objectId}', 'echo', (${value.text},), {})`))];
      const data = Buffer.concat(frames.map(buildFrame));
      return {
        label: `serpent abuse ${value.name} as ${where}`,
        chunks: [data],
        [fc.toStringMethod]: () => `serpent abuse ${value.name} as ${where} [${data.length} bytes]`,
      } as WireCase;
    });
}
