/**
 * Port of Pyro4's `examples/messagebus/publisher.py`: publishes weather forecasts on the bus,
 * forever (a tuple travels as a list: JavaScript has no tuples).
 */
import { randomInt } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { CommunicationError, Proxy, bind } from "@pyrots/core";
import { input, print, tuple } from "../common/python.js";
import { PYRO_MSGBUS_NAME } from "./message.js";

const WEATHER = ["sunny", "cloudy", "storm", "rainy", "hail", "thunder", "calm", "mist", "cold", "hot"];

const location = (await input("Give city or country to use as location: ")).trim() || "Amsterdam";
const bus = new Proxy<{ add_topic(topic: string): void; send(topic: string, data: unknown): void }>(`PYRONAME:${PYRO_MSGBUS_NAME}`);
await bus.add_topic("weather-forecast");

for (;;) {
  await sleep(10);
  const forecast = tuple(location, WEATHER[randomInt(WEATHER.length)]);
  print("Forecast:", forecast);
  try {
    await bus.send("weather-forecast", forecast);
  } catch (error) {
    if (!(error instanceof CommunicationError)) throw error;
    print("connection to the messagebus is lost, reconnecting...");
    await bind(bus);
  }
}
