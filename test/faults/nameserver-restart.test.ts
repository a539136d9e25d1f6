/**
 * A name server on SQLite storage (`pyro-ns -s sql:FILE`) killed while registrations stream in,
 * then restarted on the same port: every registration it had acknowledged still resolves, with
 * its metadata, and a graceful restart keeps them too.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { type NameServerProxy, Proxy } from "@pyrots/core";
import { type Spawned, spawnProcess } from "@pyrots/test-support";

const NS_BIN = fileURLToPath(new URL("../../../nameserver/dist/bin/ns.js", import.meta.url));
const NAMES = 400;

async function startNs(db: string, port: number): Promise<{ proc: Spawned; uri: string; lines: readonly string[] }> {
  const proc = spawnProcess(process.execPath, [NS_BIN, "-n", "127.0.0.1", "-p", String(port), "-s", `sql:${db}`, "-x", "--no-mdns"], {
    env: { ...process.env },
  });
  const [, uri] = (await proc.waitForLine(/^URI = (\S+)$/, 20_000)) as unknown as [string, string];
  return { proc, uri, lines: proc.lines };
}

/** A name server proxy with every overload of its API. */
const nsProxy = (uri: string, serializer: "msgpack" | "json" = "msgpack") => new Proxy(uri, { serializer }) as unknown as NameServerProxy & AsyncDisposable;

const uriFor = (i: number) => `PYRO:obj${i}@127.0.0.1:${20000 + i}`;

describe("faults: a name server restarted on SQLite storage", () => {
  let dir: string;
  const procs: Spawned[] = [];
  before(() => (dir = mkdtempSync(join(tmpdir(), "pyrots-ns-"))));
  after(async () => {
    for (const p of procs) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("resolves every acknowledged name after a crash (SIGKILL) and after a graceful restart", async function () {
    this.timeout(60_000);
    const db = join(dir, "names.sqlite");
    const first = await startNs(db, 0);
    procs.push(first.proc);
    const port = Number(/:(\d+)$/.exec(first.uri)![1]);
    const acknowledged = new Set<number>();
    {
      await using ns = nsProxy(first.uri);
      await using other = nsProxy(first.uri, "json");
      // Registrations keep arriving on two connections while the server is killed.
      const register = async (client: NameServerProxy, from: number) => {
        for (let i = from; i < NAMES; i += 2) {
          try {
            await client.register(`svc.${i}`, uriFor(i), false, [`tag.${i % 7}`, "all"]);
            acknowledged.add(i);
          } catch {
            return;
          }
        }
      };
      const writers = [register(ns, 0), register(other, 1)];
      while (acknowledged.size < NAMES / 2) await new Promise((r) => setTimeout(r, 2));
      process.kill(first.proc.pid, "SIGKILL");
      await first.proc.exited;
      await Promise.all(writers);
    }
    expect(acknowledged.size).to.be.within(NAMES / 2, NAMES);

    const second = await startNs(db, port);
    procs.push(second.proc);
    expect(second.lines.join("\n")).to.match(/Persistent store contains \d+ existing registrations?/);
    {
      await using ns = nsProxy(second.uri);
      for (const i of acknowledged) {
        const [uri, tags] = await ns.lookup(`svc.${i}`, true);
        expect(String(uri)).to.equal(uriFor(i));
        expect([...tags].sort()).to.deep.equal([`tag.${i % 7}`, "all"].sort());
      }
      const all = await ns.yplookup(["all"], null, false);
      for (const i of acknowledged) expect(all[`svc.${i}`]).to.equal(uriFor(i));
      await ns.register("after.restart", uriFor(9999));
    }
    await second.proc.stop();
    expect(second.proc.lines).to.include("NS shut down.");

    const third = await startNs(db, port);
    procs.push(third.proc);
    await using ns = nsProxy(third.uri);
    expect(String(await ns.lookup("after.restart"))).to.equal(uriFor(9999));
    const names = await ns.list("svc.");
    for (const i of acknowledged) expect(names[`svc.${i}`]).to.equal(uriFor(i));
  });
});
