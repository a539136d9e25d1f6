/**
 * pyro-httpgateway: serves the exposed objects of a name server over HTTP (Pyro4's
 * `pyro4-httpgateway` flags, plus pyrots' prefix, CORS, limits and console).
 */
import { UsageError, parseCommandLine, parsePortOption, readPackageVersion, runCommand } from "@pyrots/core/cli";
import { DEFAULT_EXPOSE, GatewayOptionError, type GatewayOptions } from "../gateway/options.js";
import { type Gateway, startGateway } from "../gateway/server.js";

const USAGE = `usage: pyro-httpgateway [options]

Serves the objects registered in a Pyro name server over HTTP+JSON: POST or GET
<prefix>/pyro/<name>/<method>, a browser client at <prefix>/pyro/$client.js and a
console at <prefix>/console/.

options:
  -H, --host HOST          hostname to bind the HTTP server on (default: localhost)
  -p, --port PORT          port to bind the HTTP server on (default: 8080; 0 = any free port)
  -e, --expose REGEX       Python regex (matched at the start) of the names to expose
                           (default: ${DEFAULT_EXPOSE}; ".*" exposes every name)
  -g, --gateway-key KEY    key HTTP clients must send (X-Pyro-Gateway-Key header or $key);
                           prefer the PYRO_HTTPGATEWAY_KEY environment variable: command lines
                           can be read by other users of this machine
  -n, --ns-host HOST       the name server's host (default: locate it like pyro-nsc does)
      --ns-port PORT       the name server's port (default: PYRO_NS_PORT or 9090)
      --pyroloc URI        the name server's PYRO: URI, used as is
  -t, --timeout SECONDS    longest a call may take; clients may ask for less (default: 30; 0 = none)
      --prefix PATH        URL path the gateway is served under, behind a reverse proxy
      --cors ORIGINS       origins allowed to call from other sites: comma-separated, or *
      --max-body BYTES     largest request body (default: 1048576)
      --tracebacks         send remote tracebacks and error details to HTTP clients
      --metrics            serve Prometheus metrics at <prefix>/metrics (the gateway key, if
                           any, is needed there too; see docs/observability.md)
      --tracing            trace calls with OpenTelemetry: spans go to the tracer provider that
                           a module loaded with NODE_OPTIONS=--import=... registers
  -h, --help               show this help and exit
  -V, --version            show the version and exit
`;

async function main(): Promise<void> {
  const parsed = parseCommandLine({
    name: "pyro-httpgateway",
    usage: USAGE,
    version: readPackageVersion(new URL("../../package.json", import.meta.url)),
    options: {
      host: { type: "string", short: "H" },
      port: { type: "string", short: "p" },
      expose: { type: "string", short: "e" },
      "gateway-key": { type: "string", short: "g" },
      gatewaykey: { type: "string" },
      "ns-host": { type: "string", short: "n" },
      "ns-port": { type: "string" },
      pyroloc: { type: "string" },
      timeout: { type: "string", short: "t" },
      prefix: { type: "string" },
      cors: { type: "string" },
      "max-body": { type: "string" },
      tracebacks: { type: "boolean", default: false },
      metrics: { type: "boolean", default: false },
      tracing: { type: "boolean", default: false },
    },
  });
  if (parsed === undefined) return;
  const options = gatewayOptions(parsed.values);
  // prom-client is loaded only when metrics are asked for.
  if (parsed.values.metrics === true) options.metrics = await (await import("@pyrots/observability")).prometheusMetrics({ processMetrics: true });
  let gateway: Gateway | undefined;
  let stopRequested = false;
  const stop = () => {
    stopRequested = true;
    void gateway?.close();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    gateway = await startGateway(options);
  } catch (error) {
    if (error instanceof GatewayOptionError) throw new UsageError(error.message);
    throw error;
  }
  const stopped = new Promise<void>((resolve) => gateway!.server.once("close", resolve));
  if (stopRequested) void gateway.close();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`Exposing objects with names matching: ${gateway.app.settings.expose}`);
  try {
    say(`Connected to name server at: ${await gateway.app.directory.nameServerUri()}`);
  } catch {
    say("Not yet connected to a name server.");
  }
  if (gateway.app.settings.gatewayKey !== undefined) say("Gateway key required.");
  if (gateway.app.settings.metrics !== undefined) say(`Metrics: ${gateway.url}metrics`);
  if (gateway.app.settings.tracer !== undefined) say("Tracing: OpenTelemetry (spans go to the global tracer provider)");
  say(`Pyro HTTP gateway running on ${gateway.url}pyro/`);
  say(`Console: ${gateway.url}console/`);
  await stopped;
  await gateway.close();
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  say("Gateway shut down.");
}

type Values = Record<string, string | boolean | undefined>;

function gatewayOptions(values: Values): GatewayOptions {
  const text = (name: string) => values[name] as string | undefined;
  const envKey = process.env.PYRO_HTTPGATEWAY_KEY;
  const flagKey = text("gateway-key") ?? text("gatewaykey");
  if (flagKey !== undefined && envKey !== undefined) throw new UsageError("don't use -g and PYRO_HTTPGATEWAY_KEY at the same time");
  if (text("pyroloc") !== undefined && (text("ns-host") !== undefined || text("ns-port") !== undefined)) {
    throw new UsageError("--pyroloc gives the name server's whole URI: leave out --ns-host and --ns-port");
  }
  const cors = text("cors");
  return {
    host: text("host"),
    port: parsePortOption(text("port"), "--port") ?? 8080,
    expose: text("expose"),
    gatewayKey: flagKey ?? envKey,
    nameServer: {
      uri: text("pyroloc"),
      host: text("ns-host"),
      port: parsePortOption(text("ns-port"), "--ns-port"),
    },
    timeout: number(text("timeout"), "--timeout"),
    prefix: text("prefix"),
    cors: cors === undefined ? undefined : cors.trim() === "*" ? "*" : cors.split(",").map((origin) => origin.trim()),
    maxBody: number(text("max-body"), "--max-body"),
    tracebacks: values.tracebacks === true,
    tracing: values.tracing === true,
  };
}

function number(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed)) throw new UsageError(`${option} must be a number, got ${JSON.stringify(value)}`);
  return parsed;
}

runCommand({ name: "pyro-httpgateway", usage: USAGE }, main);
