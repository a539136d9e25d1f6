/**
 * A client process killed mid-call or mid-stream: the daemon drops the connection, its session
 * instance (collected once its last call ends) and its streams (after ITER_STREAM_LINGER).
 */
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { Proxy } from "@pyrots/core";
import { type TargetDaemon, startTargetDaemon } from "../support/children.js";
import { spawnProcess } from "@pyrots/test-support";

interface Diagnostics {
  connections: number;
  sessions: number;
  streams: number;
  liveSessions: number;
  counts: { streamsOpened: number; streamsFinished: number };
}

interface TargetApi {
  diagnostics(collect?: boolean): Promise<Diagnostics>;
}

const CLIENT = fileURLToPath(new URL("../support/vanishing-client.js", import.meta.url));

describe("faults: a client that vanishes", () => {
  let daemon: TargetDaemon;
  let observer: TargetApi & AsyncDisposable;

  before(async function () {
    this.timeout(20_000);
    daemon = await startTargetDaemon({ iterStreamLinger: 0.3 });
    observer = new Proxy<TargetApi>(daemon.uri);
  });
  after(async () => {
    await observer?.[Symbol.asyncDispose]();
    await daemon?.stop();
  });

  /** Polls the daemon (with a forced GC) until `done` holds; returns the last diagnostics. */
  async function until(done: (d: Diagnostics) => boolean, what: string): Promise<Diagnostics> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const d = await observer.diagnostics(true);
      if (done(d)) return d;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(d)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  for (const mode of ["call", "stream"] as const) {
    it(`mid-${mode}: its connection, session instance${mode === "stream" ? " and stream" : ""} are freed`, async function () {
      this.timeout(30_000);
      const base = await until((d) => d.connections === 1 && d.streams === 0 && d.liveSessions === 1, "a quiet daemon");
      const client = spawnProcess(process.execPath, [CLIENT, daemon.uri, mode], { env: { ...process.env } });
      try {
        await client.waitForLine(/^READY$/, 15_000);
        const busy = await observer.diagnostics();
        expect({ connections: busy.connections, sessions: busy.sessions, streams: busy.streams }).to.deep.equal({
          connections: 2,
          sessions: 2,
          streams: mode === "stream" ? 1 : 0,
        });
        process.kill(client.pid, "SIGKILL");
        await client.exited;
        const after = await until(
          (d) => d.connections === 1 && d.sessions === 1 && d.streams === 0 && d.liveSessions === 1,
          "the vanished client's resources to be freed",
        );
        if (mode === "stream") expect(after.counts.streamsFinished, "the generator's finally block ran").to.equal(base.counts.streamsFinished + 1);
      } finally {
        await client.stop();
      }
    });
  }
});
