/**
 * `shutdown` while several clients keep calls and oneways coming: the daemon must finish and
 * answer every call it accepted, and run every oneway it accepted, before it exits. The daemon
 * counts what it started and finished; the clients count the answers they got.
 */
import { expect } from "chai";
import { Proxy } from "@pyrots/core";
import { startTargetDaemon } from "../support/children.js";

interface TargetApi {
  work(ms: number): Promise<number>;
  note(ms: number): Promise<void>;
  shutdown(): Promise<void>;
}

interface Counts {
  callsStarted: number;
  callsFinished: number;
  onewaysStarted: number;
  onewaysFinished: number;
}

const CLIENTS = 6;
/** Calls each client keeps in flight. */
const WINDOW = 20;
const LOAD_BEFORE_SHUTDOWN_MS = 500;

describe("faults: shutdown under load", () => {
  it("drops no call it had accepted, oneway included", async function () {
    this.timeout(60_000);
    const daemon = await startTargetDaemon();
    let answered = 0;
    let failed = 0;
    let onewaysSent = 0;
    let stop = false;
    const deadline = Date.now() + 20_000;
    const proxies = Array.from({ length: CLIENTS }, (_, i) => new Proxy<TargetApi>(daemon.uri, { serializer: i % 2 ? "json" : "msgpack" }));
    try {
      const lane = async (proxy: TargetApi, lane: number) => {
        for (let i = 0; !stop && Date.now() < deadline; i++) {
          try {
            if (i % 3 === 0) {
              await proxy.note((i + lane) % 20);
              onewaysSent++;
            } else {
              await proxy.work((i * 7 + lane) % 25);
              answered++;
            }
          } catch {
            failed++;
            return;
          }
        }
      };
      const lanes = proxies.flatMap((p, c) => Array.from({ length: WINDOW }, (_, l) => lane(p, c * WINDOW + l)));
      await new Promise((r) => setTimeout(r, LOAD_BEFORE_SHUTDOWN_MS));
      const busyBefore = answered;
      await proxies[0]!.shutdown();
      const exit = await daemon.proc.exited;
      stop = true;
      await Promise.all(lanes);

      expect(exit.code, `the daemon exits by itself; stderr: ${daemon.proc.stderr()}`).to.equal(0);
      const line = daemon.proc.lines.find((l) => l.startsWith("COUNTS "));
      expect(line, "the daemon reports its counts").to.be.a("string");
      const counts = JSON.parse(line!.slice(7)) as Counts;
      process.stdout.write(
        `      ${answered} calls answered (${busyBefore} before shutdown), ${failed} refused or cut, ${onewaysSent} oneways sent; daemon: ${JSON.stringify(counts)}\n`,
      );
      expect(busyBefore, "load was running").to.be.above(100);
      expect(counts.callsFinished, "every call the daemon started, it finished").to.equal(counts.callsStarted);
      expect(answered, "every call the daemon finished was answered").to.equal(counts.callsFinished);
      expect(counts.onewaysFinished, "every oneway the daemon started, it finished").to.equal(counts.onewaysStarted);
      expect(counts.onewaysStarted).to.be.at.most(onewaysSent + CLIENTS * WINDOW);
    } finally {
      stop = true;
      for (const p of proxies) await (p as unknown as AsyncDisposable)[Symbol.asyncDispose]();
      await daemon.stop();
    }
  });
});
