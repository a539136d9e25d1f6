/**
 * Autoproxy and callbacks with real Python Pyro4 on the other side, both directions, per
 * serializer: registered objects travel as proxies, and each side runs a daemon for the objects
 * the other calls back.
 */
import { expect } from "chai";
import { Daemon, Proxy, type Remote, RemoteError, behavior, callback, expose, isProxy, oneway, release, uriOf } from "@pyrots/core";
import { PYRO4, PYTHON_PYROS, SERIALIZERS, type PythonDaemon, type PythonPyro, type SerializerName, describeInterop, pythonLabel } from "../support/python.js";
import { waitFor } from "../support/variants.js";
import { type ErrorInfo, type Results, capturingStderr, runFeatureClient, startFeatureDaemon, valueOf } from "./feature-support.js";

interface ItemApi {
  label(): string;
}

interface ListenerApi {
  notify(text: string): void;
  later(text: string): void;
  fail(): never;
}

@expose
class Item {
  constructor(readonly name: string) {}

  label(): string {
    return `item ${this.name}`;
  }
}

@expose
@behavior({ instanceMode: "single" })
class Factory {
  constructor(private readonly daemon: Daemon) {}

  create(name: string): Item {
    const item = new Item(name);
    this.daemon.register(item);
    return item;
  }

  /** Takes a Pyro4 proxy back: it must arrive as a live pyrots proxy. */
  async labelOf(item: Remote<ItemApi>): Promise<[boolean, string]> {
    try {
      return [isProxy(item), await item.label()];
    } finally {
      release(item);
    }
  }

  async notifyMe(listener: Remote<ListenerApi>, text: string): Promise<string> {
    try {
      await listener.notify(text);
      await listener.later(`${text} (oneway)`);
      return "notified";
    } finally {
      release(listener);
    }
  }

  async provoke(listener: Remote<ListenerApi>): Promise<string> {
    try {
      await listener.fail();
      return "no error";
    } catch (error) {
      return `caught ${(error as RemoteError).remoteType}: ${(error as Error).message}`;
    } finally {
      release(listener);
    }
  }
}

/** What a pyrots listener heard from the Python server. */
const heard: string[] = [];

@expose
class Listener {
  notify(text: string): void {
    heard.push(text);
  }

  @oneway
  later(text: string): void {
    heard.push(text);
  }

  @callback
  fail(): never {
    throw new TypeError("listener refused");
  }
}

/** The Python daemon's Factory (snake_case). */
interface PyFactoryApi {
  create(name: string): ItemApi;
  notify_me(listener: object, text: string): [string, string];
  provoke(listener: object): string;
}

/**
 * Proxies pyrots receives from a Python peer (callbacks, autoproxied objects) still speak the
 * receiver's default serializer, msgpack, which a Python daemon at its defaults refuses: until
 * revived proxies follow the serializer they arrived in (the proxy layer's job), the Python
 * daemons of the serpent suites here also accept msgpack. Everything the Python side sends is
 * serpent at its defaults.
 */
const CALLBACK_DAEMONS_ACCEPT_MSGPACK = { PYRO_SERIALIZERS_ACCEPTED: "serpent,json,marshal,msgpack" };
const label = (pyro: PythonPyro, serializer: SerializerName): string =>
  pyro === PYRO4 && serializer === "serpent" ? "Pyro4, serpent: Python at its defaults, its daemons also accepting msgpack" : pythonLabel(pyro, serializer);
/** Pyro5 daemons accept every serializer at their defaults. */
const extraFor = (pyro: PythonPyro, serializer: SerializerName): Record<string, string> =>
  pyro === PYRO4 && serializer === "serpent" ? CALLBACK_DAEMONS_ACCEPT_MSGPACK : {};

