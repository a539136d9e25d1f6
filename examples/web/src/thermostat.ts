/**
 * The object the page calls: a thermostat whose room warms up toward its target. Registered as
 * `http.thermostat`: the gateway's default expose pattern (`http\.`, as in Pyro) lets HTTP
 * clients reach names under `http.` and nothing else.
 */
import { behavior, expose } from "@pyrots/core";

/** The name the worker registers, and the page and the Node client call. */
export const THERMOSTAT_NAME = "http.thermostat";

/** What one reading says. */
export interface Reading {
  room: string;
  celsius: number;
  target: number;
}

/** The thermostat as its clients see it (the type for `gatewayProxy<ThermostatApi>`). */
export interface ThermostatApi {
  readonly room: string;
  reading(): Reading;
  setTarget(celsius: number): number;
  readings(count: number): AsyncIterable<number>;
}

const round = (value: number) => Math.round(value * 10) / 10;

/** One thermostat for every client. */
@expose
@behavior({ instanceMode: "single" })
export class Thermostat implements Omit<ThermostatApi, "readings"> {
  private celsius = 21;
  private target = 21;

  get room(): string {
    return "living room";
  }

  reading(): Reading {
    return { room: this.room, celsius: round(this.celsius), target: this.target };
  }

  /** Sets the target; a RangeError (Python's ValueError) outside 5-30 °C. */
  setTarget(celsius: number): number {
    if (typeof celsius !== "number" || !(celsius >= 5 && celsius <= 30)) throw new RangeError(`${celsius} °C is out of range (5-30 °C)`);
    this.target = celsius;
    return celsius;
  }

  /** `count` readings, 50 ms apart, as the room warms or cools toward the target. */
  async *readings(count: number): AsyncGenerator<number> {
    for (let i = 0; i < Math.min(count, 1000); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      this.celsius += (this.target - this.celsius) * 0.3;
      yield round(this.celsius);
    }
  }
}
