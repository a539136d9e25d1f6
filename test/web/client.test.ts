/**
 * The browser client (`@pyrots/web/client`) run in Node, which has the same `fetch`: typed proxies
 * with `Remote<T>`, values, keyword arguments, attributes, streams, errors as classes, batches and
 * the key. The same module runs in a real browser in browser.test.ts.
 */
import { expect } from "chai";
import {
  BadRequestError,
  ForbiddenError,
  GatewayClient,
  GatewayError,
  GatewayStream,
  NotFoundError,
  RemoteError,
  TimeoutError,
  UnreachableError,
  callWithKwargs,
  clientOf,
  fromJsonText,
  gatewayProxy,
  toJsonText,
  withOptions,
} from "@pyrots/web/client";
import type { Gateway } from "@pyrots/web";
import { type CalcApi, seen, startBackend, type WebBackend } from "../support/web.js";
import { waitUntil } from "@pyrots/test-support";

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error("expected the call to fail");
}

describe("browser client (in Node)", () => {
  let backend: WebBackend;
  let gateway: Gateway;
  let base: string;

  before(async () => {
    backend = await startBackend();
    gateway = await backend.gateway({ tracebacks: true });
    base = `${gateway.url}pyro`;
  });
  after(() => backend[Symbol.asyncDispose]());

  it("calls methods through a typed proxy, reads attributes, and is never thenable", async () => {
    const calc = gatewayProxy<CalcApi>(base, "example.calc");
    const sum: number = await calc.add(1, 2);
    expect(sum).to.equal(3);
    expect(await calc.model).to.equal("calc-1");
    expect((calc as unknown as { then?: unknown }).then).to.equal(undefined);
    expect(String(calc)).to.equal("Pyro.GatewayProxy(example.calc)");
    expect(await callWithKwargs(calc, "kw", [1], { c: "x" })).to.deep.equal({ a: 1, b: 10, c: "x" });
    await calc[Symbol.asyncDispose]();
  });

  it("maps values both ways as pyrots' json serializer does", async () => {
    const calc = gatewayProxy<CalcApi>(base, "example.calc");
    const bytes = (await calc.echo(new Uint8Array([0, 1, 254, 255]))) as Uint8Array;
    expect(bytes).to.be.instanceOf(Uint8Array);
    expect([...bytes]).to.deep.equal([0, 1, 254, 255]);
    expect(await calc.big()).to.equal(2n ** 70n);
    expect(await calc.echo(2n ** 64n + 1n)).to.equal(2n ** 64n + 1n);
    expect(await calc.nonFinite()).to.deep.equal([NaN, Infinity, -Infinity]);
    expect(await calc.echo(new Map([["a", new Set([1, 2])]]))).to.deep.equal({ a: [1, 2] });
    expect(await calc.echo({ when: new Date("2026-01-02T03:04:05.000Z"), skipped: undefined })).to.deep.equal({ when: "2026-01-02T03:04:05.000Z" });
    expect(toJsonText({ a: [1, undefined, NaN], b: 3n })).to.equal('{"a":[1,null,NaN],"b":3}');
    expect(fromJsonText('{"x": 12345678901234567890, "y": {"data": "AAE=", "encoding": "base64"}}')).to.deep.equal({
      x: 12345678901234567890n,
      y: new Uint8Array([0, 1]),
    });
  });

  it("iterates remote iterators with for await, and leaving early closes them remotely", async () => {
    const calc = gatewayProxy<CalcApi>(base, "example.calc");
    const ticks: number[] = [];
    for await (const tick of calc.ticks(5)) ticks.push(tick);
    expect(ticks).to.deep.equal([0, 1, 2, 3, 4]);
    // The call is also a promise of the stream itself.
    const stream = await (calc.ticks(2) as unknown as Promise<unknown>);
    expect(stream).to.be.instanceOf(GatewayStream);
    const closed = seen.filter((s) => s === "forever closed").length;
    const early: number[] = [];
    for await (const n of calc.forever()) {
      early.push(n);
      if (early.length === 3) break;
    }
    expect(early).to.deep.equal([0, 1, 2]);
    await waitUntil(() => seen.filter((s) => s === "forever closed").length === closed + 1, 5000, "the remote generator to close");
    const items: number[] = [];
    const error = await rejection(
      (async () => {
        for await (const n of calc.failing()) items.push(n);
      })(),
    );
    expect(items).to.deep.equal([1]);
    expect(error).to.be.instanceOf(RemoteError);
    expect(error.remoteType).to.equal("builtins.ValueError");
  });

  it("raises errors as classes with remoteType and remoteTraceback", async () => {
    const calc = gatewayProxy<CalcApi>(base, "example.calc");
    const remote = await rejection(calc.divide(1, 0));
    expect(remote).to.be.instanceOf(RemoteError);
    expect(remote).to.include({ status: 500, kind: "remote-exception", remoteType: "builtins.ZeroDivisionError", message: "division by zero" });
    expect(remote.remoteTraceback!.join("")).to.include("ZeroDivisionError");
    expect(remote.correlationId).to.match(/^[0-9a-f-]{36}$/);
    const missing = await rejection(gatewayProxy<{ add(a: number, b: number): number }>(base, "example.none").add(1, 1));
    expect(missing).to.be.instanceOf(NotFoundError);
    expect(missing.remoteType).to.equal("Pyro4.errors.NamingError");
    expect(await rejection(withOptions(calc, { timeout: 0.1 }).slow(2000))).to.be.instanceOf(TimeoutError);
    expect(await rejection(callWithKwargs(calc, "add", [], { "": 1 }))).to.be.instanceOf(RemoteError);
    const tooBig = await rejection(new GatewayClient(base).call("example.calc", "echo", ["x".repeat(2 * 1024 * 1024)]));
    expect(tooBig).to.be.instanceOf(BadRequestError);
    expect(tooBig.status).to.equal(413);
    const nowhere = await rejection(gatewayProxy<CalcApi>("http://127.0.0.1:1/pyro", "example.calc").add(1, 1));
    expect(nowhere).to.be.instanceOf(UnreachableError);
    expect(nowhere.status).to.equal(0);
  });

  it("sends the key, and fails with ForbiddenError without it", async () => {
    const locked = await backend.gateway({ gatewayKey: "k" });
    const calc = gatewayProxy<CalcApi>(`${locked.url}pyro`, "example.calc", { key: "k" });
    expect(await calc.add(2, 3)).to.equal(5);
    expect(await rejection(gatewayProxy<CalcApi>(`${locked.url}pyro`, "example.calc").add(2, 3))).to.be.instanceOf(ForbiddenError);
  });

  it("reads members, pings, lists names and statistics, and runs batches", async () => {
    const client = clientOf(gatewayProxy<CalcApi>(base, "example.calc"));
    expect((await client.meta("example.calc")).attributes).to.deep.equal(["model"]);
    expect(await client.ping("example.calc")).to.be.a("number");
    expect((await client.names()).names.map((n) => n.name)).to.deep.equal(["example.calc"]);
    expect((await client.stats()).objects.map((o) => o.name)).to.include("example.calc");
    const results = await client.batch([
      { name: "example.calc", method: "add", args: [1, 2] },
      { name: "example.calc", method: "divide", args: [1, 0] },
    ]);
    expect(results[0]).to.deep.equal({ ok: true, value: 3 });
    expect(results[1]!.ok).to.equal(false);
    await client.call("example.calc", "note", ["client oneway"], {}, { oneway: true });
    await waitUntil(() => seen.includes("note client oneway"), 5000, "the oneway note");
  });
});
