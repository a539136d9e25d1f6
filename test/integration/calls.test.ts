import { expect } from "chai";
import { Daemon, Proxy, behavior, callWithKwargs, expose, metadataOf, oneway, release, setAttr, uriOf } from "@pyrots/core";
import { waitUntil } from "@pyrots/test-support";
import { VARIANTS, startDaemon } from "../support/variants.js";

const received: string[] = [];

@expose
@behavior({ instanceMode: "single" })
class Calculator {
  private total = 0;

  add(a: number, b: number): number {
    return a + b;
  }

  async addLater(a: number, b: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return a + b;
  }

  greet(name: string, greeting = "hello"): string {
    return `${greeting}, ${name}`;
  }

  echo(value: unknown): unknown {
    return value;
  }

  @oneway
  record(line: string): void {
    received.push(line);
  }

  get value(): number {
    return this.total;
  }

  set value(v: number) {
    this.total = v;
  }

  get readOnly(): string {
    return "fixed";
  }

  _secret(): string {
    return "never";
  }
}

interface CalculatorApi {
  add(a: number, b: number): number;
  addLater(a: number, b: number): Promise<number>;
  greet(name: string, greeting?: string): string;
  echo<T>(value: T): T;
  record(line: string): void;
  value: number;
  readOnly: string;
  _secret(): string;
  missing(): void;
}

for (const variant of VARIANTS) {
  describe(`calls (${variant.name})`, () => {
    let daemon: Daemon;
    let uri: string;

    before(async () => {
      daemon = await startDaemon(variant);
      uri = daemon.register(Calculator, "calc").toString();
    });
    after(() => daemon.shutdown());

    const proxy = () => new Proxy<CalculatorApi>(uri, { serializer: variant.serializer });

    it("calls a method and returns its result", async () => {
      await using calc = proxy();
      expect(await calc.add(40, 2)).to.equal(42);
    });

    it("awaits async methods on the daemon side", async () => {
      await using calc = proxy();
      expect(await calc.addLater(1, 2)).to.equal(3);
    });

    it("passes keyword arguments by parameter name", async () => {
      await using calc = proxy();
      expect(await callWithKwargs(calc, "greet", ["Ann"], { greeting: "hi" })).to.equal("hi, Ann");
      expect(await callWithKwargs(calc, "greet", [], { name: "Bo" })).to.equal("hello, Bo");
    });

    it("round-trips plain values", async () => {
      await using calc = proxy();
      const value = { list: [1, "two", null, true, false, 2.5], nested: { a: { b: [] } }, big: 2 ** 40, negative: -(2 ** 40) };
      expect(await calc.echo(value)).to.deep.equal(value);
    });

    it("reads and writes exposed properties", async () => {
      await using calc = proxy();
      await setAttr(calc, "value", 7);
      expect(await calc.value).to.equal(7);
      expect(await calc.readOnly).to.equal("fixed");
    });

    it("refuses to write a read-only property", async () => {
      await using calc = proxy();
      let error: unknown;
      try {
        await setAttr(calc, "readOnly", "x");
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(Error);
    });

    it("resolves a oneway call once sent, and the daemon runs it", async () => {
      await using calc = proxy();
      expect(await calc.record(`line ${variant.name}`)).to.equal(null);
      await waitUntil(() => received.includes(`line ${variant.name}`), 5000, "the oneway call to run");
    });

    it("sends a burst of oneway calls on an open connection in order, each resolving with null as before", async () => {
      await using calc = proxy();
      await calc.add(1, 1);
      const tag = `burst ${variant.name} `;
      const lines = Array.from({ length: 300 }, (_, i) => `${tag}${i}`);
      const results = await Promise.all(lines.map((line) => calc.record(line)));
      expect(results).to.deep.equal(lines.map(() => null));
      await waitUntil(() => received.filter((line) => line.startsWith(tag)).length === lines.length, 5000, "the oneway calls to run");
      expect(received.filter((line) => line.startsWith(tag))).to.deep.equal(lines);
      // A oneway call's promise can still be iterated, and fails as a null result does.
      let error: unknown;
      try {
        for await (const item of calc.record(`${tag}iterated`) as unknown as AsyncIterable<unknown>) expect.fail(`unexpected item ${String(item)}`);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(TypeError).with.property("message").that.includes("did not return an iterator (got null)");
    });

    it("knows the remote members from the handshake", async () => {
      await using calc = proxy();
      await calc.add(1, 1);
      const meta = metadataOf(calc)!;
      expect(meta.methods).to.include.members(["add", "addLater", "greet", "echo", "record"]);
      expect(meta.oneway).to.deep.equal(["record"]);
      expect(meta.attrs).to.include.members(["value", "readOnly"]);
      expect(meta.methods).to.not.include("_secret");
    });

    it("fails locally, with the known names, on an unknown method", async () => {
      await using calc = proxy();
      let error: Error | undefined;
      try {
        await calc.missing();
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.match(/has no exposed method 'missing'/);
      expect(error?.message).to.include("add");
    });

    it("never reaches private members", async () => {
      await using calc = proxy();
      let error: Error | undefined;
      try {
        await (calc as unknown as { _secret(): Promise<string> })._secret();
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.match(/no exposed method '_secret'/);
    });

    it("is never thenable, so it can be returned from async functions", async () => {
      const calc = proxy();
      expect((calc as unknown as { then: unknown }).then).to.equal(undefined);
      const same = await (async () => calc)();
      expect(same).to.equal(calc);
      release(calc);
    });

    it("reports its URI", () => {
      const calc = proxy();
      expect(uriOf(calc).toString()).to.equal(uri);
    });

    it("refuses property assignment with a pointer to setAttr", () => {
      const calc = proxy();
      expect(() => {
        (calc as unknown as { value: number }).value = 3;
      }).to.throw(TypeError, /setAttr/);
    });

    it("answers the built-in Pyro.Daemon object", async () => {
      const location = uri.slice(uri.indexOf("@") + 1);
      await using builtin = new Proxy<{ ping(): null; registered(): string[]; info(): string; get_metadata(id: string): { methods: string[] } }>(
        `PYRO:Pyro.Daemon@${location}`,
        { serializer: variant.serializer },
      );
      expect(await builtin.ping()).to.equal(null);
      expect(await builtin.registered()).to.have.members(["Pyro.Daemon", "calc"]);
      expect(await builtin.info()).to.match(/^Pyro\.Daemon bound on /);
      expect((await builtin.get_metadata("calc")).methods).to.include("add");
    });
  });
}
