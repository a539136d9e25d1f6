import { expect } from "chai";
import { Daemon, Proxy, currentContext, expose, withOptions } from "@pyrots/core";
import { startDaemon, VARIANTS } from "../support/variants.js";

const closed: string[] = [];

@expose
class Inspector {
  whoAmI(): { address: string; correlation: string | null; note: string | null } {
    const ctx = currentContext();
    ctx.responseAnnotations.set("RPLY", Buffer.from("from the daemon"));
    const note = ctx.annotations.get("NOTE");
    return {
      address: ctx.client.address,
      correlation: ctx.correlationId ? Buffer.from(ctx.correlationId).toString("hex") : null,
      note: note ? Buffer.from(note).toString() : null,
    };
  }

  async afterAwait(): Promise<string> {
    const ctx = currentContext();
    const address = ctx.client.address;
    await new Promise((resolve) => setTimeout(resolve, 1));
    return address;
  }

  track(label: string): void {
    currentContext().trackResource({ close: () => closed.push(label) });
  }

  /** Numbers the connections by their `client` object: the same number for the same connection. */
  connectionNumber(): number {
    const client = currentContext().client;
    let number = connectionNumbers.get(client);
    if (number === undefined) connectionNumbers.set(client, (number = ++connectionCount));
    return number;
  }
}

const connectionNumbers = new WeakMap<object, number>();
let connectionCount = 0;

interface InspectorApi {
  whoAmI(): { address: string; correlation: string | null; note: string | null };
  afterAwait(): Promise<string>;
  track(label: string): void;
  connectionNumber(): number;
}

const variant = VARIANTS[0];

describe("call context", () => {
  let daemon: Daemon;
  let uri: string;

  before(async () => {
    daemon = await startDaemon(variant);
    uri = daemon.register(Inspector, "inspector").toString();
  });
  after(() => daemon.shutdown());

  it("tells a method the client address, correlation id and request annotations, and carries response annotations back", async () => {
    await using inspector = new Proxy<InspectorApi>(uri);
    const replies: ReadonlyMap<string, Uint8Array>[] = [];
    const corr = "0123456789abcdef0123456789abcdef";
    const seen = await withOptions(inspector, {
      correlationId: corr,
      annotations: { NOTE: "from the client" },
      onAnnotations: (annotations) => replies.push(annotations),
    }).whoAmI();
    expect(seen.address).to.match(/^127\.0\.0\.1:\d+$/);
    expect(seen.correlation).to.equal(corr);
    expect(seen.note).to.equal("from the client");
    expect(Buffer.from(replies[0].get("RPLY")!).toString()).to.equal("from the daemon");
    expect(Buffer.from(replies[0].get("CORR")!).toString("hex")).to.equal(corr);
  });

  it("is readable in an async method before its first await", async () => {
    await using inspector = new Proxy<InspectorApi>(uri);
    expect(await inspector.afterAwait()).to.match(/^127\.0\.0\.1:\d+$/);
  });

  it("gives one client object per connection, usable as a WeakMap key", async () => {
    await using first = new Proxy<InspectorApi>(uri);
    await using second = new Proxy<InspectorApi>(uri);
    const [a1, a2] = await Promise.all([first.connectionNumber(), first.connectionNumber()]);
    const b = await second.connectionNumber();
    expect(a1).to.equal(a2);
    expect(await first.connectionNumber()).to.equal(a1);
    expect(b).to.not.equal(a1);
  });

  it("throws outside a remote call", () => {
    expect(() => currentContext()).to.throw(/only available inside a remote call/);
  });

  it("closes resources tracked against a connection when it ends", async () => {
    const inspector = new Proxy<InspectorApi>(uri);
    await inspector.track("resource A");
    expect(closed).to.not.include("resource A");
    await inspector[Symbol.asyncDispose]();
    const deadline = Date.now() + 5000;
    while (!closed.includes("resource A")) {
      expect(Date.now()).to.be.below(deadline);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
});
