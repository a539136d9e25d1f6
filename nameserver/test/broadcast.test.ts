/**
 * The broadcast responder against forged and flooding askers: it never answers a broadcast,
 * multicast or unspecified source address, and answers at most its reply rate. Datagrams here go
 * unicast to a responder bound on 127.0.0.1: nothing is broadcast.
 */
import dgram from "node:dgram";
import { expect } from "chai";
import { mayAnswer, startBroadcastResponder } from "@pyrots/nameserver/discovery";

const iface = (address: string, netmask: string) => ({ address, netmask, family: "IPv4", internal: false, mac: "00:00:00:00:00:00", cidr: null }) as never;
const INTERFACES = { lo: [iface("127.0.0.1", "255.0.0.0")], eth0: [iface("192.168.7.9", "255.255.255.0")], ptp: [iface("10.9.9.1", "255.255.255.255")] };

describe("broadcast responder: whom it answers", () => {
  it("answers unicast askers only", () => {
    for (const address of ["192.168.7.20", "127.0.0.1", "10.0.0.5", "10.9.9.255", "::1", "fe80::1%eth0", "::ffff:192.168.7.20"]) {
      expect(mayAnswer(address, 40000, INTERFACES), address).to.equal(true);
    }
    for (const address of [
      "255.255.255.255",
      "192.168.7.255",
      "127.255.255.255",
      "224.0.0.251",
      "239.1.2.3",
      "0.0.0.0",
      "0.1.2.3",
      "::",
      "ff02::1",
      "::ffff:192.168.7.255",
      "x",
    ]) {
      expect(mayAnswer(address, 40000, INTERFACES), address).to.equal(false);
    }
    expect(mayAnswer("192.168.7.20", 0, INTERFACES), "port 0").to.equal(false);
  });
});

describe("broadcast responder: how often it answers", function () {
  this.timeout(10_000);

  it("answers at most its reply rate, drops the rest, and answers again later", async () => {
    await using responder = await startBroadcastResponder({
      nsUri: "PYRO:Pyro.NameServer@127.0.0.1:9090",
      host: "127.0.0.1",
      port: 0,
      maxRepliesPerSecond: 20,
    });
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    let replies = 0;
    socket.on("message", (message) => {
      expect(message.toString("latin1")).to.equal("PYRO:Pyro.NameServer@127.0.0.1:9090");
      replies++;
    });
    try {
      const send = () =>
        new Promise<void>((resolve, reject) => socket.send("GET_NSURI", responder.address.port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
      const started = performance.now();
      for (let i = 0; i < 200; i++) await send();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const seconds = (performance.now() - started) / 1000;
      // A full bucket (20) plus what refills while the flood lasts; the old responder answered all 200.
      expect(replies, `replies to 200 requests in ${seconds.toFixed(2)} s`).to.be.at.most(20 + Math.ceil(20 * seconds) + 1);
      expect(replies).to.be.at.least(20);
      expect(responder.refused).to.equal(200 - responder.answered);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = replies;
      await send();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(replies).to.equal(before + 1);
    } finally {
      socket.close();
    }
  });
});
