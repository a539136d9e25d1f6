/**
 * Python `re.match` semantics for name server regexes, translated to a JavaScript RegExp.
 *
 * Pyro4 matches with `re.compile(pattern).match(name)`: anchored at the start only, Python's
 * syntax and Unicode rules. The translation walks the pattern once and rewrites what differs:
 *
 * | Python                      | JavaScript (flag `u`, never `m`)            |
 * | --------------------------- | ------------------------------------------- |
 * | `(?P<n>…)`, `(?P=n)`        | `(?<n>…)`, `\k<n>`                          |
 * | `(?i)` `(?s)` `(?m)` `(?a)` (leading) | flags / the rewrites below (`(?a)`: JS's own ASCII `\w` `\d` `\b`) |
 * | `.`                         | `[^\n]` (`[\s\S]` with `(?s)`)              |
 * | `^` `$` `\A` `\Z`           | lookarounds on `\n` only (Python ignores `\r`, U+2028) |
 * | `\w` `\d` `\b` (Unicode)    | `[\p{L}\p{N}_]`, `\p{Nd}`, lookarounds      |
 * | `{,n}`, stray `{` `}` `]`   | `{0,n}`, escaped literals                   |
 * | octal `\0`, `\012`, `\a`, `\U…` | `\u{…}`                                 |
 * | `\-`, `\#`, … (escaped punctuation) | `\u{…}`                             |
 *
 * Constructs JavaScript cannot express here (scoped flags `(?i:…)`, conditionals `(?(1)…)`,
 * atomic groups, possessive quantifiers, `(?x)`, `(?L)`, `\N{…}`, `\W` inside a class) are
 * refused, as are patterns the resulting RegExp rejects: both become "invalid regex" errors.
 */

/** A pattern that cannot be used; its message follows Pyro4's `invalid regex: …`. */
export class InvalidRegexError extends Error {}

/** Longest pattern accepted, to bound the work one remote call can cause. */
export const MAX_PATTERN_LENGTH = 1000;

const WORD = "\\p{L}\\p{N}_";
const SYNTAX = new Set("^$\\.*+?()[]{}|/");
const SIMPLE_ESCAPES: Record<string, string> = { n: "\\n", r: "\\r", t: "\\t", f: "\\f", v: "\\v", a: "\\x07" };

/** Compiles a Python regex into a RegExp that tests like `re.match` (anchored at the start). */
export function compilePythonMatch(pattern: string): RegExp {
  if (typeof pattern !== "string") throw new InvalidRegexError("invalid regex: pattern must be a str");
  if (pattern.length > MAX_PATTERN_LENGTH) throw new InvalidRegexError(`invalid regex: longer than ${MAX_PATTERN_LENGTH} characters`);
  const { source, flags } = new Translator(pattern).translate();
  try {
    return new RegExp(`^(?:${source})`, `u${flags}`);
  } catch (error) {
    // V8 says "Invalid regular expression: /<translated source>/u: <reason>"; only the reason means anything to the caller.
    const message = (error as Error).message;
    throw new InvalidRegexError(`invalid regex: ${message.slice(message.lastIndexOf(": ") + 2)}`);
  }
}

class Translator {
  #i = 0;
  #dotAll = false;
  #multiline = false;
  #ignoreCase = false;
  #ascii = false;

  constructor(readonly pattern: string) {}

