import { expect } from "chai";
import { type NameServerProxy, URI, broadcastTarget, configuredNameServers, nameServerUri, parseBroadcastReply, uriFromService } from "@pyrots/core/internal";

describe("naming (no sockets)", () => {
  describe("broadcast replies", () => {
    it("accepts the URI text a responder sends", () => {
      const uri = parseBroadcastReply(Buffer.from("PYRO:Pyro.NameServer@10.0.0.1:9090", "latin1"), "10.0.0.1");
      expect(String(uri)).to.equal("PYRO:Pyro.NameServer@10.0.0.1:9090");
    });

    it("ignores garbage, non-PYRO URIs, empty and oversized datagrams", () => {
      for (const text of ["garbage", "GET_NSURI", "PYRONAME:x@host", "PYRO:obj", ""]) {
        expect(parseBroadcastReply(Buffer.from(text, "latin1"), "10.0.0.1"), text).to.equal(undefined);
      }
      const long = `PYRO:Pyro.NameServer@${"h".repeat(80)}:9090`;
      expect(long.length).to.be.greaterThan(100);
      expect(parseBroadcastReply(Buffer.from(long, "latin1"), "10.0.0.1")).to.equal(undefined);
    });

    it("replaces an 'every interface' host by the sender's address", () => {
      expect(String(parseBroadcastReply(Buffer.from("PYRO:Pyro.NameServer@0.0.0.0:9090"), "10.0.0.7"))).to.equal("PYRO:Pyro.NameServer@10.0.0.7:9090");
    });

    it("maps Pyro's <broadcast> to 255.255.255.255", () => {
      expect(broadcastTarget("<broadcast>")).to.equal("255.255.255.255");
      expect(broadcastTarget(" 10.1.2.255 ")).to.equal("10.1.2.255");
    });
  });

  describe("mDNS services", () => {
    it("takes the URI from the TXT record", () => {
      const uri = uriFromService({ txt: { uri: "PYRO:Pyro.NameServer@10.0.0.1:9090" }, port: 9090, addresses: ["10.0.0.9"] });
      expect(String(uri)).to.equal("PYRO:Pyro.NameServer@10.0.0.1:9090");
    });

    it("completes a 0.0.0.0 URI with the address the answer came from", () => {
      const uri = uriFromService({
        txt: { uri: "PYRO:Pyro.NameServer@0.0.0.0:9090" },
        port: 9090,
        referer: { address: "10.0.0.5", family: "IPv4", port: 5353, size: 0 },
      });
      expect(String(uri)).to.equal("PYRO:Pyro.NameServer@10.0.0.5:9090");
    });

    it("falls back to Pyro.NameServer at the service's address without a TXT uri, and rejects a bad one", () => {
      expect(String(uriFromService({ txt: {}, port: 9999, addresses: ["fe80::1", "10.0.0.3"] }))).to.equal("PYRO:Pyro.NameServer@10.0.0.3:9999");
      expect(uriFromService({ txt: { uri: "nonsense" }, port: 9090, addresses: ["10.0.0.3"] })).to.equal(undefined);
    });
  });

  describe("locateNS helpers", () => {
    it("reads NS_HOST as one host or a list of replicas, in order, with or without ports", () => {
      const list = (nsHost: string) => configuredNameServers(nsHost, 9090).map(String);
      expect(list("localhost")).to.deep.equal(["PYRO:Pyro.NameServer@localhost:9090"]);
      expect(list("ns1, ns2:9999,[::1]:7,[fe80::1], 10.0.0.5 ,::1,./u:/tmp/ns.sock")).to.deep.equal([
        "PYRO:Pyro.NameServer@ns1:9090",
        "PYRO:Pyro.NameServer@ns2:9999",
        "PYRO:Pyro.NameServer@[::1]:7",
        "PYRO:Pyro.NameServer@[fe80::1]:9090",
        "PYRO:Pyro.NameServer@10.0.0.5:9090",
        "PYRO:Pyro.NameServer@[::1]:9090",
        "PYRO:Pyro.NameServer@./u:/tmp/ns.sock",
      ]);
    });

    it("builds the name server URI for TCP, IPv6 and Unix socket hosts", () => {
      expect(String(nameServerUri("localhost", 9090))).to.equal("PYRO:Pyro.NameServer@localhost:9090");
      expect(String(nameServerUri("::1", 9090))).to.equal("PYRO:Pyro.NameServer@[::1]:9090");
      expect(String(nameServerUri("[::1]", 9091))).to.equal("PYRO:Pyro.NameServer@[::1]:9091");
      const unix = nameServerUri("./u:/tmp/ns.sock", 9090);
      expect([unix.sockname, unix.host, String(unix)]).to.deep.equal(["/tmp/ns.sock", undefined, "PYRO:Pyro.NameServer@./u:/tmp/ns.sock"]);
    });
  });

  it("types every name server overload on the proxy", () => {
    // Compile-time check: never called.
    async function typed(ns: NameServerProxy): Promise<void> {
      const uri: URI = await ns.lookup("a");
      const withTags: [URI, string[]] = await ns.lookup("a", true);
      const plain: Record<string, string> = await ns.list("a.");
      const tagged: Record<string, [string, string[]]> = await ns.list(null, null, ["t"], null, true);
      const yp: Record<string, [string, string[]]> = await ns.yplookup(["t"]);
      const ypPlain: Record<string, string> = await ns.yplookup(["t"], null, false);
      const removed: number = await ns.remove("a");
      void [uri, withTags, plain, tagged, yp, ypPlain, removed];
    }
    expect(typed).to.be.a("function");
  });
});
