import dgram from "node:dgram";
import { expect } from "chai";
import { Proxy, URI, callWithKwargs } from "@pyrots/core";
import { MemoryStorage, classifyHost, firstExternalIPv4, reachableHost, startNameServer } from "@pyrots/nameserver";
import { startTestNs } from "./support/ns.js";

const iface = (address: string, family: "IPv4" | "IPv6", internal: boolean) =>
  ({ address, family, internal, netmask: family === "IPv4" ? "255.0.0.0" : "ffff::", mac: "00:00:00:00:00:00", cidr: null }) as never;

describe("startNameServer", () => {
  it("hands out a reachable host for 0.0.0.0 and keeps other hosts", () => {
    const interfaces = { lo: [iface("127.0.0.1", "IPv4", true)], eth0: [iface("fe80::1", "IPv6", false), iface("192.168.7.9", "IPv4", false)] };
    expect(firstExternalIPv4(interfaces)).to.equal("192.168.7.9");
    expect(firstExternalIPv4({ lo: [iface("127.0.0.1", "IPv4", true)] })).to.equal("127.0.0.1");
    expect(reachableHost("0.0.0.0", interfaces)).to.equal("192.168.7.9");
    expect(reachableHost("::", interfaces)).to.equal("192.168.7.9");
    expect(reachableHost("10.1.2.3", interfaces)).to.equal("10.1.2.3");
  });

  it("classifies bind hosts as Pyro4 decides about broadcasting", async () => {
    expect(await classifyHost("127.0.0.1")).to.equal("loopback");
    expect(await classifyHost("localhost")).to.equal("loopback");
    expect(await classifyHost("::1")).to.equal("loopback");
    expect(await classifyHost("0.0.0.0")).to.equal("ipv4");
    expect(await classifyHost("::")).to.equal("ipv6");
    expect(await classifyHost("192.168.1.1")).to.equal("ipv4");
  });

  it("registers itself and closes idempotently", async () => {
    const ns = await startTestNs();
    expect(ns.uri.equals(ns.internalUri)).to.equal(true);
    expect(String(ns.uri)).to.match(/^PYRO:Pyro\.NameServer@127\.0\.0\.1:\d+$/);
    expect(ns.broadcast).to.equal(undefined);
    expect(ns.broadcastSkipped).to.equal("disabled");
    expect(ns.mdnsSkipped).to.equal("disabled");
    expect(ns.nameserver.lookup("Pyro.NameServer", true)).to.satisfy(
      ([u, tags]: [URI, string[]]) => u.equals(ns.uri) && tags[0] === "class:Pyro4.naming.NameServer",
    );
    await ns.close();
    await ns.close();
    await ns.stopped;
  });

  it("neither broadcasts nor multicasts for a localhost name server by default", async () => {
    await using ns = await startNameServer({ host: "127.0.0.1", port: 0, env: {} });
    expect(ns.broadcast).to.equal(undefined);
    expect(ns.broadcastSkipped).to.equal("not for a name server on localhost");
    expect(ns.mdns).to.equal(undefined);
    expect(ns.mdnsSkipped).to.equal("not for a name server on localhost");
  });

  it("puts the NAT address in its URI and registration", async () => {
    await using ns = await startTestNs({ nathost: "ns.example.org", natport: 4321 });
    expect(String(ns.uri)).to.equal("PYRO:Pyro.NameServer@ns.example.org:4321");
    expect(String(ns.internalUri)).to.match(/^PYRO:Pyro\.NameServer@127\.0\.0\.1:\d+$/);
    expect(String(ns.nameserver.lookup("Pyro.NameServer"))).to.equal(String(ns.uri));
    // Clients on this side of the NAT still reach it at the internal address.
    await using proxy = new Proxy(ns.internalUri, { env: {} });
    expect(await callWithKwargs(proxy, "count", [], {})).to.equal(1);
  });

  it("starts the broadcast responder when a bchost is given, handing it the internal URI", async () => {
    await using ns = await startTestNs({ broadcast: undefined, bcHost: "127.0.0.1", bcPort: 0, nathost: "far.example.org" });
    expect(ns.broadcast).to.not.equal(undefined);
    const { port } = ns.broadcast!.address;
    const socket = dgram.createSocket("udp4");
    try {
      const reply = new Promise<string>((resolve) => socket.once("message", (m) => resolve(m.toString("latin1"))));
      // A unicast datagram to the loopback responder: nothing is broadcast.
      socket.send("GET_NSURI", port, "127.0.0.1");
      expect(await reply).to.equal(String(ns.internalUri));
    } finally {
      socket.close();
    }
  });

  it("uses a storage object it is given and closes it with itself", async () => {
    const storage = new MemoryStorage();
    storage.set("pre", { uri: "PYRO:p@127.0.0.1:1", metadata: [] });
    let closed = 0;
    storage.close = () => void closed++;
    const ns = await startTestNs({ storage });
    expect(ns.nameserver.count()).to.equal(2);
    await ns.close();
    expect(closed).to.equal(1);
  });

  it("reports a port in use", async () => {
    await using first = await startTestNs();
    let error: unknown;
    try {
      await startTestNs({ port: first.uri.port });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
  });
});
