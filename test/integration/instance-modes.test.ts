import { expect } from "chai";
import { Daemon, Proxy, behavior, expose, release } from "@pyrots/core";
import { VARIANTS, startDaemon } from "../support/variants.js";

let created = 0;

@expose
class Counter {
  readonly serial = ++created;
  private count = 0;

  next(): number {
    return ++this.count;
  }

  id(): number {
    return this.serial;
  }
}

@behavior({ instanceMode: "single" })
class SingleCounter extends Counter {}

@behavior({ instanceMode: "session" })
class SessionCounter extends Counter {}

@behavior({ instanceMode: "percall" })
class PercallCounter extends Counter {}

const madeBy: string[] = [];
// Like Pyro4, a method a subclass redefines needs exposing again.
@expose
@behavior({
  instanceMode: "single",
  instanceCreator: (cls) => {
    madeBy.push("creator");
    return new (cls as typeof CreatedCounter)(100);
  },
})
class CreatedCounter extends Counter {
  constructor(readonly start: number) {
    super();
  }

  override next(): number {
    return this.start + super.next();
  }
}

interface CounterApi {
  next(): number;
  id(): number;
}

for (const variant of VARIANTS) {
  describe(`instance modes (${variant.name})`, () => {
    let daemon: Daemon;
    const uris: Record<string, string> = {};

    before(async () => {
      daemon = await startDaemon(variant);
      uris.single = daemon.register(SingleCounter, "single").toString();
      uris.session = daemon.register(SessionCounter, "session").toString();
      uris.percall = daemon.register(PercallCounter, "percall").toString();
      uris.created = daemon.register(CreatedCounter, "created").toString();
      uris.instance = daemon.register(new SessionCounter(), "instance").toString();
    });
    after(() => daemon.shutdown());

    const open = (mode: string) => new Proxy<CounterApi>(uris[mode], { serializer: variant.serializer });

    it("single: one instance shared by every connection", async () => {
      await using a = open("single");
      await using b = open("single");
      const first = await a.next();
      expect(await b.next()).to.equal(first + 1);
      expect(await a.id()).to.equal(await b.id());
    });

    it("session: one instance per connection, kept across its calls", async () => {
      await using a = open("session");
      await using b = open("session");
      expect([await a.next(), await a.next()]).to.deep.equal([1, 2]);
      expect(await b.next()).to.equal(1);
      expect(await a.id()).to.not.equal(await b.id());
    });

    it("session: a new connection gets a new instance", async () => {
      await using a = open("session");
      await a.next();
      const before = await a.id();
      release(a);
      expect(await a.next()).to.equal(1);
      expect(await a.id()).to.not.equal(before);
    });

    it("percall: a new instance for every call", async () => {
      await using a = open("percall");
      expect([await a.next(), await a.next()]).to.deep.equal([1, 1]);
      expect(await a.id()).to.not.equal(await a.id());
    });

    it("instanceCreator makes the instances", async () => {
      await using a = open("created");
      expect(await a.next()).to.be.greaterThan(100);
      expect(madeBy).to.include("creator");
    });

    it("a registered instance serves every connection", async () => {
      await using a = open("instance");
      await using b = open("instance");
      const first = await a.next();
      expect(await b.next()).to.equal(first + 1);
    });
  });
}
