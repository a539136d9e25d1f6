import { expect } from "chai";
import { Daemon, Proxy, type Remote, RemoteError, callback, expose, isProxy, oneway, uriOf } from "@pyrots/core";
import { waitUntil } from "@pyrots/test-support";
import { VARIANTS, startDaemon } from "../support/variants.js";

@expose
class Item {
  constructor(readonly name: string) {}

  label(): string {
    return `item ${this.name}`;
  }
}

@expose
class Factory {
  constructor(private readonly daemon: Daemon) {}

  create(name: string): Item {
    const item = new Item(name);
    this.daemon.register(item);
    return item;
  }

  /** Calls the listener back while serving the call. */
  async notifyMe(listener: ListenerApi, text: string): Promise<string> {
    await listener.notify(text);
    await listener.later(`${text} (oneway)`);
    return "notified";
  }

  async provoke(listener: ListenerApi): Promise<string> {
    try {
      await listener.fail();
      return "no error";
    } catch (error) {
      return `caught ${(error as RemoteError).remoteType}: ${(error as Error).message}`;
    }
  }
}

interface ItemApi {
  label(): string;
}

interface FactoryApi {
  create(name: string): ItemApi;
  notifyMe(listener: object, text: string): Promise<string>;
  provoke(listener: object): Promise<string>;
}

interface ListenerApi {
  notify(text: string): Promise<void>;
  later(text: string): Promise<void>;
  fail(): Promise<never>;
}

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

for (const variant of VARIANTS) {
  describe(`autoproxy and callbacks (${variant.name})`, () => {
    let server: Daemon;
    let clientDaemon: Daemon;
    let uri: string;

    before(async () => {
      server = await startDaemon(variant);
      uri = server.register(new Factory(server), "factory").toString();
      clientDaemon = await startDaemon(variant);
    });
    after(async () => {
      await clientDaemon.shutdown();
      await server.shutdown();
    });

    it("returns a registered object as a proxy to it", async () => {
      await using factory = new Proxy<FactoryApi>(uri, { serializer: variant.serializer });
      const item = (await factory.create("one")) as unknown as Remote<ItemApi>;
      expect(isProxy(item)).to.equal(true);
      expect(uriOf(item).object).to.match(/^obj_[0-9a-f]{32}$/);
      expect(await item.label()).to.equal("item one");
      await item[Symbol.asyncDispose]();
    });

    it("lets the server call back an object the client serves", async () => {
      const listener = new Listener();
      clientDaemon.register(listener);
      await using factory = new Proxy<FactoryApi>(uri, { serializer: variant.serializer });
      const text = `hello ${variant.name}`;
      expect(await factory.notifyMe(listener, text)).to.equal("notified");
      expect(heard).to.include(text);
      await waitUntil(() => heard.includes(`${text} (oneway)`), 5000, "the oneway callback");
      clientDaemon.unregister(listener);
    });

    it("sends a proxy passed as an argument as a proxy", async () => {
      const listener = new Listener();
      const listenerUri = clientDaemon.register(listener);
      await using factory = new Proxy<FactoryApi>(uri, { serializer: variant.serializer });
      await using listenerProxy = new Proxy<ListenerApi>(listenerUri, { serializer: variant.serializer });
      const text = `via proxy ${variant.name}`;
      expect(await factory.notifyMe(listenerProxy, text)).to.equal("notified");
      expect(heard).to.include(text);
    });

    it("delivers an error raised in a callback to the side that called it", async () => {
      const listener = new Listener();
      clientDaemon.register(listener);
      await using factory = new Proxy<FactoryApi>(uri, { serializer: variant.serializer });
      expect(await factory.provoke(listener)).to.equal("caught builtins.TypeError: listener refused");
      clientDaemon.unregister(listener);
    });
  });
}
