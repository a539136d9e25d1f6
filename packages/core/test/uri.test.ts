import { expect } from "chai";
import { DEFAULT_NS_PORT, PyroError, URI, isURI } from "@pyrots/core/internal";

function parseError(text: string): string {
  try {
    URI.parse(text);
  } catch (error) {
    expect(error).to.be.instanceOf(PyroError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(text)} parsed, but should not`);
}

describe("URI", () => {
  describe("parsing valid forms", () => {
    it("reads PYRO:obj@host:port", () => {
      const uri = URI.parse("PYRO:calc@localhost:9999");
      expect(uri).to.include({ protocol: "PYRO", object: "calc", host: "localhost", port: 9999 });
      expect(uri.sockname).to.equal(undefined);
      expect(uri.metadata).to.deep.equal([]);
      expect(uri.location).to.equal("localhost:9999");
      expect(uri.toString()).to.equal("PYRO:calc@localhost:9999");
    });

    it("reads a bracketed IPv6 host and prints it bracketed again", () => {
      const uri = URI.parse("PYRO:obj@[::1]:5555");
      expect(uri).to.include({ host: "::1", port: 5555 });
      expect(uri.location).to.equal("[::1]:5555");
      expect(uri.toString()).to.equal("PYRO:obj@[::1]:5555");
    });

    it("reads an IPv6 host with a zone id", () => {
      expect(URI.parse("PYRO:o@[fe80::1%eth0]:1").host).to.equal("fe80::1%eth0");
    });

    it("reads a Unix socket location", () => {
      const uri = URI.parse("PYRO:obj@./u:/tmp/s.sock");
      expect(uri.sockname).to.equal("/tmp/s.sock");
      expect([uri.host, uri.port]).to.deep.equal([undefined, undefined]);
      expect(uri.location).to.equal("./u:/tmp/s.sock");
      expect(uri.toString()).to.equal("PYRO:obj@./u:/tmp/s.sock");
    });

    it("reads an abstract Unix socket name with a leading NUL", () => {
      const uri = URI.parse("PYRO:obj@./u:\u0000abstract");
      expect(uri.sockname).to.equal("\u0000abstract");
      expect(URI.parse(uri.toString()).equals(uri)).to.equal(true);
    });

    it("accepts the protocol in any case and stores it upper-case", () => {
      expect(URI.parse("pyro:x@h:1").protocol).to.equal("PYRO");
      expect(URI.parse("pyroname:x").protocol).to.equal("PYRONAME");
      expect(URI.parse("PyroMeta:a").protocol).to.equal("PYROMETA");
    });

    it("reads PYRONAME without a location", () => {
      const uri = URI.parse("PYRONAME:my.service");
      expect(uri).to.include({ protocol: "PYRONAME", object: "my.service" });
      expect([uri.host, uri.port, uri.sockname]).to.deep.equal([undefined, undefined, undefined]);
      expect(uri.location).to.equal(undefined);
      expect(uri.toString()).to.equal("PYRONAME:my.service");
    });

    it("gives PYRONAME with a host only the default name server port", () => {
      const uri = URI.parse("PYRONAME:my.service@nshost");
      expect(DEFAULT_NS_PORT).to.equal(9090);
      expect(uri).to.include({ host: "nshost", port: 9090 });
      expect(URI.parse("PYRONAME:x@nshost", 1234).port).to.equal(1234);
    });

    it("reads PYRONAME with host and port, and with a Unix socket", () => {
      expect(URI.parse("PYRONAME:x@nshost:7777")).to.include({ host: "nshost", port: 7777 });
      expect(URI.parse("PYRONAME:x@./u:/run/ns.sock").sockname).to.equal("/run/ns.sock");
    });

    it("reads PYROMETA tags into metadata and joins them as the object", () => {
      const uri = URI.parse("PYROMETA:class:weather,region:eu@nshost");
      expect(uri.metadata).to.deep.equal(["class:weather", "region:eu"]);
      expect(uri.object).to.equal("class:weather,region:eu");
      expect(uri.port).to.equal(9090);
      expect(uri.toString()).to.equal("PYROMETA:class:weather,region:eu@nshost:9090");
    });

    it("drops duplicate PYROMETA tags like Python's set does", () => {
      expect(URI.parse("PYROMETA:a,b,a").metadata).to.deep.equal(["a", "b"]);
    });

    it("takes the first '@' as the end of the object id", () => {
      const uri = URI.parse("PYRO:obj@host@x:1");
      expect(uri).to.include({ object: "obj", host: "host@x", port: 1 });
    });

    it("ignores surrounding whitespace", () => {
      expect(URI.parse("  PYRO:x@h:1\n").toString()).to.equal("PYRO:x@h:1");
    });

    it("accepts ports 0 and 65535", () => {
      expect(URI.parse("PYRO:x@h:0").port).to.equal(0);
      expect(URI.parse("PYRO:x@h:65535").port).to.equal(65535);
    });
  });

  describe("rejecting malformed text with a message naming the problem", () => {
    const cases: Array<[string, RegExp]> = [
      ["PYRO:obj", /invalid URI "PYRO:obj": missing location \(expected PYRO:object@host:port\)/],
      ["PYRO:obj@host", /missing port/],
      ["PYRO:obj@host:", /invalid port ""/],
      ["PYRO:obj@host:abc", /invalid port "abc"/],
      ["PYRO:obj@host:-1", /invalid port "-1"/],
      ["PYRO:obj@host:65536", /port 65536 out of range/],
      ["PYRO:obj@host:123456", /invalid port "123456"/],
      ["PYRO:obj@host:1.5", /invalid port "1.5"/],
      ["FOO:obj@host:1", /unknown protocol "FOO"/],
      ["PYROX:obj@host:1", /unknown protocol "PYROX"/],
      ["obj@host:1", /missing protocol/],
      ["PYRO:@host:1", /empty object id/],
      ["PYRO:", /empty object id/],
      ["PYROMETA:", /no metadata tags/],
      ["PYROMETA:a,,b", /empty metadata tag/],
      ["PYRO:obj@./u:", /empty Unix socket name/],
      ["PYRO:obj@./u:/a:b", /':' in Unix socket name/],
      ["PYRO:obj@:1", /empty host/],
      ["PYRONAME:x@", /empty location/],
      ["PYRO:obj@[[::1]]:1", /too many brackets/],
      ["PYRO:obj@[::1:1", /missing '\]'/],
      ["PYRO:obj@[zz]:1", /invalid IPv6 address/],
      ["PYRO:obj@[::1]x", /unexpected text "x"/],
      ["PYRO:obj@[::1]", /missing port/],
      ["PYRO:my obj@h:1", /whitespace in object id/],
    ];
    for (const [text, expected] of cases) {
      it(`rejects ${JSON.stringify(text)}`, () => {
        expect(parseError(text)).to.match(expected);
      });
    }

    it("rejects a non-string", () => {
      expect(() => URI.parse(42 as unknown as string)).to.throw(PyroError, /expected a string/);
    });
  });

  describe("construction from fields", () => {
    it("builds and validates like parse does", () => {
      expect(new URI({ protocol: "PYRO", object: "x", host: "h", port: 1 }).toString()).to.equal("PYRO:x@h:1");
      expect(new URI({ protocol: "PYROMETA", metadata: ["a", "b"] }).toString()).to.equal("PYROMETA:a,b");
      expect(new URI({ protocol: "PYRO", object: "x", host: "[::1]", port: 2 }).host).to.equal("::1");
      expect(() => new URI({ protocol: "PYRO", object: "x" })).to.throw(PyroError, /missing location/);
      expect(() => new URI({ protocol: "PYRO", object: "x", host: "h" })).to.throw(PyroError, /missing port/);
      expect(() => new URI({ protocol: "PYRO", object: "x", host: "h", port: 70000 })).to.throw(PyroError, /out of range/);
      expect(() => new URI({ protocol: "PYRO", object: "x", sockname: "/s", host: "h", port: 1 })).to.throw(PyroError, /both/);
      expect(() => new URI({ protocol: "HTTP" as "PYRO", object: "x" })).to.throw(PyroError, /protocol/);
    });

    it("gives a PYRONAME host the default name server port", () => {
      expect(new URI({ protocol: "PYRONAME", object: "n", host: "h" }).port).to.equal(9090);
    });
  });

  describe("helpers", () => {
    it("from() passes URIs through and parses strings", () => {
      const uri = URI.parse("PYRO:x@h:1");
      expect(URI.from(uri)).to.equal(uri);
      expect(URI.from("PYRO:x@h:1").equals(uri)).to.equal(true);
    });

    it("tryParse() returns undefined instead of throwing", () => {
      expect(URI.tryParse("nope")).to.equal(undefined);
      expect(URI.tryParse("PYRO:x@h:1")).to.be.instanceOf(URI);
    });

    it("equals() compares every field", () => {
      expect(URI.parse("pyro:x@h:1").equals(URI.parse("PYRO:x@h:1"))).to.equal(true);
      expect(URI.parse("PYRO:x@h:1").equals(URI.parse("PYRO:x@h:2"))).to.equal(false);
      expect(URI.parse("PYRO:x@h:1").equals("PYRO:x@h:1")).to.equal(false);
      expect(isURI(URI.parse("PYRO:x@h:1"))).to.equal(true);
      expect(isURI("PYRO:x@h:1")).to.equal(false);
    });
  });

  describe("Pyro4 state", () => {
    it("toJSON() gives Pyro4's class dict", () => {
      expect(URI.parse("PYRO:calc@127.0.0.1:34834").toJSON()).to.deep.equal({ __class__: "Pyro4.core.URI", state: ["PYRO", "calc", null, "127.0.0.1", 34834] });
      expect(URI.parse("PYRO:x@./u:/tmp/s").toJSON().state).to.deep.equal(["PYRO", "x", "/tmp/s", null, null]);
      expect(URI.parse("PYRONAME:n").toJSON().state).to.deep.equal(["PYRONAME", "n", null, null, null]);
    });

    it("sends PYROMETA tags as a list, as Python's set of tags travels", () => {
      expect(URI.parse("PYROMETA:a,b").toJSON().state).to.deep.equal(["PYROMETA", ["a", "b"], null, null, null]);
    });

    it("fromState() rebuilds every form", () => {
      expect(URI.fromState(["PYRO", "calc", null, "127.0.0.1", 34834]).toString()).to.equal("PYRO:calc@127.0.0.1:34834");
      expect(URI.fromState(["PYRO", "x", "/tmp/s", null, null]).toString()).to.equal("PYRO:x@./u:/tmp/s");
      expect(URI.fromState(["PYROMETA", ["b", "a"], null, "h", 9090]).metadata).to.deep.equal(["b", "a"]);
      expect(URI.fromState(["PYROMETA", "a,b", null, null, null]).metadata).to.deep.equal(["a", "b"]);
    });

    it("fromState() refuses malformed states", () => {
      for (const bad of [
        null,
        "PYRO:x@h:1",
        [],
        ["PYRO", "x", null, "h"],
        [1, "x", null, "h", 1],
        ["PYRO", 5, null, "h", 1],
        ["PYRO", "x", null, "h", "1"],
        ["PYRO", "x", 3, null, null],
        ["PYRO", "x", "/s", "h", 1],
        ["PYRO", "x", null, null, null],
        ["FOO", "x", null, "h", 1],
      ]) {
        expect(() => URI.fromState(bad), JSON.stringify(bad)).to.throw(PyroError, /invalid URI/);
      }
    });
  });
});
