#!/usr/bin/env node
/**
 * pyro-ns: runs a name server (Pyro4's `pyro4-ns` flags, plus mDNS and autoclean switches).
 */
import { UsageError, VERSION, parseCommandLine, parsePortOption, runTool } from "../cli.js";
import { MIN_AUTOCLEAN_PERIOD } from "../autoclean.js";
import { DEFAULT_LIMITS } from "../limits.js";
import { type RunningNameServer, startNameServer } from "../server.js";
import { STORAGE_SPECS, StorageSpecError, parseEtcdSpec } from "../storage/index.js";
import { reportHealthChanges } from "./health-report.js";
import { observation, parseMetricsAddress, serveNameServerMetrics } from "./observe.js";
import type { MetricsEndpoint } from "@pyrots/observability";

const USAGE = `usage: pyro-ns [options]

Runs a Pyro name server (object "Pyro.NameServer"), Pyro4-compatible.

options:
  -n, --host HOST         hostname to bind server on (default: PYRO_HOST or localhost;
                          0.0.0.0 for every interface)
  -p, --port PORT         port to bind server on (default: PYRO_NS_PORT or 9090; 0 = random)
  -u, --unixsocket PATH   Unix domain socket to bind server on instead of TCP
  -s, --storage SPEC      storage: memory (default), sql:FILE (SQLite, kept across restarts) or
                          etcd:HOST:PORT[,HOST:PORT...][/PREFIX][?stale=SECONDS] (replicas
                          sharing one etcd cluster; see docs/naming-ha.md)
      --bchost HOST       hostname to bind the broadcast responder on (default 0.0.0.0);
                          also starts it for a localhost name server
      --bcport PORT       port of the broadcast responder (default: PYRO_NS_BCPORT or 9091)
  -x, --nobc              don't start a broadcast responder
      --nathost HOST      external hostname in case of NAT
      --natport PORT      external port in case of NAT
      --mdns              advertise over mDNS (the default, except for localhost)
      --no-mdns           don't advertise over mDNS
      --autoclean SECONDS every SECONDS (>= ${MIN_AUTOCLEAN_PERIOD}) remove names whose daemon has been
                          unreachable for 20 s (default: PYRO_NS_AUTOCLEAN or off); only daemons
                          on the host that registered them are checked
      --no-tracebacks     don't send remote tracebacks (server file paths and code) with errors
      --max-names N       most names the name server holds (default ${DEFAULT_LIMITS.maxNames})
      --metrics [HOST:]PORT
                          serve Prometheus metrics at http://HOST:PORT/metrics (HOST defaults
                          to the name server's host; see docs/observability.md)
      --tracing           trace calls with OpenTelemetry: spans go to the tracer provider that
                          a module loaded with NODE_OPTIONS=--import=... registers
  -h, --help              show this help and exit
  -V, --version           show the version and exit
`;

