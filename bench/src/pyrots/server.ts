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

  /** Section j: `n` small items, streamed to the client as a remote iterator. */
  *items(n: number): Generator<number> {
    for (let i = 0; i < n; i++) yield i;
  }
}

/** Starts a daemon on 127.0.0.1 (on `port`, any free one by default) hosting {@link BenchObject} as `bench`; resolves with its port. */
export async function startPyrotsServer(port = 0): Promise<number> {
  const daemon = await Daemon.create({ host: "127.0.0.1", port });
  const uri = daemon.register(BenchObject, "bench");
  void daemon.requestLoop();
  return uri.port!;
}
