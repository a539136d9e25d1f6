/**
 * The callbacks example's client-side object: the client registers it with its own daemon and
 * passes it to the station, which receives it as a proxy and calls it back.
 */
import { callback, expose, oneway } from "@pyrots/core";
import type { ListenerApi } from "./station.js";

/** Prints what the station sends; {@link finished} resolves with the station's summary. */
@expose
export class WeatherListener implements ListenerApi {
  /** Resolves when the station calls {@link done}. */
  readonly finished: Promise<string>;
  private resolveFinished!: (summary: string) => void;

  constructor(
    private readonly name: string,
    private readonly print: (line: string) => void,
  ) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  welcome(station: string): string {
    this.print(`welcomed by ${station}`);
    return `${this.name} is listening`;
  }

  @oneway
  reading(index: number, celsius: number): void {
    this.print(`reading ${index}: ${celsius.toFixed(1)} °C`);
  }

  /** `@callback`: the error thrown here reaches the station and is also reported on this side. */
  @callback
  alarm(celsius: number): void {
    this.print(`alarm at ${celsius.toFixed(1)} °C: refusing it`);
    throw new RangeError(`${celsius.toFixed(1)} °C is out of the sensor's range`);
  }

  done(summary: string): void {
    this.resolveFinished(summary);
  }
}