async function main(): Promise<void> {
  const parsed = parseCommandLine({
    name: "pyro-ns",
    usage: USAGE,
    version: VERSION,
    options: {
      host: { type: "string", short: "n" },
      port: { type: "string", short: "p" },
      unixsocket: { type: "string", short: "u" },
      storage: { type: "string", short: "s", default: "memory" },
      bchost: { type: "string" },
      bcport: { type: "string" },
      nobc: { type: "boolean", short: "x", default: false },
      nathost: { type: "string" },
      natport: { type: "string" },
      mdns: { type: "boolean" },
      "no-mdns": { type: "boolean" },
      autoclean: { type: "string" },
      "no-tracebacks": { type: "boolean", default: false },
      "max-names": { type: "string" },
      metrics: { type: "string" },
      tracing: { type: "boolean", default: false },
    },
  });
  if (parsed === undefined) return;
  const { values } = parsed;
  if (values.mdns && values["no-mdns"]) throw new UsageError("--mdns and --no-mdns contradict each other");
  checkStorageSpec(values.storage);
  const metricsAddress = values.metrics === undefined ? undefined : parseMetricsAddress(values.metrics);
  const { metrics, instruments } = await observation(metricsAddress !== undefined, values.tracing);
  // Signals are handled from here on: a test (or a user) may signal as soon as the URI is printed.
  let ns: RunningNameServer | undefined;
  let stopRequested = false;
  const stop = () => {
    stopRequested = true;
    void ns?.close();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  ns = await startNameServer({
    host: values.host,
    port: parsePortOption(values.port, "--port"),
    unixSocket: values.unixsocket,
    storage: values.storage,
    bcHost: values.bchost,
    bcPort: parsePortOption(values.bcport, "--bcport"),
    broadcast: values.nobc ? false : undefined,
    nathost: values.nathost,
    natport: parsePortOption(values.natport, "--natport"),
    mdns: values["no-mdns"] ? false : values.mdns,
    autoclean: parseAutoclean(values.autoclean),
    sendTracebacks: !values["no-tracebacks"],
    limits: { maxNames: parseMaxNames(values["max-names"]) },
    metrics,
    instruments,
  });
  let metricsEndpoint: MetricsEndpoint | undefined;
  if (metrics !== undefined && metricsAddress !== undefined) {
    try {
      metricsEndpoint = await serveNameServerMetrics(metrics, { host: metricsAddress.host ?? ns.daemon.config.host, port: metricsAddress.port });
    } catch (error) {
      await ns.close();
      throw error;
    }
  }
  if (stopRequested) void ns.close();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(
    ns.broadcast
      ? `Broadcast server running on ${ns.broadcast.address.address}:${ns.broadcast.address.port}`
      : `Not starting broadcast server (${ns.broadcastSkipped}).`,
  );
  say(ns.mdns ? `mDNS: advertising _pyro-ns._tcp as "${ns.mdns.name}"` : `mDNS: off (${ns.mdnsSkipped})`);
  if (ns.autocleaner) say(`Autoclean every ${values.autoclean ?? "PYRO_NS_AUTOCLEAN"} s.`);
  const existing = ns.nameserver.count() - 1;
  if (existing > 0) say(`Persistent store contains ${existing} existing registration${existing === 1 ? "" : "s"}.`);
  const stopReporting = ns.storage.kind === "etcd" ? reportHealthChanges(ns.storage, (line) => process.stderr.write(`${line}\n`)) : () => {};
  if (ns.storage.kind === "etcd") say(`Storage: etcd ${values.storage.slice(5)} (health: ${ns.storage.health().state})`);
  say(`NS running on ${ns.daemon.locationStr}`);
  // Pyro4's default serializer is serpent: when it is not accepted, say what clients must use.
  const accepted = ns.daemon.config.serializersAccepted;
  say(`Serializers: ${accepted.join(", ")}${accepted.includes("serpent") ? "" : ` (Python Pyro4 clients: set PYRO_SERIALIZER=${accepted.join(" or ")})`}`);
  if (!ns.internalUri.equals(ns.uri)) say(`internal URI = ${ns.internalUri}`);
  if (metricsEndpoint) say(`Metrics: ${metricsEndpoint.url}`);
  if (instruments.length > 0) say("Tracing: OpenTelemetry (spans go to the global tracer provider)");
  say(`URI = ${ns.uri}`);

  await ns.stopped;
  await metricsEndpoint?.close();
  stopReporting();
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  say("NS shut down.");
}

function checkStorageSpec(spec: string): void {
  try {
    if (spec.startsWith("etcd:")) parseEtcdSpec(spec);
    else if (spec !== "memory" && !/^sql:.+/.test(spec)) throw new StorageSpecError(`invalid storage "${spec}" (expected ${STORAGE_SPECS})`);
  } catch (error) {
    if (error instanceof StorageSpecError) throw new UsageError(error.message);
    throw error;
  }
}

function parseAutoclean(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds < 0 || (seconds > 0 && seconds < MIN_AUTOCLEAN_PERIOD)) {
    throw new UsageError(`--autoclean must be 0 (off) or at least ${MIN_AUTOCLEAN_PERIOD} seconds, got ${JSON.stringify(value)}`);
  }
  return seconds;
}

function parseMaxNames(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (value.trim() === "" || !Number.isInteger(count) || count < 1)
    throw new UsageError(`--max-names must be a whole number of at least 1, got ${JSON.stringify(value)}`);
  return count;
}

runTool({ name: "pyro-ns", usage: USAGE }, main);
