import { expect } from "chai";
import {
  Complex,
  DEFAULT_DECODE_LIMITS,
  ExceptionWrapper,
  ProxyRef,
  PyDate,
  PyroError,
  RemoteError,
  SecurityError,
  SerializeError,
  URI,
  type DecodeContext,
  type DecodeLimits,
  serpentSerializer as serpent,
} from "@pyrots/core/internal";

const HEADER = "# serpent utf-8 python3.2\n";
const parse = (source: string, context?: DecodeContext): unknown => serpent.decode(Buffer.from(HEADER + source), context);
const text = (value: unknown): string => {
  const out = serpent.encode(value).toString("utf8");
  expect(out.startsWith(HEADER), "header line").to.equal(true);
  return out.slice(HEADER.length);
};
const limits = (overrides: Partial<DecodeLimits>): DecodeContext => ({ limits: { ...DEFAULT_DECODE_LIMITS, ...overrides } });

function refusal(source: string | Buffer, context?: DecodeContext): SerializeError {
  try {
    serpent.decode(typeof source === "string" ? Buffer.from(source) : source, context);
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(SerializeError);
    return error as SerializeError;
  }
  return expect.fail(`decoding ${JSON.stringify(String(source).slice(0, 80))} should have failed`);
}

describe("serpent serializer", () => {
  it("has Pyro's id and name", () => {
    expect(serpent.id).to.equal(1);
    expect(serpent.name).to.equal("serpent");
  });

  describe("decoding Python literals", () => {
    it("reads None, booleans, ints of any size, floats and serpent's infinities", () => {
      expect(parse("[None, True, False, 0, -5, 00, 1_000, 0x1f, 0o17, 0b101, 0X_F]")).to.deep.equal([null, true, false, 0, -5, 0, 1000, 31, 15, 5, 15]);
      expect(parse("[9007199254740991, -9007199254740991, 9007199254740992, -9223372036854775808, 0x1ffffffffffffffff]")).to.deep.equal([
        2 ** 53 - 1,
        -(2 ** 53 - 1),
        2n ** 53n,
        -(2n ** 63n),
        2n ** 65n - 1n,
      ]);
      expect(parse("[1.5, -0.25, 1e-05, 1e+16, .5, 1., 1_0.5e1_0, 1E3, 1e30000, -1e30000]")).to.deep.equal([
        1.5,
        -0.25,
        1e-5,
        1e16,
        0.5,
        1,
        105000000000,
        1000,
        Infinity,
        -Infinity,
      ]);
    });

    it("reads serpent's NaN dict and Pyro's float dict variants", () => {
      expect(parse("{'__class__':'float','value':'nan'}")).to.be.NaN;
      expect(
        parse("[{'__class__': 'float', 'value': '-inf'}, {'__class__': 'float', 'value': 'Infinity'}, {'__class__': 'float', 'value': ' 2.5 '}]"),
      ).to.deep.equal([-Infinity, Infinity, 2.5]);
      expect(() => parse("{'__class__':'float','value':'nan; rm -rf'}")).to.throw(SerializeError, /not a float/);
      expect(() => parse("{'__class__':'float','value':[1]}")).to.throw(SerializeError, /text of a float/);
    });

    it("reads complex numbers as serpent writes them, and bare imaginaries", () => {
      expect(parse("(1.0-2.0j)")).to.deep.equal(new Complex(1, -2));
      expect(parse("(1.5+1e30000j)")).to.deep.equal(new Complex(1.5, Infinity));
      expect(parse("[2j, 1 + 3J, (-1-0.5j)]")).to.deep.equal([new Complex(0, 2), new Complex(1, 3), new Complex(-1, -0.5)]);
      expect(() => parse("[1 - 2]")).to.throw(SerializeError, /imaginary/);
    });

    it("reads every escape of Python's str literals", () => {
      const source = String.raw`'\\ \' \" \a \b \f \n \r \t \v \x41 \101 \7 \u00e9 \U0001F600 \q' `;
      expect(parse(source)).to.equal("\\ ' \" \x07 \b \f \n \r \t \v A A \x07 é 😀 \\q");
      expect(parse(`"it's"`)).to.equal("it's");
      expect(parse(`'line\\\ncontinued'`)).to.equal("linecontinued");
      expect(parse(`'''multi\r\nline "with" 'quotes' '''`)).to.equal(`multi\nline "with" 'quotes' `);
      expect(parse(`"""a""" 'b' "c"`)).to.equal("abc");
      expect(parse(String.raw`r'\n\'' + ''`.replace(" + ''", ""))).to.equal(String.raw`\n\'`);
      expect(parse(String.raw`u'\u2713'`)).to.equal("✓");
      expect(parse("'h\u00e9llo \u2713 😀'")).to.equal("h\u00e9llo \u2713 😀");
      expect(parse(String.raw`'\ud800'`)).to.equal("\ud800");
    });

    it("refuses broken strings with the byte offset", () => {
      expect(refusal("'abc").message).to.match(/at byte 0: unterminated string literal/);
      expect(refusal("['ok', 'a\nb']").message).to.match(/at byte 9: line break inside a string literal/);
      expect(refusal(String.raw`'\x4'`).message).to.match(/truncated \\xXX escape/);
      expect(refusal(String.raw`'\U00110000'`).message).to.match(/beyond U\+10FFFF/);
      expect(refusal(String.raw`'\N{BULLET}'`).message).to.match(/\\N\{name\} escapes are not supported/);
      expect(refusal("f'x'").message).to.match(/'f' strings are not literals/);
      expect(refusal("'a' b'b'").message).to.match(/cannot mix bytes and str/);
      expect(refusal("['é', 'x\0']").message).to.match(/at byte 9: NUL/);
    });

    it("reads bytes literals and serpent's base64 dict as Buffers", () => {
      expect(parse(String.raw`b'\x00a\'\\\xff\101\n'`)).to.deep.equal(Buffer.from([0, 0x61, 0x27, 0x5c, 0xff, 0x41, 0x0a]));
      expect(parse(String.raw`[rb'\x00', B"\u12", b'\777']`)).to.deep.equal([Buffer.from("\\x00"), Buffer.from("\\u12"), Buffer.from([0xff])]);
      expect(parse("{'data': 'AAH/', 'encoding': 'base64'}")).to.deep.equal(Buffer.from([0, 1, 255]));
      expect(parse("{'data': 'AAH/', 'encoding': 'base64', 'more': 1}")).to.deep.equal({ data: "AAH/", encoding: "base64", more: 1 });
      expect(refusal("b'é'").message).to.match(/only contain ASCII/);
    });

    it("reads lists, tuples (and parenthesized values), sets and dicts, with trailing commas and comments", () => {
      const source = "# a comment\n[ [1, 2,], (1,), (1), ((1, 2)), (), {1, 'a',}, set(), set( ), {}, {'a': 1, 'b': [2],}, # trailing\n ]";
      expect(parse(source)).to.deep.equal([[1, 2], [1], 1, [1, 2], [], new Set([1, "a"]), new Set(), new Set(), {}, { a: 1, b: [2] }]);
      expect(parse("{\n  'a': (\n    1,\n    2\n  )\n}")).to.deep.equal({ a: [1, 2] });
    });

    it("makes int, float, bool and None dict keys into strings as msgpack does, and refuses other keys", () => {
      expect(parse("{1: 'a', 2.5: 'b', True: 'c', None: 'd', -3: 'e', 18446744073709551616: 'f'}")).to.deep.equal({
        "1": "a",
        "2.5": "b",
        true: "c",
        null: "d",
        "-3": "e",
        "18446744073709551616": "f",
      });
      expect(refusal("{(1, 2): 'x'}").message).to.match(/dict key must be a str, int, float, bool or None .* not a tuple/);
      expect(refusal("{b'k': 'x'}").message).to.match(/not bytes/);
      // A huge int's decimal text takes long to make (Python refuses str() of it too).
      expect(refusal("{0x" + "f".repeat(200_000) + ": 1}").message).to.match(/int dict key of more than 4300 digits/);
      expect(Object.keys(parse("{" + "9".repeat(4300) + ": 1}") as object)).to.deep.equal(["9".repeat(4300)]);
    });

    it("keeps a __proto__ key as an own data property, at any depth, without touching a prototype", () => {
      const value = parse("{'__proto__': {'polluted': 1}, 'a': [{'__proto__': None}], '\\x5f_proto__': 2}") as Record<string, unknown>;
      expect(Object.getPrototypeOf(value)).to.equal(Object.prototype);
      expect(Object.keys(value)).to.deep.equal(["__proto__", "a"]);
      expect(Object.getOwnPropertyDescriptor(value, "__proto__")!.value).to.equal(2);
      expect(Object.getPrototypeOf((value.a as object[])[0])).to.equal(Object.prototype);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      const error = parse("{'__class__':'builtins.ValueError','__exception__':True,'args':('x',),'attributes':{'__proto__':{'polluted':1}}}") as RemoteError;
      expect(Object.getPrototypeOf(error.attributes)).to.equal(Object.prototype);
      expect(Object.keys(error.attributes)).to.deep.equal(["__proto__"]);
      expect(error.attributes.polluted).to.equal(undefined);
    });

    it("revives Pyro4 class dicts: URI, proxy, exceptions, exception wrapper, daemon", () => {
      const uri = parse("{'__class__':'Pyro4.core.URI','state':('PYRO','obj',None,'localhost',9090)}");
      expect(uri).to.be.instanceOf(URI);
      expect(String(uri)).to.equal("PYRO:obj@localhost:9090");
      const meta = parse("{'__class__':'Pyro4.core.URI','state':('PYROMETA',{'b','a'},None,'nshost',9090)}") as URI;
      expect([...meta.metadata].sort()).to.deep.equal(["a", "b"]);
      const reviveProxy = (ref: ProxyRef): unknown => ({ revived: ref });
      const proxy = parse("{'__class__':'Pyro4.core.Proxy','state':('PYRO:calc@127.0.0.1:4000',('fire',),{'inc'},(),0.0,None,'hello',0,'serpent')}", {
        limits: DEFAULT_DECODE_LIMITS,
        reviveProxy,
      }) as { revived: ProxyRef };
      expect(proxy.revived).to.be.instanceOf(ProxyRef);
      expect(proxy.revived.methods).to.deep.equal(["inc"]);
      expect(proxy.revived.oneway).to.deep.equal(["fire"]);
      const error = parse("{'__class__':'builtins.ValueError','__exception__':True,'args':('boom',3),'attributes':{'_pyroTraceback':['line\\n'],'code':7}}");
      expect(error)
        .to.be.instanceOf(RemoteError)
        .and.deep.include({ remoteType: "builtins.ValueError", args: ["boom", 3], attributes: { code: 7 } });
      expect((error as RemoteError).remoteTraceback).to.deep.equal(["line\n"]);
      expect(parse("{'__class__':'Pyro4.errors.NamingError','__exception__':True,'args':('x',),'attributes':{}}")).to.have.property("name", "NamingError");
      const wrapper = parse(
        "{'__class__':'Pyro4.futures._ExceptionWrapper','exception':{'__class__':'builtins.KeyError','__exception__':True,'args':('k',),'attributes':{}}}",
      );
      expect(wrapper).to.be.instanceOf(ExceptionWrapper);
    });

    it("refuses other class dicts as Pyro4 does: SecurityError for dunder names, SerializeError otherwise", () => {
      expect(() => parse("{'__class__':'os.__system__','x':1}")).to.throw(SecurityError, /double underscores/);
      expect(() => parse("{'__class__':'collections.OrderedDict','items':[]}")).to.throw(SerializeError, /unsupported serialized class/);
      expect(() => parse("{'__class__':['not','a','name']}")).to.throw(SerializeError);
      expect(() => parse("{'__class__':'Pyro4.core.URI','state':'bogus'}")).to.throw(PyroError, /invalid URI state/);
      expect(() => parse("{'__class__':'Pyro4.core.Proxy','state':(1,2)}")).to.throw(PyroError, /invalid Proxy state/);
    });

    it("refuses names and expressions that are not literals", () => {
      expect(refusal("__import__('os')").message).to.match(/unexpected name '__import__'/);
      expect(refusal("[1, inf]").message).to.match(/at byte 4: unexpected name 'inf'/);
      expect(refusal("set([1])").message).to.match(/only an empty set\(\) is a literal/);
      expect(refusal("1 if 1 else 2").message).to.match(/unexpected text after the value/);
      expect(refusal("...").message).to.match(/invalid number/);
      expect(refusal("").message).to.match(/no value/);
      expect(refusal("# serpent utf-8 python3.2\n   # only comments\n").message).to.match(/no value/);
      expect(refusal("007").message).to.match(/leading zeros/);
      expect(refusal("1__0").message).to.match(/invalid number/);
      expect(refusal("0x").message).to.match(/invalid integer literal/);
    });

    it("refuses malformed containers with the byte offset", () => {
      expect(refusal("[1, 2").message).to.match(/unterminated a list|unexpected end/);
      expect(refusal("[1 2]").message).to.match(/at byte 3: expected ',' or '\]' in a list/);
      expect(refusal("{1: 2, 3}").message).to.match(/expected ':' after a dict key/);
      expect(refusal("{1, 2: 3}").message).to.match(/expected ',' or '\}' in a set/);
      expect(refusal("(1, 2]").message).to.match(/expected ',' or '\)' in a tuple/);
      expect(refusal("{'a': }").message).to.match(/unexpected character/);
      expect(refusal("[,]").message).to.match(/unexpected character/);
    });

    it("refuses text that is not UTF-8, naming the first bad byte", () => {
      const bad = Buffer.concat([Buffer.from("['é', '"), Buffer.from([0xc3, 0x28]), Buffer.from("']")]);
      expect(refusal(bad).message).to.equal("invalid serpent data at byte 8: not valid UTF-8");
      expect(refusal(Buffer.from([0x27, 0xed, 0xa0, 0x80, 0x27])).message).to.match(/byte 1: not valid UTF-8/);
    });
  });

  describe("Pyro5", () => {
    // Generated once with Pyro5 5.16 (PYTHONPATH=pyro5-5.16 /usr/bin/python3): Pyro5.serializers.serializers["serpent"].dumps(...)
    const PYRO5 = {
      plain: "[1,1180591620717411303424,1.5,{'__class__':'float','value':'nan'},'h\u00e9',(1,'a'),{'k':None},{1,2}]",
      bytes: "{'data': 'AP8=', 'encoding': 'base64'}",
      bytesRepr: String.raw`b'\x00\xff'`, // with Pyro5.config.SERPENT_BYTES_REPR = True
      call: String.raw`('obj','m',(b'\x01',),{})`, // dumpsCall, SERPENT_BYTES_REPR = True
      uri: "{'__class__':'Pyro5.core.URI','state':('PYRO','obj',None,'localhost',9090)}",
    };

    it("reads what Pyro5 writes: the same text format, b'' bytes included; Pyro5 class names need a Pyro5 dialect", () => {
      expect(parse(PYRO5.plain)).to.deep.equal([1, 2n ** 70n, 1.5, NaN, "h\u00e9", [1, "a"], { k: null }, new Set([1, 2])]);
      expect(parse(PYRO5.bytes)).to.deep.equal(Buffer.from([0, 255]));
      expect(parse(PYRO5.bytesRepr)).to.deep.equal(Buffer.from([0, 255]));
      expect(serpent.decodeCall(Buffer.from(HEADER + PYRO5.call)).args).to.deep.equal([Buffer.from([1])]);
      expect(() => parse(PYRO5.uri)).to.throw(SerializeError, /unsupported serialized class: Pyro5\.core\.URI/);
    });
  });

  describe("limits", () => {
    const nested = (depth: number, open: string, close: string, inner = ""): string => open.repeat(depth) + inner + close.repeat(depth);

    it("accepts nesting up to maxDepth and refuses one level more, for every container", () => {
      const context = limits({ maxDepth: 10 });
      for (const [open, close, inner] of [
        ["[", "]", ""],
        ["(", ",)", "1"],
        ["{'k':", "}", "1"],
      ] as const) {
        expect(() => parse(nested(10, open, close, inner), context)).to.not.throw();
        expect(refusal(HEADER + nested(11, open, close, inner), context).message).to.match(/nested deeper than 10 levels/);
      }
      expect(refusal(HEADER + "{" + nested(10, "(", ")", "1") + "}", context).message).to.match(/nested deeper than 10 levels/);
    });

    it("refuses 100,000 levels of nesting with an error, not a stack overflow", () => {
      expect(refusal(nested(100_000, "[", "]")).message).to.match(/nested deeper than 128 levels/);
      expect(refusal("(".repeat(100_000)).message).to.match(/nested deeper/);
    });

    it("charges decoded values against max(minBudget, expansion × bytes)", () => {
      const many = "[" + "{},".repeat(10_000) + "]";
      expect(refusal(many, limits({ expansion: 1, minBudget: 100_000 })).message).to.match(/decode budget \(100000 bytes\)/);
      expect(refusal(many, limits({ expansion: 4, minBudget: 1024 })).message).to.match(/decode budget \(120008 bytes\)/);
      expect((parse(many.slice(0, -1) + "]", limits({ expansion: 24, minBudget: 0 })) as unknown[]).length).to.equal(10_000);
      expect((parse(many, limits({ expansion: 1, minBudget: 1024 * 1024 })) as unknown[]).length).to.equal(10_000);
      // Empty dicts cost the most per byte of text: within the default expansion of 24 all the same.
      expect((serpent.decode(Buffer.from(many)) as unknown[]).length).to.equal(10_000);
    });

    it("refuses payloads larger than maxBytes before parsing them", () => {
      expect(refusal("[" + "1,".repeat(100) + "]", limits({ maxBytes: 100 })).message).to.equal("serpent payload of 202 bytes exceeds the limit of 100 bytes");
    });

    it("refuses decimal ints of more than 4300 digits (as Python does) and reads long hex ints", () => {
      expect(parse("9".repeat(4300))).to.equal(10n ** 4300n - 1n);
      expect(refusal("9".repeat(4301)).message).to.match(/more than 4300 digits/);
      expect(parse("0x" + "f".repeat(5000))).to.equal(16n ** 5000n - 1n);
    });
  });

  describe("truncation and corruption", () => {
    const samples = [
      serpent.encodeCall("calc", "inc", [1, -2.5, "h\u00e9llo \\ ' \n", Buffer.from([0, 39, 92, 255]), [true, null], new Set([1, "a"]), 2n ** 70n], {
        k: { n: NaN },
      }),
      serpent.encode({
        uri: URI.parse("PYRO:obj@localhost:9090"),
        err: new RangeError("bad"),
        c: new Complex(1, -2),
        inf: [Infinity, -Infinity],
        empty: [{}, [], new Set()],
      }),
      Buffer.from(HEADER + `{'a': (1,), "b": '''x\ny''', 'c': {'data': 'AAH/', 'encoding': 'base64'}, 0x1f: b'\\x00', 'd': (1.5+2j), 'e': set()}`),
    ];

    it("every truncation of sample payloads fails with SerializeError, never another error", () => {
      for (const sample of samples) {
        expect(() => serpent.decode(sample)).to.not.throw();
        for (let end = 0; end < sample.length; end++) {
          try {
            serpent.decode(sample.subarray(0, end));
          } catch (error) {
            if (!(error instanceof SerializeError)) expect.fail(`truncated at ${end} of ${sample.toString()}: ${String(error)}`);
            continue;
          }
          // A few prefixes are complete values themselves (e.g. the header plus "1"): fine.
        }
      }
    });

    it("single-byte corruptions decode or fail with a PyroError, never another error", () => {
      let seed = 12345;
      const random = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      const alphabet = Buffer.from("[](){},:'\"\\#\n0123456789.eEjJxob_-+ TFNabrux\u00e9\0");
      for (const sample of samples) {
        for (let i = 0; i < 3000; i++) {
          const copy = Buffer.from(sample);
          copy[random(copy.length)] = random(2) ? alphabet[random(alphabet.length)]! : random(256);
          try {
            serpent.decode(copy);
          } catch (error) {
            if (!(error instanceof PyroError)) expect.fail(`${copy.toString()}: ${String(error)}`);
          }
        }
      }
    });
  });

  describe("encoding", () => {
    it("writes scalars as Python literals", () => {
      expect(text([null, undefined, true, false, 0, -5, 2 ** 53 - 1, 1.5, 0.1, 1e-7, 1e300, 2 ** 60, -0])).to.equal(
        "[None,None,True,False,0,-5,9007199254740991,1.5,0.1,1e-7,1e+300,1152921504606847000.0,-0.0]",
      );
      expect(text([NaN, Infinity, -Infinity])).to.equal("[{'__class__':'float','value':'nan'},1e30000,-1e30000]");
      expect(text([5n, -(2n ** 70n)])).to.equal("[5,-1180591620717411303424]");
      expect(text(10n ** 4300n)).to.match(/^0x[0-9a-f]+$/);
      expect(text(-(10n ** 4300n))).to.match(/^-0x[0-9a-f]+$/);
      expect(text(10n ** 4300n - 1n)).to.equal("9".repeat(4300));
      expect(text([new Complex(1, -2), new Complex(0.5, Infinity), new Complex(1, -0)])).to.equal("[(1-2j),(0.5+1e30000j),(1-0j)]");
      expect(() => serpent.encode(new Complex(NaN, 1))).to.throw(SerializeError, /NaN part/);
    });

    it("writes strings as '…', or as JSON's escaped text (valid Python) when they need escapes", () => {
      expect(text("plain h\u00e9llo \u2713 \x7f")).to.equal("'plain h\u00e9llo \u2713 \x7f'");
      expect(text("😀")).to.equal('"😀"');
      expect(text("it's \\ \n\r\t\0\x1f \ud800 \udc00x")).to.equal(String.raw`"it's \\ \n\r\t\u0000\u001f \ud800 \udc00x"`);
    });

    it("writes bytes as serpent's base64 dict, as Python's serpent does", () => {
      expect(text(Buffer.from([0, 1, 255]))).to.equal("{'data': 'AAH/', 'encoding': 'base64'}");
      expect(text(new DataView(new Uint8Array([1, 0]).buffer))).to.equal("{'data': 'AQA=', 'encoding': 'base64'}");
      expect(text(new Uint8ClampedArray([1, 0]))).to.equal("{'data': 'AQA=', 'encoding': 'base64'}");
      expect(text(new Uint8Array([65]).buffer)).to.equal("{'data': 'QQ==', 'encoding': 'base64'}");
      expect(text(Buffer.alloc(0))).to.equal("{'data': '', 'encoding': 'base64'}");
    });

    it("writes sets as set literals when Python can hash every element, maps with Python keys", () => {
      expect(text(new Set([1, "a", true, null, 2n]))).to.equal("{1,'a',True,None,2}");
      expect(text(new Set())).to.equal("()");
      expect(text(new Set([[1], 2]))).to.equal("[[1],2]");
      expect(
        text(
          new Map<unknown, unknown>([
            [1, "a"],
            [2.5, "b"],
            [true, "c"],
            [null, "d"],
            ["s", "e"],
            [NaN, "f"],
          ]),
        ),
      ).to.equal("{1:'a',2.5:'b',True:'c',None:'d','s':'e','NaN':'f'}");
      expect(() => serpent.encode({ m: new Map([[{}, "f"]]) })).to.throw(SerializeError, /^cannot send value\.m: a Map with a key that is an object \(/);
    });

    it("writes dates as ISO text, Pyro objects and errors as Pyro4 class dicts", () => {
      expect(text([new PyDate(2024, 2, 29), new Date(Date.UTC(2024, 1, 29, 12, 30, 0, 250))])).to.equal("['2024-02-29','2024-02-29T12:30:00.250Z']");
      expect(text(URI.parse("PYRO:obj@localhost:9090"))).to.equal("{'__class__':'Pyro4.core.URI','state':['PYRO','obj',None,'localhost',9090]}");
      expect(text(new RangeError("bad"))).to.match(
        /^\{'__class__':'builtins\.ValueError','__exception__':True,'args':\['bad'\],'attributes':\{'_pyroTraceback':None\}\}$/,
      );
      expect(text(new ExceptionWrapper(new TypeError("t")))).to.match(
        /^\{'__class__':'Pyro4\.futures\._ExceptionWrapper','exception':\{'__class__':'builtins\.TypeError'/,
      );
    });

    it("writes a call as Pyro4's tuple (object, method, (args…), kwargs)", () => {
      const call = (args: unknown[], kwargs: Record<string, unknown> | null): string =>
        serpent.encodeCall("obj", "m", args, kwargs).toString().slice(HEADER.length);
      expect(call([], {})).to.equal("('obj','m',(),{})");
      expect(call([1], null)).to.equal("('obj','m',(1,),None)");
      expect(call([1, "a"], { k: [2] })).to.equal("('obj','m',(1,'a'),{'k':[2]})");
    });

    it("reserves room for the header in front of the payload", () => {
      const plain = serpent.encode({ a: "é" });
      const reserved = serpent.encode({ a: "é" }, 24);
      expect(reserved.length).to.equal(plain.length + 24);
      expect(reserved.subarray(24).equals(plain)).to.equal(true);
      expect(
        serpent
          .encodeCall("o", "m", [], null, 3)
          .subarray(3)
          .equals(serpent.encodeCall("o", "m", [], null)),
      ).to.equal(true);
      expect(() => serpent.encode(1, 256)).to.throw(RangeError);
    });

    it("refuses cycles and absurd nesting with SerializeError", () => {
      const cycle: unknown[] = [];
      cycle.push(cycle);
      expect(() => serpent.encode(cycle)).to.throw(SerializeError, "cannot send value[0]: a circular reference back to value");
      let deep: unknown = [];
      for (let i = 0; i < 200; i++) deep = [deep];
      expect(() => serpent.encode(deep)).to.throw(SerializeError, /^cannot send value\[0\]\[0\].*: nested deeper than 128 levels/);
    });

    it("round-trips a corpus of JS values", () => {
      const values: unknown[] = [
        { a: [1, "two", [3.5, null]], b: { c: true, d: false }, "key with 'quote'": "\\", "": [] },
        [0, -0.5, 2 ** 53 - 1, -(2n ** 64n), 1e-300, NaN, -Infinity],
        new Set(["x", 1]),
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        "\u0000\u001f\u007f\u0080\u00ff\u0100\uffff😀",
        new Complex(-1.5, 2),
      ];
      for (const value of values) expect(serpent.decode(serpent.encode(value))).to.deep.equal(value);
    });
  });

  describe("calls", () => {
    it("decodes a call tuple and checks its shape", () => {
      expect(serpent.decodeCall(Buffer.from(HEADER + "('calc','inc',(41,),{'k':'v'})"))).to.deep.equal({
        object: "calc",
        method: "inc",
        args: [41],
        kwargs: { k: "v" },
      });
      expect(serpent.decodeCall(Buffer.from(HEADER + "('calc','__getattr__',['v'],None)")).kwargs).to.equal(null);
      expect(() => serpent.decodeCall(Buffer.from("{'object': 'o'}"))).to.throw(SerializeError, /expected a 4-element array/);
      expect(() => serpent.decodeCall(Buffer.from("(1,'m',(),{})"))).to.throw(SerializeError, /object id must be a string/);
      expect(() => serpent.decodeCall(Buffer.from("('o','m',(),{1})"))).to.throw(SerializeError, /kwargs must be a map or nil/);
    });
  });
});
