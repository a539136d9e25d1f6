/**
 * Failures through the gateway and their status codes: remote exceptions (with the traceback only
 * when enabled), unknown names, members and paths, malformed requests, timeouts, unreachable
 * daemons and name servers.
 */
import { expect } from "chai";
import net from "node:net";
import { startNameServer } from "@pyrots/nameserver";
import { backendForSuite, http, post } from "../support/web.js";

/** A TCP port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((done) => server.close(done));
  return port;
}

describe("gateway: errors and status codes", () => {
  const suite = backendForSuite();

  it("answers a remote exception with 500, its type, message and args, and no traceback by default", async () => {
    const answer = await post(suite.gateway, "example.calc", "divide", [1, 0]);
    expect(answer.status).to.equal(500);
    expect(answer.json).to.deep.equal({
      error: "remote-exception",
      status: 500,
      type: "builtins.ZeroDivisionError",
      message: "division by zero",
      args: ["division by zero"],
      attributes: {},
      __class__: "builtins.ZeroDivisionError",
      __exception__: true,
    });
    const jsError = await post(suite.gateway, "example.calc", "kw", [], { nope: 1 });
    expect(jsError.status).to.equal(500);
    expect(jsError.json.type).to.equal("builtins.TypeError");
    expect(jsError.json.message).to.equal("kw() got an unexpected keyword argument 'nope'");
  });

  it("sends the remote traceback when tracebacks are enabled", async () => {
    const verbose = await suite.backend.gateway({ tracebacks: true });
    const answer = await post(verbose, "example.calc", "divide", [1, 0]);
    expect(answer.status).to.equal(500);
    expect(answer.json.traceback).to.be.an("array").that.is.not.empty;
    expect(answer.json.traceback.join("")).to.include("ZeroDivisionError: division by zero");
  });

  it("answers 404 for unknown names, names outside the expose pattern, unknown members and paths", async () => {
    await suite.backend.register("secret.calc", "secret");
    const cases: [string, string][] = [
      ["pyro/example.nothing/add", "unknown name: example.nothing"],
      ["pyro/secret.calc/add", "unknown name: secret.calc"],
      [
        "pyro/example.calc/nope",
        "example.calc has no exposed method 'nope' (it has: add, big, bytes, context, divide, echo, failing, forever, kw, model, nonFinite, note, slow, ticks, whoami)",
      ],
      ["pyro/example.calc/_private", "example.calc has no exposed method '_private'"],
      ["pyro/example.calc/$nope", 'unknown gateway function "$nope" (known: $meta, $ping)'],
      ["pyro/example.calc", "nothing here: /pyro/example.calc (calls go to <prefix>/pyro/<name>/<method>)"],
      ["elsewhere", "nothing here: /elsewhere (calls go to <prefix>/pyro/<name>/<method>)"],
    ];
    for (const [path, message] of cases) {
      const answer = await http(`${suite.gateway.url}${path}`);
      expect(answer.status, path).to.equal(404);
      expect(answer.json.error, path).to.equal("not-found");
      expect(answer.json.message, path).to.satisfy((m: string) => m.startsWith(message));
    }
    // An unexposed name gets exactly the answer an unknown one gets: nothing tells them apart.
    const hidden = await http(`${suite.gateway.url}pyro/secret.calc/add`);
    const unknown = await http(`${suite.gateway.url}pyro/secret.nothing/add`);
    expect(hidden.json.message.replace("secret.calc", "X")).to.equal(unknown.json.message.replace("secret.nothing", "X"));
  });

  it("answers 400 for malformed bodies, arguments and controls", async () => {
    const url = `${suite.gateway.url}pyro/example.calc/add`;
    const json = { "Content-Type": "application/json" };
    const cases: [RequestInit | string, string][] = [
      [{ method: "POST", headers: json, body: "{" }, "the JSON body is not valid JSON"],
      [{ method: "POST", headers: json, body: "[1, 2]" }, 'JSON body must be an object {"args": [...], "kwargs": {...}}'],
      [{ method: "POST", headers: json, body: '{"args": {"a": 1}}' }, '"args" must be a JSON array of positional arguments'],
      [{ method: "POST", headers: json, body: '{"kwargs": [1]}' }, '"kwargs" must be a JSON object of keyword arguments'],
      [{ method: "POST", headers: json, body: '{"arguments": [1]}' }, 'unknown field "arguments" in the JSON body (expected "args" and "kwargs")'],
      [{ method: "POST", headers: json, body: '{"__class__": "Pyro4.core.URI", "state": ["PYRO", "x", null, "h", 1]}' }, "JSON body must be an object"],
      [`${url}?$args=[1`, "$args is not valid JSON"],
      [`${url}?$what=1`, 'unknown query control "$what"'],
      [`${url}?a=1&$kwargs=${encodeURIComponent('{"a": 2}')}`, 'keyword argument "a" given twice'],
      [`${url}?$timeout=-1`, "timeout must be a positive number of seconds"],
      [`${url}?$stream=xml`, "$stream must be ndjson or sse"],
      [`${suite.gateway.url}pyro/example.calc/%E0%A4%A`, "the URL path has an invalid percent-encoding"],
    ];
    for (const [request, message] of cases) {
      const answer = typeof request === "string" ? await http(request) : await http(url, request);
      expect(answer.status, message).to.equal(400);
      expect(answer.json.error).to.equal("bad-request");
      expect(answer.json.message, message).to.satisfy((m: string) => m.startsWith(message));
    }
  });

  it("answers 405 for other HTTP methods and 415 for other media types", async () => {
    const put = await http(`${suite.gateway.url}pyro/example.calc/add`, { method: "PUT" });
    expect(put.status).to.equal(405);
    expect(put.headers.get("allow")).to.equal("GET, POST, OPTIONS");
    const text = await http(`${suite.gateway.url}pyro/example.calc/add`, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "[1,2]" });
    expect(text.status).to.equal(415);
    expect(text.json.error).to.equal("unsupported-media-type");
  });

  it("answers 504 when a call outlasts the client's or the gateway's timeout", async () => {
    const started = Date.now();
    const asked = await post(suite.gateway, "example.calc", "slow", [1500], {}, { "X-Pyro-Timeout": "0.2" });
    expect(asked.status).to.equal(504);
    expect(asked.json).to.include({ error: "timeout", type: "Pyro4.errors.TimeoutError", message: "the call did not finish within its timeout" });
    expect(Date.now() - started).to.be.below(1400);
    const strict = await suite.backend.gateway({ timeout: 0.2 });
    // A client cannot ask for more than the gateway allows.
    expect((await post(strict, "example.calc", "slow", [1500], {}, { "X-Pyro-Timeout": "60" })).status).to.equal(504);
    expect((await post(strict, "example.calc", "slow", [10])).json).to.equal(10);
  });

  it("answers 502 when the object's daemon cannot be reached", async () => {
    await suite.backend.ns.nameserver.register("example.gone", `PYRO:gone@127.0.0.1:${await closedPort()}`);
    const answer = await post(suite.gateway, "example.gone", "add", [1, 1]);
    expect(answer.status).to.equal(502);
    expect(answer.json).to.include({ error: "unreachable", message: "the object's daemon could not be reached" });
    expect(answer.json.detail, "internal details only with tracebacks on").to.equal(undefined);
    const verbose = await suite.backend.gateway({ tracebacks: true });
    expect((await post(verbose, "example.gone", "add", [1, 1])).json.detail).to.match(/127\.0\.0\.1/);
  });

  it("answers 502 when the name server cannot be reached, and recovers when it is back", async () => {
    const port = await closedPort();
    const lonely = await suite.backend.gateway({ nameServer: { host: "127.0.0.1", port } });
    const answer = await post(lonely, "example.calc", "add", [1, 1]);
    expect(answer.status).to.equal(502);
    expect(answer.json).to.include({ error: "nameserver-unreachable", message: "the name server could not be reached" });
    const names = await http(`${lonely.url}pyro/$names`);
    expect(names.status).to.equal(502);
    await using late = await startNameServer({ host: "127.0.0.1", port, broadcast: false, mdns: false });
    await late.nameserver.register("example.calc", suite.backend.daemon.uriFor("calc"));
    expect((await post(lonely, "example.calc", "add", [1, 1])).json).to.equal(2);
  });
});
