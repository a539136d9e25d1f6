/**
 * The page's steps from Node, with the same browser client (`@pyrots/web/client` needs only
 * `fetch`): a typed proxy through the gateway, an attribute, a call, a remote error, a stream.
 *
 *     node examples/web/dist/client.js [http://localhost:8080/pyro]
 */
import { RemoteError, gatewayProxy } from "@pyrots/web/client";
import { isMain, runMain } from "@pyrots/example-support";
import { THERMOSTAT_NAME, type ThermostatApi } from "./thermostat.js";

/** Runs the steps against the gateway's `pyro` URL, printing each result with `say`. */
export async function runClient(base: string, say: (line: string) => void = console.log): Promise<void> {
  const thermostat = gatewayProxy<ThermostatApi>(base, THERMOSTAT_NAME);
  const reading = await thermostat.reading();
  say(`reading: ${reading.celsius.toFixed(1)} °C in the ${await thermostat.room}, target ${reading.target.toFixed(1)} °C`);
  say(`setTarget(23.5): ${await thermostat.setTarget(23.5)}`);
  try {
    await thermostat.setTarget(99);
  } catch (error) {
    if (!(error instanceof RemoteError)) throw error;
    say(`setTarget(99) raised ${error.remoteType}: ${error.message}`);
  }
  const readings: string[] = [];
  for await (const celsius of thermostat.readings(5)) readings.push(celsius.toFixed(1));
  say(`readings (streamed): ${readings.join(" ")}`);
}

if (isMain(import.meta.url)) runMain(() => runClient(process.argv[2] ?? "http://localhost:8080/pyro"));
