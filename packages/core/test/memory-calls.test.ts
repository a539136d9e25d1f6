/**
 * Fast unit tests of the proxy channel, daemon dispatch and keyword-argument matching over the
 * in-memory network (test/support/memory-network.ts): the real Daemon and Proxy, no sockets. The
 * real-socket suites in test/integration cover the same paths over TCP, Unix sockets and TLS.
 */
import { expect } from "chai";
import { Daemon, Proxy, type Remote, RemoteError, behavior, callWithKwargs, expose, oneway, setAttr } from "@pyrots/core";
import { NETWORK } from "@pyrots/core/internal";
import { MemoryNetwork } from "./support/memory-network.js";

const recorded: string[] = [];

@expose
@behavior({ instanceMode: "single" })
class Calc {
  private total = 0;

  add(a: number, b: number): number {
    return a + b;
  }

  async after(ms: number, value: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return value;
  }

  greet(name: string, greeting = "hello", punctuation = "!"): string {
    return `${greeting}, ${name}${punctuation}`;
  }

  sum(...values: number[]): number {
    return values.reduce((a, b) => a + b, 0);
  }

  fail(kind: string): never {
    throw kind === "type" ? new TypeError("not a number") : new Error("plain failure");
  }

  @oneway
  record(line: string): void {
    recorded.push(line);
  }

  get value(): number {
    return this.total;
  }

  set value(v: number) {
    this.total = v;
  }

  _secret(): string {
    return "never";
  }
}

interface CalcApi {
  add(a: number, b: number): number;
  after(ms: number, value: number): Promise<number>;
  greet(name: string, greeting?: string, punctuation?: string): string;
  sum(...values: number[]): number;
  fail(kind: string): never;
  record(line: string): void;
  value: number;
  missing(): void;
}

async function failure(promise: Promise<unknown>): Promise<RemoteError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RemoteError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("over the in-memory network", () => {
  let net: MemoryNetwork;
  let daemon: Daemon;
  let calc: Remote<CalcApi>;

  beforeEach(async () => {
    net = new MemoryNetwork();
    daemon = await Daemon.create({ [NETWORK]: net, unixSocket: "calc-daemon", env: {} });
    calc = new Proxy<CalcApi>(daemon.register(Calc, "calc"), { [NETWORK]: net, env: {} });
  });

  afterEach(async () => {
    await calc[Symbol.asyncDispose]();
    await daemon.shutdown();
    await net.checkAllDisposed();
  });

  describe("the proxy channel", () => {
    it("runs concurrent calls on one connection and matches each reply to its call", async () => {
      const delays = Array.from({ length: 200 }, (_, i) => (i * 7) % 5);
      const results = await Promise.all(delays.map((ms, i) => calc.after(ms, i)));
      expect(results).to.deep.equal(delays.map((_, i) => i));
      expect(net.connections, "one connection for all of them").to.equal(1);
    });

    it("resolves a oneway call once sent; the daemon runs it", async () => {
      expect(await calc.record("memory line")).to.equal(null);
      for (let turn = 0; turn < 100 && !recorded.includes("memory line"); turn++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(recorded).to.include("memory line");
    });
  });

  describe("daemon dispatch", () => {
    it("reads and writes exposed properties", async () => {
      await setAttr(calc, "value", 5);
      expect(await calc.value).to.equal(5);
    });

    it("refuses private and unknown members, saying which", async () => {
      // Without metadata the proxy sends any name, and the daemon is the one to refuse.
      await using blind = new Proxy<CalcApi>("PYRO:calc@./u:calc-daemon", { [NETWORK]: net, env: {}, metadata: false });
      for (const name of ["_secret", "missing"]) {
        const error = await failure(callWithKwargs(blind, name, [], {}));
        expect(error.remoteType, name).to.equal("builtins.AttributeError");
        expect(error.message, name).to.include(name);
      }
    });

    it("sends exceptions back with their Python type", async () => {
      expect((await failure(calc.fail("type"))).remoteType).to.equal("builtins.TypeError");
      const plain = await failure(calc.fail("other"));
      expect(plain.message).to.equal("plain failure");
    });
  });

  describe("keyword arguments", () => {
    it("bind by parameter name, with defaults for the rest", async () => {
      expect(await callWithKwargs(calc, "greet", ["Ann"], { punctuation: "?" })).to.equal("hello, Ann?");
      expect(await callWithKwargs(calc, "greet", [], { greeting: "hi", name: "Bo" })).to.equal("hi, Bo!");
    });

    it("refuse an unknown name, a name given twice, and too many positional arguments, as Python does", async () => {
      const unknown = await failure(callWithKwargs(calc, "greet", ["Ann"], { salutation: "hi" }));
      expect([unknown.remoteType, unknown.message]).to.deep.equal(["builtins.TypeError", "greet() got an unexpected keyword argument 'salutation'"]);
      const twice = await failure(callWithKwargs(calc, "greet", ["Ann"], { name: "Bo" }));
      expect(twice.message).to.equal("greet() got multiple values for argument 'name'");
      const many = await failure(callWithKwargs(calc, "add", [1, 2, 3], {}));
      expect(many.message).to.equal("add() takes 2 positional arguments but 3 were given");
    });

    it("never bind a rest parameter by name", async () => {
      expect(await calc.sum(1, 2, 3)).to.equal(6);
      const error = await failure(callWithKwargs(calc, "sum", [], { values: [1] }));
      expect(error.message).to.equal("sum() got an unexpected keyword argument 'values'");
    });
  });
});

@expose
class Item {
  constructor(private readonly name: string) {}
  label(): string {
    return `item ${this.name}`;
  }
}

@expose
class Shop {
  constructor(private readonly daemon: Daemon) {}
  make(name: string): Item {
    const item = new Item(name);
    this.daemon.register(item);
    return item;
  }
}

describe("proxies that arrive in replies", () => {
  it("connect over the network of the proxy that received them (autoproxy)", async () => {
    await using net = new MemoryNetwork();
    await using daemon = await Daemon.create({ [NETWORK]: net, unixSocket: "shop", env: {} });
    await using shop = new Proxy<{ make(name: string): Item }>(daemon.register(new Shop(daemon), "shop"), { [NETWORK]: net, env: {} });
    await using item = (await shop.make("one")) as unknown as Remote<Item>;
    expect(await item.label()).to.equal("item one");
    expect(net.connections, "the item's own connection, in memory too").to.equal(2);
  });
});

describe("the in-memory network's leak check", () => {
  it("fails while a proxy's connection or a daemon is still open, and passes once both are closed", async () => {
    const net = new MemoryNetwork();
    const daemon = await Daemon.create({ [NETWORK]: net, unixSocket: "leaky", env: {} });
    const calc = new Proxy<CalcApi>(daemon.register(Calc, "calc"), { [NETWORK]: net, env: {} });
    expect(await calc.add(1, 2)).to.equal(3);
    let error: unknown;
    await net.checkAllDisposed().catch((e: unknown) => (error = e));
    expect(String(error)).to.include("2 connection end(s) still open").and.include("still listening at leaky");
    await calc[Symbol.asyncDispose]();
    await daemon.shutdown();
    await net.checkAllDisposed();
  });

  it("refuses to connect where nothing listens", async () => {
    await using net = new MemoryNetwork();
    await using nowhere = new Proxy<CalcApi>("PYRO:calc@./u:nowhere", { [NETWORK]: net, env: {} });
    let error: unknown;
    await nowhere.add(1, 2).catch((e: unknown) => (error = e));
    expect(String(error)).to.include("nothing listens at nowhere");
  });
});
