/**
 * The pyrots server: a Daemon with one exposed class holding the bench methods.
 */
import { Daemon, behavior, expose, oneway } from "@pyrots/core";

/** The bench object; one instance serves every connection, so the oneway counter is shared. */
@expose
@behavior({ instanceMode: "single" })
export class BenchObject {
  private count = 0;
  private sum = 0;

  add(a: number, b: number): number {
    return a + b;
  }

  echo(data: Uint8Array): Uint8Array {
    return data;
  }

  @oneway
  notify(i: number): void {
    this.count++;
    this.sum += i;
  }

  stats(): [number, number] {
    return [this.count, this.sum];
  }
}

/** Starts a daemon on 127.0.0.1 hosting {@link BenchObject} as `bench`; resolves with its port. */
export async function startPyrotsServer(): Promise<number> {
  const daemon = await Daemon.create({ host: "127.0.0.1", port: 0 });
  const uri = daemon.register(BenchObject, "bench");
  void daemon.requestLoop();
  return uri.port!;
}
