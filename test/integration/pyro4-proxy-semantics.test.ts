/**
 * Proxy behaviour that Pyro4 programs rely on (found by running Pyro4's own examples against
 * pyrots, see test/compat): over-limit messages refused by their sender, a handshake check on the
 * proxy side, the application's own class dicts, and the annotations of each item of a remote
 * iterator.
 */
import { expect } from "chai";
import { MessageTooLargeError, Proxy, SerializeError, currentContext, expose, withOptions } from "@pyrots/core";
import { startDaemon, VARIANTS } from "../support/variants.js";

/** An application class that travels as a class dict, as Pyro4 sends its instances. */
class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  toJSON(): Record<string, unknown> {
    return { __class__: "geometry.Point", x: this.x, y: this.y };
  }
}
const POINTS = { "geometry.Point": (d: Record<string, unknown>) => new Point(Number(d.x), Number(d.y)) };

let calls = 0;

@expose
class Service {
  echo(value: unknown): unknown {
    calls++;
    return value;
  }

  big(size: number): string {
    return "x".repeat(size);
  }

  /** Takes a Point (not a dict), returns one moved by (1, 1). */
  move(point: unknown): Point {
    if (!(point instanceof Point)) throw new TypeError(`expected a Point, got ${typeof point}`);
    return new Point(point.x + 1, point.y + 1);
  }

  *chunks(): Generator<number> {
    for (let i = 1; i <= 3; i++) {
      currentContext().responseAnnotations.set("CHNK", Buffer.from(`chunk ${i}`));
      yield i;
    }
  }
}

interface ServiceApi {
  echo(value: unknown): unknown;
  big(size: number): string;
  move(point: Point): Point;
  chunks(): Generator<number>;
}

for (const variant of VARIANTS.slice(0, 3)) {
  describe(`Pyro4 proxy semantics (${variant.name})`, () => {
    const options = { serializer: variant.serializer };

    it("refuses to send a call over maxMessageSize (MessageTooLargeError), and the connection goes on", async () => {
      await using daemon = await startDaemon(variant);
      await using proxy = new Proxy<ServiceApi>(daemon.register(Service, "service"), { ...options, maxMessageSize: 2500 });
      const before = calls;
      const error = await proxy.echo("y".repeat(5000)).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(MessageTooLargeError);
      expect((error as Error).message).to.match(/^max message size exceeded \(\d+ where max=2500\): the call echo was not sent/);
      expect(calls).to.equal(before);
      expect(await proxy.echo("small")).to.equal("small");
    });

    it("a daemon refuses to send a result over its maxMessageSize: the caller gets MessageTooLargeError", async () => {
      await using daemon = await startDaemon(variant, { maxMessageSize: 2500 });
      await using proxy = new Proxy<ServiceApi>(daemon.register(Service, "service"), options);
      const error = await proxy.big(5000).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(MessageTooLargeError);
      expect((error as Error).message).to.match(/the result of the call was not sent/);
      expect(await proxy.big(10)).to.equal("x".repeat(10));
    });

    it("a reply over the proxy's maxMessageSize fails the call with MessageTooLargeError (not a closed connection)", async () => {
      await using daemon = await startDaemon(variant);
      await using proxy = new Proxy<ServiceApi>(daemon.register(Service, "service"), { ...options, maxMessageSize: 2500 });
      const error = await proxy.big(5000).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(MessageTooLargeError);
      expect((error as Error).message).to.match(/^max message size exceeded \(\d+ where max=2500\): the peer sent/);
    });

    it("validateHandshake sees the daemon's response and can refuse the daemon", async () => {
      await using daemon = await startDaemon(variant, { validateHandshake: () => ["custom", "response"] });
      const uri = daemon.register(Service, "service");
      const seen: unknown[] = [];
      await using accepting = new Proxy<ServiceApi>(uri, { ...options, validateHandshake: (response) => void seen.push(response) });
      expect(await accepting.echo(1)).to.equal(1);
      expect(seen).to.deep.equal([["custom", "response"]]);
      await using refusing = new Proxy<ServiceApi>(uri, {
        ...options,
        validateHandshake: async () => {
          throw new Error("not the daemon I wanted");
        },
      });
      const error = await refusing.echo(1).catch((e: unknown) => e);
      expect((error as Error).message).to.equal("not the daemon I wanted");
    });

    it("dictToClass turns the application's class dicts into its objects, on both sides", async () => {
      await using daemon = await startDaemon(variant, { dictToClass: POINTS });
      const uri = daemon.register(Service, "service");
      await using proxy = new Proxy<ServiceApi>(uri, { ...options, dictToClass: POINTS });
      const moved = await proxy.move(new Point(1, 2));
      expect(moved).to.be.instanceOf(Point).and.deep.include({ x: 2, y: 3 });
      // without a converter such a class dict is refused, and the error says how to accept it:
      // by a proxy reading a reply...
      await using plain = new Proxy<ServiceApi>(uri, options);
      const unread = await plain.move(new Point(1, 2)).catch((e: unknown) => e);
      expect(unread).to.be.instanceOf(SerializeError);
      expect((unread as Error).message).to.match(/unsupported serialized class: geometry\.Point \(.*dictToClass\)/);
      // ...and by a daemon reading a request
      await using plainDaemon = await startDaemon(variant);
      await using toPlain = new Proxy<ServiceApi>(plainDaemon.register(Service, "service"), options);
      const refused = await toPlain.echo(new Point(1, 2)).catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(SerializeError);
      expect((refused as Error).message).to.match(/unsupported serialized class: geometry\.Point/);
    });

    it("onAnnotations gets the annotations of each item of a remote iterator", async () => {
      await using daemon = await startDaemon(variant);
      await using proxy = new Proxy<ServiceApi>(daemon.register(Service, "service"), options);
      const seen: string[] = [];
      const watched = withOptions(proxy, { onAnnotations: (a) => seen.push(a.has("CHNK") ? Buffer.from(a.get("CHNK")!).toString() : "-") });
      const items: number[] = [];
      for await (const item of watched.chunks()) items.push(item);
      expect(items).to.deep.equal([1, 2, 3]);
      expect(seen.filter((text) => text.startsWith("chunk"))).to.deep.equal(["chunk 1", "chunk 2", "chunk 3"]);
    });
  });
}
