/**
 * Connection slots on their own (no network: sockets are stand-ins with an address): who gives way
 * at a limit, and how client addresses are grouped.
 */
import { expect } from "chai";
import type net from "node:net";
import { ConnectionTable, type Slot, type SlotHolder, hostKey } from "@pyrots/core/internal";

/** A socket stand-in: an address, and whether it was destroyed. */
function socket(remoteAddress: string | undefined): net.Socket & { gone: boolean } {
  const fake = { remoteAddress, gone: false, destroy: () => ((fake.gone = true), fake) };
  return fake as unknown as net.Socket & { gone: boolean };
}

/** A client connection stand-in in a slot. */
class Holder implements SlotHolder {
  inFlight = 0;
  evicted = false;
  constructor(public idleStamp: number) {}
  evict(): void {
    this.evicted = true;
  }
}

function admit(table: ConnectionTable, address: string): Slot {
  const slot = table.admit(socket(address));
  if (typeof slot === "string") throw new Error(`refused: ${slot}`);
  slot.holder = new Holder(table.nextStamp());
  return slot;
}

const holder = (slot: Slot) => slot.holder as Holder;

describe("connection slots", () => {
  it("at MAX_CONNECTIONS the longest-idle connection gives way; busy ones never do", () => {
    const table = new ConnectionTable({ maxConnections: 3, maxPerHost: 0 });
    const [a, b, c] = [admit(table, "10.0.0.1"), admit(table, "10.0.0.1"), admit(table, "10.0.0.1")];
    holder(a).inFlight = 1;
    holder(c).idleStamp = table.nextStamp();
    admit(table, "10.0.0.1");
    expect([holder(a).evicted, holder(b).evicted, holder(c).evicted]).to.deep.equal([false, true, false]);
    expect(table.size).to.equal(3);
  });

  it("takes the room from the address that holds the most connections, even if another was idle longer", () => {
    const table = new ConnectionTable({ maxConnections: 4, maxPerHost: 0 });
    const lone = admit(table, "10.0.0.9");
    const crowd = [admit(table, "10.0.0.1"), admit(table, "10.0.0.1"), admit(table, "10.0.0.1")];
    admit(table, "10.0.0.9");
    expect(holder(lone).evicted).to.equal(false);
    expect(crowd.map((s) => holder(s).evicted)).to.deep.equal([true, false, false]);
  });

  it("refuses with a reason naming the limit when every connection is busy", () => {
    const table = new ConnectionTable({ maxConnections: 2, maxPerHost: 0 });
    for (const slot of [admit(table, "10.0.0.1"), admit(table, "10.0.0.2")]) holder(slot).inFlight = 1;
    expect(table.admit(socket("10.0.0.3"))).to.match(/at most 2 \(MAX_CONNECTIONS\), and all of them have calls running/);
    expect(table.size).to.equal(2);
  });

  it("MAX_CONNECTIONS_PER_HOST makes room within the newcomer's own address", () => {
    const table = new ConnectionTable({ maxConnections: 0, maxPerHost: 2 });
    const other = admit(table, "10.0.0.2");
    const [a, b] = [admit(table, "10.0.0.1"), admit(table, "10.0.0.1")];
    admit(table, "10.0.0.1");
    expect([holder(other).evicted, holder(a).evicted, holder(b).evicted]).to.deep.equal([false, true, false]);
    for (const slot of table.slots()) if (slot.host === "10.0.0.1") holder(slot).inFlight = 1;
    expect(table.admit(socket("10.0.0.1"))).to.match(/at most 2 per client address \(MAX_CONNECTIONS_PER_HOST\)/);
    expect(typeof table.admit(socket("10.0.0.3")), "other addresses still get in").to.equal("object");
  });

  it("a socket still in its TLS handshake (no client connection yet) is idle since its accept", () => {
    const table = new ConnectionTable({ maxConnections: 2, maxPerHost: 0 });
    const pending = table.admit(socket("10.0.0.1")) as Slot;
    admit(table, "10.0.0.1");
    admit(table, "10.0.0.1");
    expect((pending.socket as net.Socket & { gone: boolean }).gone).to.equal(true);
    expect(pending.released).to.equal(true);
  });

  it("releases a slot once, however often its socket reports closing", () => {
    const table = new ConnectionTable({ maxConnections: 0, maxPerHost: 0 });
    const slot = admit(table, "10.0.0.1");
    table.release(slot);
    table.release(slot);
    expect(table.size).to.equal(0);
  });

  it("groups addresses: IPv4-mapped as IPv4, IPv6 by /64, Unix sockets together", () => {
    expect(hostKey("::ffff:192.0.2.7")).to.equal("192.0.2.7");
    expect(hostKey("192.0.2.7")).to.equal("192.0.2.7");
    expect(hostKey("2001:db8:1:2:aaaa::1")).to.equal(hostKey("2001:0db8:0001:0002:ffff:1:2:3"));
    expect(hostKey("2001:db8:1:2::1")).not.to.equal(hostKey("2001:db8:1:3::1"));
    expect(hostKey("::1")).to.equal("0:0:0:0::/64");
    expect(hostKey("fe80::1%eth0")).to.equal(hostKey("fe80::2"));
    expect(hostKey(undefined)).to.equal("local");
  });
});
