/**
 * Parsing what HTTP clients send, without a server: routes, URL parameters and controls, the JSON
 * depth scan and body parsing, and the option checks.
 */
import { expect } from "chai";
import {
  jsonDepth,
  parseJson,
  GatewayError,
  GatewayOptionError,
  gatewaySettings,
  normalizePrefix,
  bodyArguments,
  mergeKwargs,
  requestControls,
  splitParameters,
  routeOf,
} from "@pyrots/web/internal";

function gatewayError(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error("expected a GatewayError");
}

describe("gateway request parsing", () => {
  it("routes paths under the prefix; the last slash separates name and member", () => {
    expect(routeOf("/gw/pyro/a.b/c", "/gw")).to.deep.equal({ kind: "member", name: "a.b", member: "c" });
    expect(routeOf("/pyro/a%2Fb/get", "")).to.deep.equal({ kind: "member", name: "a/b", member: "get" });
    expect(routeOf("/pyro/x/y/z", "")).to.deep.equal({ kind: "member", name: "x/y", member: "z" });
    expect(routeOf("/pyro/n/%24meta", "")).to.deep.equal({ kind: "meta", name: "n" });
    expect(routeOf("/pyro/n/$ping", "")).to.deep.equal({ kind: "ping", name: "n" });
    expect(routeOf("/pyro/$batch", "")).to.deep.equal({ kind: "batch" });
    expect(routeOf("/pyro/$client/client.js", "")).to.deep.equal({ kind: "client", file: "client.js" });
    expect(routeOf("/gw", "/gw")).to.deep.equal({ kind: "redirect", location: "/gw/console/" });
    expect(routeOf("/gw/console/", "/gw")).to.deep.equal({ kind: "console", file: "index.html" });
    for (const path of ["/gwx/pyro/a/b", "/pyro/a/b", "/gw/pyro/a", "/gw/pyro/a/", "/gw/pyro//b", "/gw/other"]) {
      expect(gatewayError(() => routeOf(path, "/gw")).kind, path).to.equal("not-found");
    }
    expect(gatewayError(() => routeOf("/pyro/a/%E0%A4%A", "")).kind).to.equal("bad-request");
    expect(gatewayError(() => routeOf("/pyro/a/$other", "")).message).to.equal('unknown gateway function "$other" (known: $meta, $ping)');
  });

  it("splits URL parameters into controls and text keyword arguments", () => {
    const { controls, kwargs } = splitParameters(new URLSearchParams("a=1&b=2&a=3&$key=k&__proto__=x&constructor=y"), "query");
    expect([...controls]).to.deep.equal([["$key", "k"]]);
    expect(kwargs).to.deep.equal({ a: ["1", "3"], b: "2", ["__proto__"]: "x", constructor: "y" });
    expect(Object.getPrototypeOf(kwargs)).to.equal(Object.prototype);
    expect(({} as Record<string, unknown>).x, "no prototype was touched").to.equal(undefined);
    expect(gatewayError(() => splitParameters(new URLSearchParams("$nope=1"), "query")).message).to.match(/^unknown query control "\$nope"/);
    expect(gatewayError(() => splitParameters(new URLSearchParams("$key=1&$key=2"), "query")).message).to.equal("query control $key given twice");
    expect(gatewayError(() => mergeKwargs({ a: 1 }, { a: 2 })).message).to.equal('keyword argument "a" given twice');
  });

  it("reads the controls from headers and parameters", () => {
    const controls = requestControls(
      { "x-pyro-options": "Oneway, other", "x-pyro-correlation-id": "11112222111122223333222244449999", "x-pyro-timeout": "2.5", accept: "text/event-stream" },
      new Map([["$key", "k"]]),
    );
    expect(controls).to.deep.equal({
      key: "k",
      oneway: true,
      attribute: false,
      timeout: 2.5,
      correlationId: "11112222-1111-2222-3333-222244449999",
      stream: "sse",
    });
    expect(requestControls({ "x-pyro-gateway-key": "h" }, new Map([["$key", "q"]])).key, "the header wins").to.equal("h");
    for (const timeout of ["0", "-1", "1e3", "NaN", "soon"])
      expect(gatewayError(() => requestControls({ "x-pyro-timeout": timeout }, new Map())).kind).to.equal("bad-request");
  });

  it("measures JSON depth outside strings and stops early", () => {
    expect(jsonDepth(Buffer.from("1"), 10)).to.equal(0);
    expect(jsonDepth(Buffer.from('[{"a": [1]}]'), 10)).to.equal(3);
    expect(jsonDepth(Buffer.from('["[[[[", "\\"[[[["]'), 10)).to.equal(1);
    expect(jsonDepth(Buffer.from("[".repeat(1_000_000)), 64)).to.equal(65);
  });

  it("parses bodies as pyrots' json serializer does, within the depth limit", () => {
    expect(parseJson(Buffer.from('{"args": [NaN, 12345678901234567890, {"data": "AAE=", "encoding": "base64"}]}'), 8, "body")).to.deep.equal({
      args: [NaN, 12345678901234567890n, Buffer.from([0, 1])],
    });
    const proto = parseJson(Buffer.from('{"__proto__": {"polluted": true}}'), 8, "body") as Record<string, unknown>;
    expect(Object.keys(proto)).to.deep.equal(["__proto__"]);
    expect(Object.getPrototypeOf(proto)).to.equal(Object.prototype);
    expect(gatewayError(() => parseJson(Buffer.from("[[[[1]]]]"), 3, "the body")).message).to.equal("the body is nested deeper than 3 levels");
    expect(gatewayError(() => parseJson(Buffer.from('{"a":'), 3, "the body")).message).to.match(/^the body is not valid JSON/);
    expect(gatewayError(() => bodyArguments({ args: [], extra: 1 })).message).to.equal('unknown field "extra" in the JSON body (expected "args" and "kwargs")');
  });

  it("checks options: prefix, CORS origins, expose pattern", () => {
    expect(normalizePrefix("")).to.equal("");
    expect(normalizePrefix("/")).to.equal("");
    expect(normalizePrefix("a/b/")).to.equal("/a/b");
    for (const bad of ["/a b", "/a/../b", "/a//b", "/%zz?"]) expect(() => normalizePrefix(bad), bad).to.throw(GatewayOptionError);
    const settings = gatewaySettings();
    expect(settings.exposeMatcher.test("http.thing")).to.equal(true);
    expect(settings.exposeMatcher.test("https.thing")).to.equal(false);
    expect(settings.exposeMatcher.test("x.http.thing")).to.equal(false);
    expect(settings.proxyOptions).to.include({ serializer: "json", poolSize: 8 });
    expect(() => gatewaySettings({ expose: "" })).to.throw(GatewayOptionError, "to expose every name say so");
    expect(() => gatewaySettings({ cors: ["https://a.example/path"] })).to.throw(GatewayOptionError, "must be scheme://host[:port] only");
    expect(gatewaySettings({ cors: ["https://a.example/"] }).cors).to.deep.equal(["https://a.example"]);
    expect(() => gatewaySettings({ gatewayKey: "" })).to.throw(GatewayOptionError);
    expect(() => gatewaySettings({ maxBody: 0 })).to.throw(GatewayOptionError);
  });
});