  translate(): { source: string; flags: string } {
    this.#leadingFlags();
    let out = "";
    const p = this.pattern;
    while (this.#i < p.length) {
      const c = p[this.#i++]!;
      switch (c) {
        case "\\":
          out += this.#escape(false);
          break;
        case "[":
          out += this.#charClass();
          break;
        case "(":
          out += this.#groupStart();
          break;
        case ".":
          out += this.#dotAll ? "[\\s\\S]" : "[^\\n]";
          break;
        case "^":
          out += this.#multiline ? "(?<![^\\n])" : "(?<![\\s\\S])";
          break;
        case "$":
          out += this.#multiline ? "(?=\\n|(?![\\s\\S]))" : "(?=\\n?(?![\\s\\S]))";
          break;
        case "{":
          out += this.#brace();
          break;
        case "}":
        case "]":
          out += "\\" + c;
          break;
        case "*":
        case "+":
        case "?":
          if (p[this.#i] === "+") this.#fail("possessive quantifiers are not supported");
          out += c;
          break;
        default:
          out += c;
      }
    }
    return { source: out, flags: this.#ignoreCase ? "i" : "" };
  }

  /** `(?aimsux)` groups at the very start set global flags (Python 3.11 allows them only there). */
  #leadingFlags(): void {
    const p = this.pattern;
    for (let m = /^\(\?([a-zA-Z]+)\)/.exec(p.slice(this.#i)); m; m = /^\(\?([a-zA-Z]+)\)/.exec(p.slice(this.#i))) {
      for (const flag of m[1]!) {
        if (flag === "i") this.#ignoreCase = true;
        else if (flag === "s") this.#dotAll = true;
        else if (flag === "m") this.#multiline = true;
        else if (flag === "a") this.#ascii = true;
        else if (flag === "u")
          continue; // already the default for str patterns
        else if (flag === "x" || flag === "L") this.#fail(`the (?${flag}) flag is not supported`);
        else this.#fail(`unknown flag '${flag}'`);
      }
      this.#i += m[0].length;
    }
  }

  #groupStart(): string {
    const p = this.pattern;
    if (p[this.#i] !== "?") return "(";
    const rest = p.slice(this.#i + 1);
    if (rest.startsWith(":") || rest.startsWith("=") || rest.startsWith("!") || rest.startsWith("<=") || rest.startsWith("<!")) {
      this.#i++;
      return "(?";
    }
    const named = /^P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
    if (named) {
      this.#i += 1 + named[0].length;
      return `(?<${named[1]}>`;
    }
    const backref = /^P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest);
    if (backref) {
      this.#i += 1 + backref[0].length;
      return `(?:\\k<${backref[1]}>)`;
    }
    if (rest.startsWith("#")) {
      const end = p.indexOf(")", this.#i);
      if (end < 0) this.#fail("missing ), unterminated comment");
      this.#i = end + 1;
      return "";
    }
    if (/^[a-zA-Z-]+[:)]/.test(rest)) this.#fail("inline flags are only supported at the start of the pattern");
    if (rest.startsWith("(")) this.#fail("conditional groups are not supported");
    if (rest.startsWith(">")) this.#fail("atomic groups are not supported");
    return this.#fail(`unknown extension ?${rest.slice(0, 1)}`);
  }

  /** A `{` is a quantifier only in the forms Python accepts; otherwise it is a literal. */
  #brace(): string {
    const m = /^(\d*)(?:(,)(\d*))?\}/.exec(this.pattern.slice(this.#i));
    if (!m || (m[1] === "" && m[2] === undefined)) return "\\{";
    this.#i += m[0].length;
    if (this.pattern[this.#i] === "+") this.#fail("possessive quantifiers are not supported");
    return m[2] === undefined ? `{${m[1]}}` : `{${m[1] || "0"},${m[3]}}`;
  }

  #charClass(): string {
    const p = this.pattern;
    let out = "[";
    if (p[this.#i] === "^") {
      out += "^";
      this.#i++;
    }
    // Python takes a "]" right after "[" or "[^" literally.
    if (p[this.#i] === "]") {
      out += "\\]";
      this.#i++;
    }
    while (this.#i < p.length) {
      const c = p[this.#i++]!;
      if (c === "]") return out + "]";
      if (c === "\\") out += this.#escape(true);
      else if (c === "[") out += "\\[";
      else out += c;
    }
    return this.#fail("unterminated character set");
  }

  #escape(inClass: boolean): string {
    const p = this.pattern;
    if (this.#i >= p.length) this.#fail("bad escape (end of pattern)");
    const c = p[this.#i++]!;
    // Under (?a) Python's classes are ASCII-only, which is exactly what JavaScript's are.
    if (this.#ascii && "dDwWbB".includes(c)) {
      if (c === "b" && inClass) return "\\x08";
      if (c === "B" && inClass) this.#fail("bad escape \\B");
      return "\\" + c;
    }
    switch (c) {
      case "d":
        return "\\p{Nd}";
      case "D":
        return "\\P{Nd}";
      case "s":
      case "S":
        return "\\" + c;
      case "w":
        return inClass ? WORD : `[${WORD}]`;
      case "W":
        if (inClass) this.#fail("\\W inside a character set is not supported");
        return `[^${WORD}]`;
      case "b":
        return inClass ? "\\x08" : `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
      case "B":
        if (inClass) this.#fail("bad escape \\B");
        return `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;
      case "A":
      case "Z":
        if (inClass) this.#fail(`bad escape \\${c}`);
        return c === "A" ? "(?<![\\s\\S])" : "(?![\\s\\S])";
      case "x":
        return this.#hex(2, "\\x");
      case "u":
        return this.#hex(4, "\\u");
      case "U":
        return this.#hex(8, "\\U");
      case "N":
        return this.#fail("\\N{...} escapes are not supported");
    }
    if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c]!;
    if (c >= "0" && c <= "9") return this.#digits(c, inClass);
    if (/[A-Za-z]/.test(c)) this.#fail(`bad escape \\${c}`);
    return literal(c.codePointAt(0)!, inClass);
  }

  #hex(count: number, what: string): string {
    const digits = this.pattern.slice(this.#i, this.#i + count);
    if (!new RegExp(`^[0-9a-fA-F]{${count}}$`).test(digits)) this.#fail(`incomplete escape ${what}${digits}`);
    this.#i += count;
    const code = parseInt(digits, 16);
    if (code > 0x10ffff) this.#fail(`bad escape ${what}${digits}`);
    return `\\u{${code.toString(16)}}`;
  }

  /** Octal escapes and backreferences, told apart as Python does. */
  #digits(first: string, inClass: boolean): string {
    const p = this.pattern;
    const isOctal = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "7";
    if (first === "0") {
      let text = "0";
      while (text.length < 3 && isOctal(p[this.#i])) text += p[this.#i++];
      return `\\u{${parseInt(text, 8).toString(16)}}`;
    }
    if (isOctal(first) && isOctal(p[this.#i]) && isOctal(p[this.#i + 1])) {
      const code = parseInt(first + p[this.#i] + p[this.#i + 1], 8);
      if (code > 0o377) this.#fail(`octal escape value \\${first}${p[this.#i]}${p[this.#i + 1]} outside of range 0-0o377`);
      this.#i += 2;
      return `\\u{${code.toString(16)}}`;
    }
    if (inClass) this.#fail(`bad escape \\${first}`);
    let number = first;
    if (p[this.#i] !== undefined && p[this.#i]! >= "0" && p[this.#i]! <= "9") number += p[this.#i++];
    // A group wrapper keeps a following digit from extending the reference.
    return `(?:\\${number})`;
  }

  #fail(why: string): never {
    throw new InvalidRegexError(`invalid regex: ${why} at position ${this.#i}`);
  }
}

function literal(code: number, inClass: boolean): string {
  const ch = String.fromCodePoint(code);
  if (SYNTAX.has(ch) || (inClass && ch === "-")) return "\\" + ch;
  return `\\u{${code.toString(16)}}`;
}
