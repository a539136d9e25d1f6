/**
 * One daemon (child process) holding 1,000 concurrent client connections on loopback, each with a
 * session, all answered correctly; the daemon's memory per connection is measured after forced
 * GCs and bounded, and everything is released when the clients go. `LOAD_CONNECTIONS` changes
 * the count.
 */
import { expect } from "chai";
import { Proxy } from "@pyrots/core";
import { type TargetDaemon, startChild, startTargetDaemon } from "../support/children.js";
import { mb } from "../fuzz/harness.js";

const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 1000);
/** Descriptors for the daemon and the client process: the connections plus headroom. */
const OPEN_FILES = CONNECTIONS + 512;
/** Upper bound on the daemon's memory per held connection (socket, buffers, session instance). */
const MAX_BYTES_PER_CONNECTION = 256 * 1024;

interface Diagnostics {
  rss: number;
  heapUsed: number;
  connections: number;
  sessions: number;
}
interface TargetApi {
  diagnostics(collect?: boolean): Promise<Diagnostics>;
}

describe(`load: one daemon holds ${CONNECTIONS} concurrent connections`, () => {
  let daemon: TargetDaemon;
  let observer: TargetApi & AsyncDisposable;

  before(async function () {
    this.timeout(30_000);
    daemon = await startTargetDaemon({}, { openFiles: OPEN_FILES });
    observer = new Proxy<TargetApi>(daemon.uri);
  });
  after(async () => {
    await observer?.[Symbol.asyncDispose]();
    await daemon?.stop();
  });

  /** Diagnostics after two forced GCs (the second collects what the first's finalizers freed). */
  async function settled(): Promise<Diagnostics> {
    await observer.diagnostics(true);
    return observer.diagnostics(true);
  }

  it("answers on every connection with bounded memory, and frees them all when the clients go", async function () {
    this.timeout(120_000);
    const before = await settled();
    const swarm = startChild("swarm-client.js", [daemon.uri, String(CONNECTIONS)], { exposeGc: false, openFiles: OPEN_FILES });
    try {
      await swarm.waitForLine(/^HELD \d+$/, 90_000);
      const held = await settled();
      expect(held.connections).to.equal(CONNECTIONS + 1);
      expect(held.sessions).to.equal(CONNECTIONS + 1);
      swarm.child.stdin!.write("check\n");
      await swarm.waitForLine(/^OK \d+$/, 60_000);

      const perConnection = (held.rss - before.rss) / CONNECTIONS;
      process.stdout.write(
        `      daemon RSS ${mb(before.rss)} → ${mb(held.rss)} with ${CONNECTIONS} connections: ${(perConnection / 1024).toFixed(1)} KiB per connection (heap ${((held.heapUsed - before.heapUsed) / CONNECTIONS / 1024).toFixed(1)} KiB)\n`,
      );
      expect(perConnection).to.be.below(MAX_BYTES_PER_CONNECTION);

      swarm.child.stdin!.end();
      await swarm.waitForLine(/^CLOSED$/, 60_000);
      const deadline = Date.now() + 10_000;
      let after = await settled();
      while (after.connections > 1 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        after = await settled();
      }
      process.stdout.write(`      after the clients left: ${after.connections} connection, ${after.sessions} session, RSS ${mb(after.rss)}\n`);
      expect({ connections: after.connections, sessions: after.sessions }).to.deep.equal({ connections: 1, sessions: 1 });
    } finally {
      await swarm.stop();
    }
  });
});
