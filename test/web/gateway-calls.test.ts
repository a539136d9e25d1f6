/**
 * pyro-httpgateway over real HTTP, in front of a pyrots daemon and name server in this process:
 * argument and result types, keyword arguments in every form Pyro's gateway takes them,
 * attributes, `$meta`, `$ping`, `$names`, oneway calls, correlation ids, batches and statistics.
 */
import { expect } from "chai";
import type { CallEvent, CallStart } from "@pyrots/web";
import { backendForSuite, http, post, seen } from "../support/web.js";
import { waitUntil } from "@pyrots/test-support";

describe("gateway: calls over HTTP", () => {
  const suite = backendForSuite(async (backend) => {
    await backend.register("example.other", "other", ["calc", "spare"]);
    await backend.register("private.calc", "private");
  });

  it("calls a method with typed JSON arguments and answers its result", async () => {
    const answer = await post(suite.gateway, "example.calc", "add", [1, 2]);
    expect(answer.status).to.equal(200);
    expect(answer.headers.get("content-type")).to.equal("application/json; charset=utf-8");
    expect(answer.json).to.equal(3);
  });

  it("round-trips values as pyrots' json serializer maps them", async () => {
    const value = { text: "héllo ✓", n: -1.5, flag: true, none: null, list: [1, [2, [3]]], nested: { a: { b: "c" } } };
    expect((await post(suite.gateway, "example.calc", "echo", [value])).json).to.deep.equal(value);
    // Bytes travel as base64 dicts both ways (and arrive in the daemon as bytes: the result is 3 bytes).
    const bytes = await post(suite.gateway, "example.calc", "echo", [{ data: Buffer.from([1, 2, 255]).toString("base64"), encoding: "base64" }]);
    expect(bytes.json).to.deep.equal({ data: "AQL/", encoding: "base64" });
    expect((await post(suite.gateway, "example.calc", "bytes", [4])).json).to.deep.equal({ data: "BwcHBw==", encoding: "base64" });
    // Integers beyond 2^53 and non-finite floats are written as Python writes them.
    expect((await post(suite.gateway, "example.calc", "big")).text).to.equal("1180591620717411303424");
    expect((await post(suite.gateway, "example.calc", "nonFinite")).text).to.equal("[NaN,Infinity,-Infinity]");
    const big = await http(`${suite.gateway.url}pyro/example.calc/echo`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"args": [123456789012345678901234567890]}',
    });
    expect(big.text).to.equal("123456789012345678901234567890");
  });

  it("takes keyword arguments from a JSON body, $kwargs, query parameters and forms", async () => {
    expect((await post(suite.gateway, "example.calc", "kw", [1], { c: 3 })).json).to.deep.equal({ a: 1, b: 10, c: 3 });
    const query = await http(`${suite.gateway.url}pyro/example.calc/kw?a=x&c=z`);
    // Pyro's gateway passes query parameters as text keyword arguments.
    expect(query.json).to.deep.equal({ a: "x", b: 10, c: "z" });
    const typed = await http(`${suite.gateway.url}pyro/example.calc/kw?$args=${encodeURIComponent("[1,[2]]")}&$kwargs=${encodeURIComponent('{"c":null}')}`);
    expect(typed.json).to.deep.equal({ a: 1, b: [2], c: null });
    const repeated = await http(`${suite.gateway.url}pyro/example.calc/echo?value=1&value=2`);
    expect(repeated.json).to.deep.equal(["1", "2"]);
    const form = await http(`${suite.gateway.url}pyro/example.calc/kw`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "a=one&b=two",
    });
    expect(form.json).to.deep.equal({ a: "one", b: "two", c: 100 });
  });

  it("reads attributes with GET (Pyro's gateway URL) and with X-Pyro-Options: attribute", async () => {
    expect((await http(`${suite.gateway.url}pyro/example.calc/model`)).json).to.equal("calc-1");
    expect((await http(`${suite.gateway.url}pyro/example.calc/model`, { headers: { "X-Pyro-Options": "attribute" } })).json).to.equal("calc-1");
    const notAttribute = await http(`${suite.gateway.url}pyro/example.calc/add`, { headers: { "X-Pyro-Options": "attribute" } });
    expect(notAttribute.status).to.equal(404);
    expect(notAttribute.json.message).to.equal("example.calc has no exposed attribute 'add' (it is a method)");
    const withArgs = await http(`${suite.gateway.url}pyro/example.calc/model?x=1`);
    expect(withArgs.status).to.equal(400);
  });

  it("answers $meta with the methods, attributes and oneway methods", async () => {
    const meta = await http(`${suite.gateway.url}pyro/example.calc/$meta`);
    expect(meta.status).to.equal(200);
    expect(meta.json.attributes).to.deep.equal(["model"]);
    expect(meta.json.oneway).to.deep.equal(["note"]);
    expect(meta.json.methods).to.include.members(["add", "echo", "ticks", "note", "divide"]);
    expect(meta.headers.get("x-pyro-correlation-id")).to.match(/^[0-9a-f-]{36}$/);
  });

  it("pings an object's daemon with $ping", async () => {
    const ping = await http(`${suite.gateway.url}pyro/example.calc/$ping`);
    expect(ping.status).to.equal(200);
    expect(ping.json.ok).to.equal(true);
    expect(ping.json.ms).to.be.a("number").and.at.least(0);
  });

  it("lists the exposed names with URIs and metadata in $names (and nothing else)", async () => {
    const names = await http(`${suite.gateway.url}pyro/$names`);
    expect(names.status).to.equal(200);
    expect(names.json.nameserver).to.equal(String(suite.backend.ns.uri));
    expect(names.json.pattern).to.equal("example\\.");
    expect(names.json.names).to.deep.equal([
      { name: "example.calc", uri: String(suite.backend.daemon.uriFor("calc")), metadata: ["calc"] },
      { name: "example.other", uri: String(suite.backend.daemon.uriFor("other")), metadata: ["calc", "spare"] },
    ]);
    expect(names.json.total).to.equal(2);
  });

  it("runs oneway methods without waiting, declared or asked for with X-Pyro-Options", async () => {
    const declared = await post(suite.gateway, "example.calc", "note", ["from http"]);
    expect(declared.status).to.equal(200);
    expect(declared.text).to.equal("");
    await waitUntil(() => seen.includes("note from http"), 5000, "the oneway note");
    const started = Date.now();
    const forced = await post(suite.gateway, "example.calc", "slow", [400], {}, { "X-Pyro-Options": "oneway" });
    expect(forced.status).to.equal(200);
    expect(forced.text).to.equal("");
    expect(Date.now() - started, "the answer came before the call finished").to.be.below(350);
    await waitUntil(() => seen.includes("slow(400) done"), 5000, "the forced oneway call");
  });

  it("uses the client's correlation id (normalized) and makes one otherwise", async () => {
    const given = await post(suite.gateway, "example.calc", "add", [1, 1], {}, { "X-Pyro-Correlation-Id": "{11112222-1111-2222-3333-22224444999A}" });
    expect(given.headers.get("x-pyro-correlation-id")).to.equal("11112222-1111-2222-3333-22224444999a");
    const made = await post(suite.gateway, "example.calc", "add", [1, 1]);
    expect(made.headers.get("x-pyro-correlation-id")).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const invalid = await post(suite.gateway, "example.calc", "add", [1, 1], {}, { "X-Pyro-Correlation-Id": "not-a-uuid" });
    expect(invalid.status).to.equal(400);
  });

  it("runs a batch in order, each result on its own", async () => {
    const answer = await http(`${suite.gateway.url}pyro/$batch`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        calls: [
          { name: "example.calc", method: "add", args: [2, 3] },
          { name: "example.calc", method: "divide", args: [1, 0] },
          { name: "example.other", method: "model", attribute: true },
          { name: "private.calc", method: "add", args: [1, 1] },
          { name: "example.calc", method: "note", args: ["batched"] },
          { name: "example.calc", method: "ticks", args: [3] },
        ],
      }),
    });
    expect(answer.status).to.equal(200);
    const [sum, divided, model, hidden, note, ticks] = answer.json.results;
    expect(sum).to.deep.equal({ ok: true, value: 5 });
    expect(divided.ok).to.equal(false);
    expect(divided.error).to.include({ error: "remote-exception", status: 500, type: "builtins.ZeroDivisionError", message: "division by zero" });
    expect(model).to.deep.equal({ ok: true, value: "calc-1" });
    expect(hidden.error).to.include({ error: "not-found", status: 404 });
    expect(note).to.deep.equal({ ok: true });
    expect(ticks.error).to.include({ error: "bad-request" });
    // The generator never started, so its finally block never runs: the daemon's stream count says it was closed.
    await waitUntil(() => suite.backend.daemon.stats.streams === 0, 5000, "the batched stream to be closed");
  });

  it("refuses malformed batches", async () => {
    const tooMany = await http(`${suite.gateway.url}pyro/$batch`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ calls: Array.from({ length: 101 }, () => ({ name: "example.calc", method: "add", args: [1, 1] })) }),
    });
    expect(tooMany.status).to.equal(400);
    expect(tooMany.json.message).to.equal("a batch may hold at most 100 calls, got 101");
    for (const body of ['{"calls": 1}', '{"calls": [{"name": "example.calc"}]}', '{"calls": [{"name": "example.calc", "method": "add", "extra": 1}]}', "[]"]) {
      const answer = await http(`${suite.gateway.url}pyro/$batch`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
      expect(answer.status, body).to.equal(400);
    }
  });

  it("keeps call statistics per object in $stats", async () => {
    const fresh = await suite.backend.gateway();
    for (let i = 0; i < 5; i++) await post(fresh, "example.calc", "add", [i, i]);
    await post(fresh, "example.calc", "divide", [1, 0]);
    await http(`${fresh.url}pyro/example.calc/$ping`);
    await post(fresh, "example.nothing", "add", [1, 1]);
    const stats = await http(`${fresh.url}pyro/$stats`);
    expect(stats.status).to.equal(200);
    expect(stats.json.window).to.equal(60);
    expect(stats.json.objects).to.have.length(1);
    const [calc] = stats.json.objects;
    expect(calc).to.include({ name: "example.calc", calls: 6, errors: 1, totalCalls: 6, totalErrors: 1 });
    expect(calc.p50).to.be.a("number").and.above(0);
    expect(calc.p99).to.be.at.least(calc.p50);
    expect(calc.callsPerSecond).to.be.above(0);
    expect(calc.lastError).to.include({ kind: "remote-exception", method: "divide" });
  });

  it("passes the correlation id to the daemon, and lets observers and a tracer see every call", async () => {
    const events: CallEvent[] = [];
    const starts: CallStart[] = [];
    const ended: CallEvent[] = [];
    const traced = await suite.backend.gateway({
      observers: [{ callFinished: (e) => events.push(e) }],
      tracer: {
        startCall(start) {
          starts.push(start);
          return { annotations: { TRCE: `trace for ${start.method}` }, end: (e) => ended.push(e) };
        },
      },
    });
    const id = "0b6e0d1c-3b59-4f3a-9a8e-3f5a1d4c2b10";
    const answer = await post(traced, "example.calc", "context", [], {}, { "X-Pyro-Correlation-Id": id, traceparent: "00-abc-def-01" });
    expect(answer.json).to.deep.equal({ correlationId: id, annotations: { TRCE: "trace for context" } });
    await post(traced, "example.calc", "divide", [1, 0]);
    await post(traced, "example.nothing", "add", [1, 1]);
    expect(starts.map((s) => [s.name, s.method, s.kind, s.correlationId === id])).to.deep.equal([
      ["example.calc", "context", "call", true],
      ["example.calc", "divide", "call", false],
    ]);
    expect(starts[0]!.headers.traceparent).to.equal("00-abc-def-01");
    expect(events.map((e) => [e.name, e.method, e.kind, e.status, e.ok, e.error])).to.deep.equal([
      ["example.calc", "context", "call", 200, true, undefined],
      ["example.calc", "divide", "call", 500, false, "remote-exception"],
    ]);
    expect(ended).to.deep.equal(events);
    expect(events[0]!.durationMs).to.be.a("number").and.above(0);
  });
});
