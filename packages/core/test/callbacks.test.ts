/**
 * The rule for callback proxies (proxies a daemon received from a client): where each may
 * connect. Pure policy: addresses are checked, never connected to.
 */
import { expect } from "chai";
import { SecurityError, URI, callbackRule, msgpackSerializer, type PeerInfo } from "@pyrots/core/internal";

const peer = (host: string | undefined): PeerInfo => ({ address: host ? `${host}:5000` : "unknown", host, serializer: msgpackSerializer });
const uri = URI.parse("PYRO:cb@192.0.2.99:4000");

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a refusal");
}

describe("callback proxies: where they may connect", () => {
  it("client (the default): the client's own host, nothing else", async () => {
    const rule = callbackRule("client", peer("192.0.2.10"))!;
    expect(await rule({ host: "192.0.2.10", port: 4000 }, uri)).to.deep.equal({ host: "192.0.2.10", port: 4000 });
    const error = await refusal(rule({ host: "192.0.2.99", port: 22 }, uri));
    expect(error).to.be.instanceOf(SecurityError);
    expect(error.message).to.match(/points at 192\.0\.2\.99.*client connected from \(192\.0\.2\.10\).*callbackHosts/);
  });

  it("a client reported as an IPv4-mapped IPv6 address is the same host", async () => {
    const rule = callbackRule("client", peer("::ffff:192.0.2.10"))!;
    expect(await rule({ host: "192.0.2.10", port: 1 }, uri)).to.deep.equal({ host: "192.0.2.10", port: 1 });
  });

  it("a loopback client may be called back on any loopback address, by name too", async () => {
    const rule = callbackRule("client", peer("127.0.0.1"))!;
    expect(await rule({ host: "::1", port: 1 }, uri)).to.deep.equal({ host: "::1", port: 1 });
    const byName = await rule({ host: "localhost", port: 1 }, uri);
    expect(["127.0.0.1", "::1"]).to.include((byName as { host: string }).host);
    expect(await refusal(rule({ host: "192.0.2.10", port: 1 }, uri))).to.be.instanceOf(SecurityError);
  });

  it("Unix sockets: only for a client that came over a Unix socket", async () => {
    expect(await callbackRule("client", peer(undefined))!({ path: "/tmp/cb.sock" }, uri)).to.deep.equal({ path: "/tmp/cb.sock" });
    expect(await refusal(callbackRule("client", peer("192.0.2.10"))!({ path: "/run/docker.sock" }, uri))).to.be.instanceOf(SecurityError);
    expect(await refusal(callbackRule("client", peer(undefined))!({ host: "192.0.2.10", port: 1 }, uri))).to.be.instanceOf(SecurityError);
  });

  it("a list admits exactly its hosts; any admits everything", async () => {
    const rule = callbackRule(["192.0.2.20", "192.0.2.21"], peer("192.0.2.10"))!;
    expect(await rule({ host: "192.0.2.21", port: 1 }, uri)).to.deep.equal({ host: "192.0.2.21", port: 1 });
    expect(await refusal(rule({ host: "192.0.2.10", port: 1 }, uri))).to.be.instanceOf(SecurityError);
    expect(callbackRule("any", peer("192.0.2.10"))).to.equal(undefined);
  });
});
