/**
 * The callbacks example's server object: a weather station that calls its subscribers back. The
 * listener it gets is a proxy to an object served by the client's own daemon.
 */
import { type Remote, RemoteError, behavior, expose, release } from "@pyrots/core";

/** The object id the server registers the station under. */
export const STATION_ID = "example.station";

/** What the station calls on a listener (the client implements it; see listener.ts). */
export interface ListenerApi {
  /** A normal callback: the station waits for the listener's answer. */
  welcome(station: string): string;
  /** A oneway callback: the station does not wait for it to run. */
  reading(index: number, celsius: number): void;
  /** A `@callback` on the client that refuses out-of-range values by throwing. */
  alarm(celsius: number): void;
  /** Tells the listener the subscription is over. */
  done(summary: string): void;
}

/** What a client sees of {@link WeatherStation}. */
export interface StationApi {
  subscribe(listener: object, readings: number): Promise<string>;
}

const ALARM_CELSIUS = 41.5;
const READING_INTERVAL_MS = 50;

/** Sends each subscriber a few readings, then an alarm, then a summary. */
@expose
@behavior({ instanceMode: "single" })
export class WeatherStation implements StationApi {
  constructor(private readonly name = "weather station 7") {}

  /**
   * Greets `listener` now (a callback during this call), then pushes `readings` readings, one every
   * 50 ms, after this call has returned.
   */
  async subscribe(listener: Remote<ListenerApi>, readings: number): Promise<string> {
    const answer = await listener.welcome(this.name);
    console.log(`server: a listener subscribed: "${answer}"`);
    void this.push(listener, readings);
    return `subscribed to ${readings} readings from ${this.name}`;
  }

  private async push(listener: Remote<ListenerApi>, readings: number): Promise<void> {
    try {
      for (let i = 1; i <= readings; i++) {
        await new Promise((resolve) => setTimeout(resolve, READING_INTERVAL_MS));
        // A oneway call resolves once sent: the station never waits for a slow listener.
        await listener.reading(i, 18 + i * 0.5);
      }
      let alarm = "accepted";
      try {
        await listener.alarm(ALARM_CELSIUS);
      } catch (error) {
        alarm = `refused with ${error instanceof RemoteError ? error.remoteType : "an error"}: ${(error as Error).message}`;
        console.log(`server: the listener's alarm callback raised: ${(error as Error).message}`);
      }
      await listener.done(`station sent ${readings} readings; alarm ${alarm}`);
    } catch (error) {
      console.log(`server: lost the listener: ${(error as Error).message}`);
    } finally {
      release(listener);
    }
  }
}
