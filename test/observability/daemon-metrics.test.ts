/**
 * A daemon's Prometheus metrics, scraped over HTTP from `serveMetrics` after known traffic over
 * real sockets: calls, errors by remote type, oneway errors (counted and reported), latency
 * histogram counts, connections, remote iterators and calls in flight back to 0 once the clients
 * leave, traffic in bytes; and label sets that stay bounded whatever clients ask for.
 */
import { expect } from "chai";
import { Daemon, Proxy, PythonError, type Remote, expose, oneway, release } from "@pyrots/core";
import { coreOf } from "@pyrots/core/internal";
import { type MetricsEndpoint, prometheusMetrics, serveMetrics } from "@pyrots/observability";
import { parseExposition, scrape, scrapeUntil } from "../support/prometheus.js";

@expose
class Shop {
  add(a: number, b: number): number {
    return a + b;
  }
  async slowAdd(a: number, b: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return a + b;
  }
  fail(): never {
    throw new RangeError("bad value");
  }
  failNamed(): never {
    throw new PythonError("shop.OutOfStock", "none left");
  }
  @oneway boom(): void {
    throw new Error("oneway boom");
  }
  @oneway async lateBoom(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    throw new TypeError("late boom");
  }
  *items(n: number): Generator<number> {
    for (let i = 0; i < n; i++) yield i;
  }
  unsendable(): unknown {
    return { handler: () => 1 };
  }
  async lateUnsendable(): Promise<unknown> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return { handler: () => 1 };
  }
}

interface ShopApi {
  add(a: number, b: number): number;
  slowAdd(a: number, b: number): Promise<number>;
  fail(): void;
  failNamed(): void;
  boom(): void;
  lateBoom(): void;
  items(n: number): Iterable<number>;
  unsendable(): unknown;
  lateUnsendable(): Promise<unknown>;
}

const CALLS = "pyrots_daemon_calls_total";
const ERRORS = "pyrots_daemon_call_errors_total";

