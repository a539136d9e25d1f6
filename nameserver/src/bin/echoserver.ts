#!/usr/bin/env node
/**
 * pyro-echoserver: serves Pyro4's echo server object `test.echoserver`.
 */
import { parseArgs } from "node:util";
import { Daemon } from "@pyrots/core";
import { EchoServer, ECHO_OBJECT_ID } from "../echoserver.js";
import { packageVersion, parseCommandLine, parsePort, runMain } from "../cli.js";

const USAGE = `usage: pyro-echoserver [options]

Serves Pyro4's test echo server object "${ECHO_OBJECT_ID}" (echo, error, error_with_text,
oneway_echo, slow, generator, nan, inf, oneway_slow, shutdown; property verbose).

options:
  -H, --host HOST         hostname to bind the server on (default: localhost)
  -p, --port PORT         port to bind the server on (default: 0, any free port)
  -u, --unixsocket PATH   Unix domain socket to bind the server on instead of TCP
  -v, --verbose           print every call
  -q, --quiet             print nothing
  -h, --help              show this help and exit
  -V, --version           show the version and exit
`;

async function main(): Promise<void> {
  const { values } = parseCommandLine(() =>
    parseArgs({
      args: process.argv.slice(2),
      options: {
    host: { type: "string", short: "H", default: "localhost" },
    port: { type: "string", short: "p" },
    unixsocket: { type: "string", short: "u" },
    verbose: { type: "boolean", short: "v", default: false },
    quiet: { type: "boolean", short: "q", default: false },
    help: { type: "boolean", short: "h", default: false },
    version: { type: "boolean", short: "V", default: false },
      },
    }),
  );
  if (values.help) return void process.stdout.write(USAGE);
  if (values.version) return void process.stdout.write(`pyro-echoserver (pyrots) ${packageVersion()}\n`);
  const quiet = values.quiet && !values.verbose;
  const say = (line: string) => quiet || process.stdout.write(`${line}\n`);

  say("Starting pyrots' test echo server.");
  const port = parsePort(values.port, "--port", 0);
  const daemon = await Daemon.create(values.unixsocket !== undefined ? { unixSocket: values.unixsocket } : { host: values.host, port });
  const echo = new EchoServer();
  echo.verbose = values.verbose;
  echo.onShutdown = () => void daemon.shutdown();
  const uri = daemon.register(echo, ECHO_OBJECT_ID);
  say(`object name: ${ECHO_OBJECT_ID}`);
  say(`echo uri: ${uri}`);
  say("echoserver running.");
  const stop = () => void daemon.shutdown();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  await daemon.requestLoop();
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
}

runMain("pyro-echoserver", USAGE, main);
