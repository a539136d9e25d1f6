/**
 * The test etcd cluster's own start (`@pyrots/test-support`): a port found free and taken before
 * etcd binds it (seen in CI: "bind: address already in use") costs a second start, not a failure.
 */
import { expect } from "chai";
import { type Server, createServer } from "node:net";
import { describeEtcd, freePort, startEtcdCluster } from "@pyrots/test-support";

describeEtcd("the test etcd cluster", () => {
  let taken: Server | undefined;

  after(async () => {
    if (taken) await new Promise((resolve) => taken!.close(resolve));
  });

  it("starts again on other ports when one of its ports was taken before etcd bound it", async function () {
    this.timeout(60_000);
    // Whoever connects to it (the cluster's health probe) is turned away at once.
    taken = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => taken!.listen(0, "127.0.0.1", resolve));
    const takenPort = (taken.address() as { port: number }).port;
    // The first member's client port is one that something else already listens on.
    let handedOut = 0;
    const ports = () => (handedOut++ === 0 ? Promise.resolve(takenPort) : freePort());
    await using cluster = await startEtcdCluster({ members: 1, ports });
    expect(handedOut, "ports handed out over two starts of one member").to.equal(4);
    expect(cluster.members[0]!.clientPort).to.not.equal(takenPort);
    expect(await cluster.leader()).to.equal(0);
  });
});