describe("daemon metrics (Prometheus, scraped over HTTP)", function () {
  this.timeout(60_000);

  it("counts calls, errors by type, oneway errors and latency; gauges return to 0 when clients leave", async () => {
    const metrics = await prometheusMetrics();
    const onewayFailures: string[] = [];
    const daemon = await Daemon.create({ host: "127.0.0.1", instruments: [metrics], onOnewayError: (method) => onewayFailures.push(method) });
    let endpoint: MetricsEndpoint | undefined;
    try {
      endpoint = await serveMetrics(metrics, { host: "127.0.0.1", port: 0 });
      const uri = daemon.register(Shop, "shop");
      const proxies = [0, 1, 2].map(() => new Proxy<ShopApi>(uri));
      const [a, b, c] = proxies as [Remote<ShopApi>, Remote<ShopApi>, Remote<ShopApi>];
      for (let i = 0; i < 10; i++) expect(await a.add(i, 1)).to.equal(i + 1);
      expect(await Promise.all([1, 2, 3, 4, 5].map((i) => b.slowAdd(i, i)))).to.deep.equal([2, 4, 6, 8, 10]);
      for (let i = 0; i < 3; i++) await c.fail().catch(() => undefined);
      for (let i = 0; i < 2; i++) await c.failNamed().catch(() => undefined);
      await a.boom();
      await a.boom();
      await a.lateBoom();
      const stream = a.items(100)[Symbol.asyncIterator]();
      expect((await stream.next()).value).to.equal(0);
      expect((await stream.next()).value).to.equal(1);

      const busy = await scrapeUntil(endpoint.url, (s) => s.sum("pyrots_daemon_oneway_errors_total") === 3);
      expect(busy.value(CALLS, { object: "shop", method: "add", outcome: "ok" })).to.equal(10);
      expect(busy.value(CALLS, { object: "shop", method: "slowAdd", outcome: "ok" })).to.equal(5);
      expect(busy.value(CALLS, { object: "shop", method: "fail", outcome: "error" })).to.equal(3);
      expect(busy.value(CALLS, { object: "shop", method: "items", outcome: "ok" })).to.equal(1);
      // Between pyrots peers items come in batches that grow: item 0 alone, then items 1 and 2.
      expect(busy.value(CALLS, { object: "Pyro.Daemon", method: "get_next_stream_items", outcome: "ok" })).to.equal(2);
      expect(busy.value(ERRORS, { object: "shop", method: "fail", type: "builtins.ValueError" })).to.equal(3);
      expect(busy.value(ERRORS, { object: "shop", method: "failNamed", type: "shop.OutOfStock" })).to.equal(2);
      expect(busy.value("pyrots_daemon_oneway_errors_total", { object: "shop", method: "boom", type: "builtins.Exception" })).to.equal(2);
      expect(busy.value("pyrots_daemon_oneway_errors_total", { object: "shop", method: "lateBoom", type: "builtins.TypeError" })).to.equal(1);
      expect(busy.value("pyrots_daemon_call_duration_seconds_count", { object: "shop", method: "add" })).to.equal(10);
      expect(busy.value("pyrots_daemon_call_duration_seconds_count", { object: "shop", method: "slowAdd" })).to.equal(5);
      // slowAdd sleeps 5 ms: all five are above the 2.5 ms bucket, none within 0.5 ms.
      expect(busy.value("pyrots_daemon_call_duration_seconds_bucket", { object: "shop", method: "slowAdd", le: "0.0025" })).to.equal(0);
      expect(busy.value("pyrots_daemon_call_duration_seconds_sum", { object: "shop", method: "slowAdd" })).to.be.greaterThan(0.02);
      expect(busy.value("pyrots_daemon_connections")).to.equal(3);
      expect(busy.value("pyrots_daemon_remote_iterators")).to.equal(1);
      expect(busy.value("pyrots_daemon_calls_in_flight")).to.equal(0);
      expect(busy.value("pyrots_daemon_received_bytes_total")).to.be.greaterThan(1000);
      expect(busy.value("pyrots_daemon_sent_bytes_total")).to.be.greaterThan(1000);
      expect(onewayFailures.sort()).to.deep.equal(["boom", "boom", "lateBoom"]);

      await stream.return!();
      for (const proxy of proxies) release(proxy);
      const idle = await scrapeUntil(endpoint.url, (s) => s.value("pyrots_daemon_connections") === 0 && s.value("pyrots_daemon_remote_iterators") === 0);
      expect(idle.value("pyrots_daemon_connections")).to.equal(0);
      expect(idle.value("pyrots_daemon_remote_iterators")).to.equal(0);
      expect(idle.value("pyrots_daemon_sessions")).to.equal(0);
      const received = idle.value("pyrots_daemon_received_bytes_total");
      expect(received).to.be.at.least(busy.value("pyrots_daemon_received_bytes_total"));

      await daemon.shutdown();
      const after = await scrape(endpoint.url);
      expect(after.value("pyrots_daemon_received_bytes_total"), "a stopped daemon's traffic stays counted").to.equal(received);
      expect(after.value(CALLS, { object: "shop", method: "add", outcome: "ok" })).to.equal(10);
    } finally {
      await endpoint?.close();
      await daemon.shutdown();
    }
  });

  it("counts a call whose result could not be sent as an error, with the error its caller got", async () => {
    const metrics = await prometheusMetrics();
    await using daemon = await Daemon.create({ host: "127.0.0.1", instruments: [metrics] });
    const endpoint = await serveMetrics(metrics, { host: "127.0.0.1", port: 0 });
    try {
      await using proxy = new Proxy<ShopApi>(daemon.register(Shop, "shop"));
      for (const call of [() => proxy.unsendable(), () => proxy.lateUnsendable()]) {
        const error = await call().then(
          () => undefined,
          (failure: unknown) => failure,
        );
        expect(String(error)).to.match(/cannot send result\.handler: a function/);
      }
      const scraped = await scrapeUntil(endpoint.url, (s) => s.sum(CALLS) === 2);
      for (const method of ["unsendable", "lateUnsendable"]) {
        expect(scraped.value(CALLS, { object: "shop", method, outcome: "error" }), method).to.equal(1);
        expect(scraped.sum(CALLS, { object: "shop", method, outcome: "ok" }), method).to.equal(0);
        expect(scraped.value(ERRORS, { object: "shop", method, type: "Pyro4.errors.SerializeError" }), method).to.equal(1);
      }
    } finally {
      await endpoint.close();
    }
  });

  it("keeps label sets bounded: 10,000 made-up methods and 1,000 made-up objects are one <unknown> each", async () => {
    const metrics = await prometheusMetrics();
    const onewayFailures: string[] = [];
    await using daemon = await Daemon.create({ host: "127.0.0.1", instruments: [metrics], onOnewayError: (method) => onewayFailures.push(method) });
    const uri = daemon.register(Shop, "shop");
    await using proxy = new Proxy<ShopApi>(uri);
    expect(await proxy.add(1, 1)).to.equal(2);
    const core = coreOf(proxy);
    const refused = async (objectId: string, method: string, isOneway = false) => {
      await core.callObject(objectId, method, [], isOneway).then(
        () => expect(isOneway, `${objectId}.${method} was answered`).to.equal(true),
        () => undefined,
      );
    };
    for (let start = 0; start < 10_000; start += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => refused("shop", `made_up_${start + i}`)));
    }
    for (let start = 0; start < 1000; start += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => refused(`no.such.object.${start + i}`, "add")));
      await Promise.all(Array.from({ length: 100 }, (_, i) => refused("shop", `oneway_${start + i}`, true)));
    }
    // Oneway calls resolve once sent: wait until the daemon has served the last of them.
    let text = await metrics.metrics();
    for (let tries = 0; tries < 100 && parseExposition(text).sum(CALLS) < 12_001; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      text = await metrics.metrics();
    }
    const result = parseExposition(text);
    expect(result.labelValues(CALLS, "method")).to.deep.equal(new Set(["add", "<unknown>"]));
    expect(result.labelValues(CALLS, "object")).to.deep.equal(new Set(["shop", "<unknown>"]));
    expect(result.value(CALLS, { object: "shop", method: "<unknown>", outcome: "error" })).to.equal(11_000);
    expect(result.value(CALLS, { object: "<unknown>", method: "<unknown>", outcome: "error" })).to.equal(1000);
    expect(result.labelValues(ERRORS, "type")).to.deep.equal(new Set(["builtins.AttributeError", "Pyro4.errors.DaemonError"]));
    expect(result.samples.length, "samples in the whole scrape").to.be.below(150);
    expect(onewayFailures, "a made-up oneway method is not the application's error: nothing is reported").to.deep.equal([]);
    expect(text).not.to.include("made_up_");
  });

  it("caps each metric at maxSeries label sets and counts the overflow", async () => {
    const metrics = await prometheusMetrics({ maxSeries: 5 });
    await using daemon = await Daemon.create({ host: "127.0.0.1", instruments: [metrics] });
    const uris = Array.from({ length: 12 }, (_, i) => daemon.register(new Shop(), `shop.${i}`));
    for (const uri of uris) {
      await using proxy = new Proxy<ShopApi>(uri);
      await proxy.add(1, 2);
    }
    const result = parseExposition(await metrics.metrics());
    const objects = result.labelValues("pyrots_daemon_call_duration_seconds_count", "object");
    expect(objects.size).to.equal(6);
    expect(objects.has("<other>")).to.equal(true);
    expect(result.sum(CALLS)).to.equal(12);
    expect(result.value("pyrots_metrics_series_overflow_total", { metric: CALLS })).to.equal(7);
  });
});
