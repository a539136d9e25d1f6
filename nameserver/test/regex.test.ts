import { spawnSync } from "node:child_process";
import { expect } from "chai";
import { NamingError } from "@pyrots/core";
import { InvalidRegexError, MemoryStorage, NameServer, compilePythonMatch } from "@pyrots/nameserver";
import { PYTHON } from "@pyrots/test-support";

/** Pattern, name pairs whose outcome must equal Python's `re.match(pattern, name) is not None`. */
const CASES: [string, string][] = [
  ["my\\.", "my.obj"],
  ["obj", "my.obj"],
  ["my", "my"],
  ["m.", "m\n"],
  ["m$", "m\n"],
  ["m$", "m\r"],
  ["m\\Z", "m\n"],
  ["\\Aa", "a"],
  ["(?i)ABC", "abc"],
  ["(?s)a.b", "a\nb"],
  ["a.b", "a\nb"],
  ["a.b", "a\rb"],
  ["(?m)a$\\nb", "a\nb"],
  ["(?P<x>a)(?P=x)", "aa"],
  ["(?P<x>a)(?P=x)", "ab"],
  ["(a)\\1", "aa"],
  ["a{,2}b", "aab"],
  ["a{,2}b", "aaab"],
  ["a{2}", "aa"],
  ["a{", "a{"],
  ["{x}", "{x}"],
  ["a}", "a}"],
  ["]", "]"],
  ["[]a]", "]"],
  ["[^]a]", "b"],
  ["[a-c]+$", "abc"],
  ["[\\w.]+$", "é.ü_1"],
  ["\\w+$", "naïve"],
  ["\\d", "٣"],
  ["\\bfoo\\b", "foo bar"],
  ["a\\Bb", "ab"],
  ["é\\b", "éa"],
  ["\\x41", "A"],
  ["\\u00e9", "é"],
  ["\\U0001F600", "😀"],
  ["\\0", "\0"],
  ["\\101", "A"],
  ["a\\-b", "a-b"],
  ["a\\#b", "a#b"],
  ["[\\-a]", "-"],
  ["\\t", "\t"],
  ["\\a", "\x07"],
  ["(?#comment)x", "x"],
  ["(?:ab)+$", "abab"],
  ["a(?=b)", "ab"],
  ["a(?!b)", "ab"],
  ["(?<=a)b", "ab"],
  ["a*?b", "aab"],
  ["test\\.echoserver", "test.echoserver"],
  [".*", ""],
  ["Pyro\\.", "Pyro.NameServer"],
  ["[[]", "["],
  ["a|b", "b"],
  ["\\s+$", " \t"],
  ["(?a)\\w+$", "naïve"],
  ["(?a)[\\W]", "é"],
  ["(?a)é\\b", "éa"],
  ["\\S", " "],
  ["\\W", "."],
  ["\\D", "a"],
  ["(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10", "abcdefghijj"],
];

/** Patterns Python rejects; ours must reject them too. */
const PYTHON_INVALID = ["(", ")", "[a", "a{2,1}", "\\q", "\\", "*a", "a**", "(?P<1>x)", "(?P=y)", "\\x4", "[z-a]", "(?Q)"];

/** Valid Python we refuse rather than mistranslate. */
const UNSUPPORTED = ["(?i:x)", "(?x)a b", "(?(1)a|b)", "(?>a)", "a++", "[\\W]", "\\N{DIGIT ONE}", "a(?i)b"];

describe("Python regex translation (re.match semantics)", () => {
  let python: { match?: boolean; error?: string }[] | undefined;

  before(() => {
    const script =
      "import json,re,sys\nout=[]\nfor p,n in json.load(sys.stdin):\n  try: out.append({'match': re.match(p,n) is not None})\n  except re.error as e: out.append({'error': str(e)})\nprint(json.dumps(out))";
    const pairs = [...CASES, ...PYTHON_INVALID.map((p) => [p, ""])];
    const result = spawnSync(PYTHON, ["-c", script], { input: JSON.stringify(pairs), encoding: "utf8", timeout: 15_000 });
    if (result.status === 0) python = JSON.parse(result.stdout);
    else console.log(`regex tests: ${PYTHON} not usable, comparing with recorded expectations only`);
  });

  it("matches like Python for every sample pattern", () => {
    const wrong: string[] = [];
    CASES.forEach(([pattern, name], i) => {
      let ours: boolean | string;
      try {
        ours = compilePythonMatch(pattern).test(name);
      } catch (error) {
        ours = `error: ${(error as Error).message}`;
      }
      const theirs = python?.[i];
      if (theirs !== undefined && ours !== theirs.match)
        wrong.push(`${JSON.stringify(pattern)} on ${JSON.stringify(name)}: ours ${ours}, Python ${JSON.stringify(theirs)}`);
    });
    expect(wrong).to.deep.equal([]);
  });

  it("rejects what Python rejects", () => {
    PYTHON_INVALID.forEach((pattern, i) => {
      if (python) expect(python[CASES.length + i]!.error, `Python accepts ${pattern}`).to.be.a("string");
      expect(() => compilePythonMatch(pattern), pattern).to.throw(InvalidRegexError, /^invalid regex/);
    });
  });

  it("refuses constructs it cannot translate faithfully", () => {
    for (const pattern of UNSUPPORTED) expect(() => compilePythonMatch(pattern), pattern).to.throw(InvalidRegexError, /^invalid regex/);
  });

  it("anchors at the start only and bounds the pattern length", () => {
    expect(compilePythonMatch("a").test("abc")).to.equal(true);
    expect(compilePythonMatch("b").test("abc")).to.equal(false);
    expect(() => compilePythonMatch("a".repeat(1001))).to.throw(InvalidRegexError, /longer than/);
  });
});

describe("name server regex searches", () => {
  const failure = async (promise: Promise<unknown>): Promise<Error> => {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error("expected a failure");
  };

  it("stop a catastrophically backtracking pattern after the time limit with NamingError, and keep serving", async () => {
    await using ns = new NameServer(new MemoryStorage(), { limits: { regexTimeLimit: 0.3 } });
    await ns.register("a".repeat(40) + "!", "PYRO:x@127.0.0.1:1");
    await ns.register("abc", "PYRO:y@127.0.0.1:1");
    const started = performance.now();
    const error = await failure(ns.list(null, "(a+)+$"));
    expect(error).to.be.instanceOf(NamingError);
    expect(error.message).to.equal("invalid regex: matching took longer than 0.3 s (simplify the pattern)");
    expect(performance.now() - started, "stopped near the limit, not at the pattern's end").to.be.below(5000);
    // The worker that ran it was replaced: the next searches are answered.
    expect(Object.keys(await ns.list(null, "ab"))).to.deep.equal(["abc"]);
    expect(await ns.remove(null, null, "a+!")).to.equal(1);
  });

  it("run off the event loop: timers fire while a pattern backtracks", async () => {
    await using ns = new NameServer(new MemoryStorage(), { limits: { regexTimeLimit: 1 } });
    await ns.register("a".repeat(40) + "!", "PYRO:x@127.0.0.1:1");
    const search = failure(ns.list(null, "(a+)+$"));
    // On the event loop, a backtracking search would hold these ticks until it was stopped.
    const gaps: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }
    expect(Math.max(...gaps), "longest gap between 50 ms timers (ms)").to.be.below(500);
    expect((await search).message).to.match(/matching took longer than 1 s/);
  });
});
