#!/usr/bin/env node
/**
 * pyro-echoserver: serves Pyro4's echo server object `test.echoserver`.
 */
import { Daemon, type LeaseEvent } from "@pyrots/core";
import { EchoServer, ECHO_OBJECT_ID } from "../echoserver.js";
import { type RunningNameServer, startNameServer } from "../server.js";
import { VERSION, parseCommandLine, parsePortOption, runTool } from "../cli.js";

const USAGE = `usage: pyro-echoserver [options]

Serves Pyro4's test echo server object "${ECHO_OBJECT_ID}" (echo, error, error_with_text,
oneway_echo, slow, generator, nan, inf, oneway_slow, shutdown; property verbose).

options:
  -H, --host HOST         hostname to bind the server on (default: localhost)
  -p, --port PORT         port to bind the server on (default: 0, any free port)
  -u, --unixsocket PATH   Unix domain socket to bind the server on instead of TCP
  -n, --naming            register with a name server (found like pyro-nsc finds it)
  -N, --nameserver        also start a name server (on HOST, port PYRO_NS_PORT or 9090), then
                          register with it
  -v, --verbose           print every call
  -q, --quiet             print nothing
  -h, --help              show this help and exit
  -V, --version           show the version and exit
`;

async function main(): Promise<void> {
  const parsed = parseCommandLine({
    name: "pyro-echoserver",
    usage: USAGE,
    version: VERSION,
    options: {
      host: { type: "string", short: "H", default: "localhost" },
      port: { type: "string", short: "p" },
      unixsocket: { type: "string", short: "u" },
      naming: { type: "boolean", short: "n", default: false },
      nameserver: { type: "boolean", short: "N", default: false },
      verbose: { type: "boolean", short: "v", default: false },
      quiet: { type: "boolean", short: "q", default: false },
    },
  });
  if (parsed === undefined) return;
  const { values } = parsed;
  const quiet = values.quiet && !values.verbose;
  const say = (line: string) => quiet || process.stdout.write(`${line}\n`);

  say("Starting pyrots' test echo server.");
  const port = parsePortOption(values.port, "--port") ?? 0;
  let nameserver: RunningNameServer | undefined;
  let daemon: Daemon | undefined;
  let stopRequested = false;
  // Handled before anything is printed: a caller may signal as soon as it sees the URI. The daemon
  // stops gracefully (its name withdrawn first, then a drain), then the name server it started.
  const stop = () => {
    stopRequested = true;
    void (async () => {
      await daemon?.shutdown();
      await nameserver?.close();
    })();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (values.nameserver) {
    // A convenience name server for trying things out: no mDNS advertisement on the network.
    nameserver = await startNameServer({ host: values.host, mdns: false });
    say(`name server uri: ${nameserver.uri}`);
  }
  const onLeaseEvent = (event: LeaseEvent) => values.verbose && say(`lease ${event.type}: ${event.detail}`);
  daemon = await Daemon.create(values.unixsocket !== undefined ? { unixSocket: values.unixsocket, onLeaseEvent } : { host: values.host, port, onLeaseEvent });
  const echo = new EchoServer();
  echo.verbose = values.verbose;
  echo.onShutdown = () => void daemon!.shutdown();
  let uri = daemon.register(echo, ECHO_OBJECT_ID);
  if (values.naming || values.nameserver) {
    // Bound to a lease the daemon keeps alive: if this process dies, the name goes within 10 s.
    const nameServer = nameserver ? { host: nameserver.uri.host, port: nameserver.uri.port } : {};
    uri = await daemon.registerName(ECHO_OBJECT_ID, echo, { nameServer }).catch(async (error: unknown) => {
      // Without a name server there is nothing to serve: stop listening so the process can exit.
      await daemon!.shutdown();
      await nameserver?.close();
      throw error;
    });
    if (values.verbose && nameserver) {
      say(
        nameserver.broadcast
          ? `broadcast server running at ${nameserver.broadcast.address.address}:${nameserver.broadcast.address.port}`
          : "not using a broadcast server",
      );
    }
  } else if (values.verbose) {
    say("not using a name server.");
  }
  say(`object name: ${ECHO_OBJECT_ID}`);
  say(`echo uri: ${uri}`);
  say("echoserver running.");
  if (stopRequested) stop();
  await daemon.requestLoop();
  await nameserver?.close();
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
}

runTool({ name: "pyro-echoserver", usage: USAGE }, main);
