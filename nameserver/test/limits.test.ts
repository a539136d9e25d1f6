/**
 * The name server's bounds on what one client may register and ask for (NameServerLimits), over
 * real connections: each is refused with a clear error, and nothing else is disturbed.
 */
import { expect } from "chai";
import { NamingError, Proxy, RemoteError, callWithKwargs } from "@pyrots/core";
import { DEFAULT_LIMITS, type NameServerLimits, type RunningNameServer } from "@pyrots/nameserver";
import { startTestNs } from "./support/ns.js";
import { failure } from "@pyrots/test-support";

type AnyProxy = Record<string, (...args: unknown[]) => Promise<unknown>> & AsyncDisposable;

async function valueError(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await failure(promise);
  expect((error as RemoteError).remoteType, error.message).to.equal("builtins.ValueError");
  expect(error.message).to.match(message);
}

describe("name server limits", function () {
  this.timeout(20_000);
  let ns: RunningNameServer;
  let proxy: AnyProxy;
  const kw = (method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => callWithKwargs(proxy, method, args, kwargs);
  const limits: Partial<NameServerLimits> = {
    maxNames: 6,
    maxNameLength: 20,
    maxUriLength: 40,
    maxTags: 3,
    maxTagLength: 10,
    maxRegistrationSize: 60,
    maxQueryTags: 2,
    maxListingSize: 300,
  };

  before(async () => (ns = await startTestNs({ limits })));
  after(() => ns.close());
  beforeEach(async () => {
    proxy = new Proxy<AnyProxy>(ns.uri, { env: {} });
    await kw("remove", [], { regex: ".*" });
  });
  afterEach(() => proxy[Symbol.asyncDispose]());

  it("refuses names, URIs, tags and registrations beyond their sizes with ValueError", async () => {
    await valueError(proxy.register("n".repeat(21), "PYRO:o@127.0.0.1:1"), /^name too long: 21 characters \(the limit is 20\)$/);
    await valueError(proxy.register("long.uri", `PYRO:${"o".repeat(40)}@127.0.0.1:1`), /^URI too long: \d+ characters \(the limit is 40\)$/);
    await valueError(kw("register", ["tags", "PYRO:o@127.0.0.1:1"], { metadata: ["a", "b", "c", "d"] }), /^metadata has 4 tags \(the limit is 3\)$/);
    await valueError(
      kw("register", ["tag", "PYRO:o@127.0.0.1:1"], { metadata: ["t".repeat(11)] }),
      /^metadata tag too long: 11 characters \(the limit is 10\)$/,
    );
    const tenChars = ["a".repeat(10), "b".repeat(10), "c".repeat(10)];
    await valueError(
      kw("register", ["bigger.name", "PYRO:object@127.0.0.1:1"], { metadata: tenChars }),
      /^registration too large: 64 characters of name, URI and metadata \(the limit is 60\)$/,
    );
    await proxy.register("ok.longer.name", "PYRO:o@127.0.0.1:1");
    await valueError(proxy.set_metadata("ok.longer.name", ["a", "b", "c", "d"]), /^metadata has 4 tags/);
    await valueError(proxy.set_metadata("ok.longer.name", tenChars), /^registration too large: 62 characters/);
    await proxy.set_metadata("ok.longer.name", tenChars.slice(1));
    expect(await proxy.count()).to.equal(2);
  });

  it("refuses a new name when full, but lets existing names be registered again", async () => {
    for (let i = 1; i < 6; i++) await proxy.register(`n${i}`, `PYRO:o@127.0.0.1:${i}`);
    const full = await failure(proxy.register("n6", "PYRO:o@127.0.0.1:6"));
    expect(full).to.be.instanceOf(NamingError);
    expect(full.message).to.equal("name server full: it holds 6 names, its limit (remove unused names, or raise the limit with --max-names)");
    await proxy.register("n1", "PYRO:o@127.0.0.1:7");
    expect(String(await proxy.lookup("n1"))).to.equal("PYRO:o@127.0.0.1:7");
    await proxy.remove("n5");
    await proxy.register("n6", "PYRO:o@127.0.0.1:6");
  });

  it("refuses metadata queries with too many or too long tags", async () => {
    await valueError(kw("list", [], { metadata_all: ["a", "b", "c"] }), /^metadata_all has 3 tags \(the limit is 2\)$/);
    await valueError(kw("list", [], { metadata_any: ["a", "b", "c"] }), /^metadata_any has 3 tags/);
    await valueError(kw("yplookup", [], { meta_any: ["a", "b", "c"] }), /^meta_any has 3 tags/);
    await valueError(kw("yplookup", [], { meta_all: ["x".repeat(11)] }), /^meta_all tag too long/);
  });

  it("refuses a listing larger than the limit, and answers the narrowed one", async () => {
    for (let i = 1; i < 6; i++) await proxy.register(`name.number.${i}`, `PYRO:obj@127.0.0.1:${1000 + i}`, false, ["tag.one", "tag.two", "tag.three"]);
    expect(Object.keys((await proxy.list()) as object)).to.have.length(6);
    const tooLarge = await failure(kw("list", [], { return_metadata: true }));
    expect(tooLarge).to.be.instanceOf(NamingError);
    expect(tooLarge.message).to.match(/^listing too large: 6 names, more than 300 characters \(narrow it with a prefix, regex or metadata filter\)$/);
    expect(Object.keys((await kw("list", [], { prefix: "name.number.1", return_metadata: true })) as object)).to.deep.equal(["name.number.1"]);
  });
});

describe("name server work queues", function () {
  this.timeout(20_000);

  it("refuses listings beyond the per-connection limit at once, and serves other connections", async () => {
    await using ns = await startTestNs({ limits: { searchesPerConnection: 2 } });
    await using greedy = new Proxy<AnyProxy>(ns.uri, { env: {} });
    await using other = new Proxy<AnyProxy>(ns.uri, { env: {} });
    await greedy.ping();
    await other.ping();
    // Sent in one write: they arrive together, before any has had its turn.
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => greedy.list()));
    const refused = outcomes.filter((o) => o.status === "rejected").map((o) => (o as PromiseRejectedResult).reason as Error);
    expect(outcomes.filter((o) => o.status === "fulfilled")).to.have.length(2);
    expect(refused).to.have.length(8);
    for (const error of refused) {
      expect(error).to.be.instanceOf(NamingError);
      expect(error.message).to.equal("name server busy: too many listings and searches in flight on this connection (the limit is 2); wait for their answers");
    }
    expect(Object.keys((await other.list()) as object)).to.deep.equal(["Pyro.NameServer"]);
    expect(Object.keys((await greedy.list()) as object), "the connection's own work is done: it may list again").to.deep.equal(["Pyro.NameServer"]);
  });

  it("refuses listings beyond the queue bound with 'busy'", async () => {
    await using ns = await startTestNs({ limits: { searchesQueued: 3 } });
    await using client = new Proxy<AnyProxy>(ns.uri, { env: {} });
    await client.ping();
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => client.list()));
    const messages = outcomes.map((o) => (o.status === "fulfilled" ? "ok" : ((o as PromiseRejectedResult).reason as Error).message));
    expect(messages.filter((m) => m === "ok")).to.have.length(3);
    expect(
      messages.filter((m) => /^name server busy: the name server is busy \(3 listings and searches are waiting\); try again later$/.test(m)),
    ).to.have.length(5);
  });

  it("drops the waiting searches of connections that closed", async () => {
    await using ns = await startTestNs({ limits: { regexTimeLimit: 1 } });
    await using setup = new Proxy<AnyProxy>(ns.uri, { env: {} });
    await setup.register("a".repeat(40) + "!", "PYRO:x@127.0.0.1:1");
    const quitters = Array.from({ length: 6 }, () => new Proxy<AnyProxy>(ns.uri, { env: {} }));
    await Promise.all(quitters.map((q) => q.ping()));
    const abandoned = quitters.flatMap((q) => Array.from({ length: 8 }, () => callWithKwargs(q, "list", [], { regex: "(a+)+$" }).catch((e: Error) => e)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await Promise.all(quitters.map((q) => q[Symbol.asyncDispose]()));
    await Promise.all(abandoned);
    // Had they stayed queued, this search would wait its turn behind one search of each quitter (about 6 s).
    await using other = new Proxy<AnyProxy>(ns.uri, { env: {}, timeout: 3 });
    expect(Object.keys((await callWithKwargs(other, "list", [], { regex: "Pyro" })) as object)).to.deep.equal(["Pyro.NameServer"]);
  });

  it("refuses invalid limits when starting", async () => {
    let error: unknown;
    try {
      await startTestNs({ limits: { maxNames: 0 } });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/RangeError: name server limit maxNames must be a positive number, got 0/);
    expect(DEFAULT_LIMITS.maxNames).to.equal(50_000);
  });
});