for (const pyro of PYTHON_PYROS)
  for (const serializer of SERIALIZERS) {
    describeInterop(
      `Python ${pyro.name} client with autoproxy and callbacks against a pyrots daemon (${label(pyro, serializer)})`,
      function () {
        let daemon: Daemon | undefined;
        let results: Results;

        before(async function () {
          this.timeout(60_000);
          daemon = await Daemon.create({ host: "127.0.0.1" });
          daemon.register(new Factory(daemon), "interop.factory");
          results = await runFeatureClient(daemon.locationStr, serializer, ["autoproxy", "callbacks"], extraFor(pyro, serializer), pyro);
        });
        after(async () => {
          await daemon?.shutdown();
        });

        it(`a registered object returned by a TS method arrives as a ${pyro.proxyClass} that Python can call`, () => {
          const [type, objectId, location, label] = valueOf<string[]>(results, "autoproxy.returned");
          expect(type).to.equal(pyro.proxyClass);
          expect(objectId).to.match(/^obj_[0-9a-f]{32}$/);
          expect(location).to.equal(daemon!.locationStr);
          expect(label).to.equal("item one");
        });

        it(`that ${pyro.name} proxy passed back as an argument arrives as a live pyrots proxy`, () => {
          expect(valueOf(results, "autoproxy.passed_back")).to.deep.equal([true, "item one"]);
        });

        it("a TS server calls back a Python client's listener (normal and oneway)", () => {
          expect(valueOf(results, "callback.notify")).to.deep.equal(["notified", ["hello from python", "hello from python (oneway)"]]);
        });

        it(`an error in a Python @${pyro.name}.callback method reaches the TS caller as builtins.TypeError and is raised on the Python side too`, () => {
          const { result, raised_here } = valueOf<{ result: string; raised_here: ErrorInfo[] }>(results, "callback.provoke");
          expect(result).to.equal("caught builtins.TypeError: listener refused");
          expect(raised_here).to.deep.equal([{ type: "builtins.TypeError", str: "listener refused" }]);
        });
      },
      pyro,
    );

    describeInterop(
      `pyrots client with autoproxy and callbacks against a Python ${pyro.name} daemon (${label(pyro, serializer)})`,
      function () {
        let python: PythonDaemon | undefined;
        let clientDaemon: Daemon | undefined;
        let factory: Remote<PyFactoryApi>;

        before(async function () {
          this.timeout(30_000);
          python = await startFeatureDaemon(serializer, extraFor(pyro, serializer), pyro);
          clientDaemon = await Daemon.create({ host: "127.0.0.1", serializer });
          factory = new Proxy<PyFactoryApi>(python.uris.factory!, { serializer });
        });
        after(async () => {
          await factory?.[Symbol.asyncDispose]();
          await clientDaemon?.shutdown();
          await python?.stop();
        });

        it(`a registered object returned by ${pyro.name} (AUTOPROXY) arrives as a live pyrots proxy`, async () => {
          const item = (await factory.create("two")) as unknown as Remote<ItemApi>;
          expect(isProxy(item)).to.equal(true);
          expect(uriOf(item).object).to.match(/^obj_[0-9a-f]{32}$/);
          expect(await item.label()).to.equal("item two");
          await item[Symbol.asyncDispose]();
        });

        it("the Python server calls back a listener served by the pyrots client's own daemon (normal and oneway)", async () => {
          const listener = new Listener();
          clientDaemon!.register(listener);
          const text = `hello from TS (${serializer})`;
          expect(await factory.notify_me(listener, text)).to.deep.equal(["notified", pyro.proxyClass]);
          expect(heard).to.include(text);
          await waitFor(() => heard.includes(`${text} (oneway)`), 5_000, "the oneway callback");
          clientDaemon!.unregister(listener);
        });

        it("an error in a TS @callback method reaches the Python caller as TypeError and is reported on the TS side", async () => {
          const listener = new Listener();
          clientDaemon!.register(listener);
          const { result, stderr } = await capturingStderr(() => factory.provoke(listener));
          expect(result).to.equal("caught builtins.TypeError: listener refused");
          expect(stderr).to.match(/error in callback fail: .*listener refused/);
          clientDaemon!.unregister(listener);
        });
      },
      pyro,
    );
  }
