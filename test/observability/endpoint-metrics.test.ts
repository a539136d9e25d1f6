/**
 * The metrics endpoints of the commands, as an operator runs them: `pyro-ns --metrics` and
 * `pyro-httpgateway --metrics` in child processes, scraped over HTTP after known traffic.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { type NameServerApi, Proxy, type Remote, release } from "@pyrots/core";
import { startNsProcess } from "../support/ns-process.js";
import { spawnProcess } from "../support/process.js";
import { scrape, scrapeUntil } from "../support/prometheus.js";
import { http, startBackend } from "../support/web.js";

const WEB_DIR = fileURLToPath(new URL("../../../packages/web/", import.meta.url));
const manifest = JSON.parse(readFileSync(`${WEB_DIR}package.json`, "utf8")) as { bin: Record<string, string> };
const GATEWAY_BIN = `${WEB_DIR}${manifest.bin["pyro-httpgateway"]}`;

/** The environment without the caller's PYRO_* settings. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PYRO_")));
}

describe("metrics endpoints of pyro-ns and pyro-httpgateway", function () {
  this.timeout(60_000);

  it("pyro-ns --metrics: names, lookups, registrations, leases, storage health and its daemon's calls", async () => {
    const ns = await startNsProcess("memory", { extraArgs: ["--metrics", "127.0.0.1:0"] });
    try {
      const line = ns.proc.lines.find((l) => l.startsWith("Metrics: "));
      expect(line, ns.proc.lines.join("\n")).to.match(/^Metrics: http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const url = line!.slice("Metrics: ".length);
      const proxy: Remote<NameServerApi> = new Proxy<NameServerApi>(ns.uri);
      await proxy.register("shop.a", "PYRO:a@127.0.0.1:1");
      await proxy.register("shop.b", "PYRO:b@127.0.0.1:1");
      const lease = await proxy.lease_grant(60);
      await proxy.register("shop.c", "PYRO:c@127.0.0.1:1", false, null, lease);
      await proxy.register("shop.a", "PYRO:a@127.0.0.1:2", true).catch(() => undefined);
      for (let i = 0; i < 5; i++) await proxy.lookup("shop.a");
      for (let i = 0; i < 2; i++) await proxy.lookup("shop.nope").catch(() => undefined);

      const busy = await scrape(url);
      expect(busy.value("pyrots_nameserver_names")).to.equal(4);
      expect(busy.value("pyrots_nameserver_lookups_total", { result: "found" })).to.equal(5);
      expect(busy.value("pyrots_nameserver_lookups_total", { result: "unknown" })).to.equal(2);
      expect(busy.value("pyrots_nameserver_registrations_total", { result: "ok" })).to.equal(3);
      expect(busy.value("pyrots_nameserver_registrations_total", { result: "error" })).to.equal(1);
      expect(busy.value("pyrots_nameserver_lease_operations_total", { operation: "lease_grant", result: "ok" })).to.equal(1);
      expect(busy.value("pyrots_nameserver_leases")).to.equal(1);
      expect(busy.value("pyrots_nameserver_leased_names")).to.equal(1);
      expect(busy.value("pyrots_nameserver_storage_state", { storage: "memory", state: "ok" })).to.equal(1);
      expect(busy.value("pyrots_nameserver_storage_state", { storage: "memory", state: "stale" })).to.equal(0);
      expect(busy.value("pyrots_daemon_calls_total", { object: "Pyro.NameServer", method: "lookup", outcome: "ok" })).to.equal(5);
      expect(busy.value("pyrots_daemon_call_errors_total", { object: "Pyro.NameServer", method: "lookup", type: "Pyro4.errors.NamingError" })).to.equal(2);
      expect(busy.value("pyrots_daemon_connections")).to.equal(1);
      expect(busy.all("process_cpu_user_seconds_total"), "the command adds Node's process metrics").to.have.length(1);

      await proxy.lease_revoke(lease);
      release(proxy);
      const idle = await scrapeUntil(url, (s) => s.value("pyrots_daemon_connections") === 0);
      expect(idle.value("pyrots_daemon_connections")).to.equal(0);
      expect(idle.value("pyrots_nameserver_names")).to.equal(3);
      expect(idle.value("pyrots_nameserver_leases")).to.equal(0);
      expect((await fetch(url.replace(/metrics$/, "other"))).status).to.equal(404);
    } finally {
      await ns.stop();
    }
  });

  it("pyro-httpgateway --metrics: HTTP status codes, calls and errors at <prefix>/metrics, behind the gateway key", async () => {
    await using backend = await startBackend();
    const gateway = spawnProcess(
      process.execPath,
      [
        GATEWAY_BIN,
        "-H",
        "127.0.0.1",
        "-p",
        "0",
        "-n",
        "127.0.0.1",
        "--ns-port",
        String(backend.nameServer.port),
        "-e",
        "example\\.",
        "--prefix",
        "/gw",
        "--metrics",
      ],
      { env: { ...cleanEnv(), PYRO_HTTPGATEWAY_KEY: "k" } },
    );
    try {
      const [, base] = (await gateway.waitForLine(/^Console: (http:\/\/127\.0\.0\.1:\d+\/gw\/)console\/$/, 15_000)) as unknown as [string, string];
      expect(gateway.lines).to.include(`Metrics: ${base}metrics`);
      const key = { "X-Pyro-Gateway-Key": "k" };
      for (let i = 0; i < 4; i++) expect((await http(`${base}pyro/example.calc/add?$args=[${i},1]`, { headers: key })).json).to.equal(i + 1);
      expect((await http(`${base}pyro/example.calc/divide?$args=[1,0]`, { headers: key })).status).to.equal(500);
      for (let i = 0; i < 50; i++) expect((await http(`${base}pyro/example.calc/made_up_${i}`, { headers: key })).status).to.equal(404);
      expect((await http(`${base}pyro/example.calc/add`)).status).to.equal(403);
      expect((await http(`${base}no/such/path`)).status).to.equal(404);
      expect((await http(`${base}metrics`)).status, "the metrics need the key too").to.equal(403);

      const result = await scrape(`${base}metrics?$key=k`);
      expect(result.value("pyrots_gateway_calls_total", { name: "example.calc", method: "add", kind: "call", status: "200" })).to.equal(4);
      expect(result.value("pyrots_gateway_call_errors_total", { name: "example.calc", method: "divide", error: "remote-exception" })).to.equal(1);
      expect(result.value("pyrots_gateway_calls_total", { name: "example.calc", method: "<unknown>", kind: "call", status: "404" })).to.equal(50);
      expect(result.value("pyrots_gateway_call_duration_seconds_count", { name: "example.calc", method: "add" })).to.equal(4);
      expect(result.labelValues("pyrots_gateway_calls_total", "method")).to.deep.equal(new Set(["add", "divide", "<unknown>"]));
      expect(result.value("pyrots_gateway_http_responses_total", { code: "200" })).to.equal(4);
      expect(result.value("pyrots_gateway_http_responses_total", { code: "500" })).to.equal(1);
      expect(result.value("pyrots_gateway_http_responses_total", { code: "404" })).to.equal(51);
      expect(result.value("pyrots_gateway_http_responses_total", { code: "403" })).to.equal(2);
      expect(result.value("pyrots_gateway_http_requests_in_flight"), "the scrape itself").to.equal(1);
      expect(result.text).not.to.include("made_up_");
    } finally {
      await gateway.stop();
    }
  });
});
