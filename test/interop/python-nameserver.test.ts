/**
 * Python Pyro4 and Pyro5 at their defaults (no PYRO_* variables at all, so serpent) against
 * `pyro-ns`, the pyrots name server run as its real command: `python3 -m Pyro4.nsc` /
 * `Pyro5.nsc`, `locateNS` with the whole name server API, and PYRONAME:/PYROMETA: calls to a
 * pyrots object registered there. Then the other way: pyrots' `locateNS`, `PYRONAME:` and
 * `PYROMETA:` against Python Pyro5's name server. Every connection is a direct one to 127.0.0.1
 * (`pyro-ns -x --no-mdns`, `Pyro5.nameserver -x`; nothing broadcasts).
 */
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { Daemon, type NameServerProxy, Proxy, locateNS } from "@pyrots/core";
import { Greeter } from "../support/greeter.js";
import { type Spawned, runProcess, spawnProcess } from "../support/process.js";
import { PYRO4, PYRO5, PYTHON, PYTHON_PYROS, PYTHON_SCRIPTS, describeInterop, pythonEnvFor } from "../support/python.js";

const NS_BIN = fileURLToPath(new URL("../../../nameserver/dist/bin/ns.js", import.meta.url));

type Outcome = { ok: true; value: unknown } | { ok: false; error: { type: string; str: string } };

/** Our environment without any PYRO_* setting, for the name server process. */
function nodeEnvWithoutPyro(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PYRO_")));
}

for (const pyro of PYTHON_PYROS) {
  describeInterop(
    `Python ${pyro.name} at its defaults against pyro-ns (serpent, no PYRO_* settings)`,
    function () {
      this.timeout(60_000);
      let ns: Spawned | undefined;
      let port: number;
      let daemon: Daemon | undefined;
      let results: Record<string, Outcome>;

      /** Runs nsc; `fails`: the command reports an error (Pyro5's nsc prints it, then exits 1 with the traceback). */
      const nscRun = async (fails: boolean, ...args: string[]): Promise<string> => {
        const run = await runProcess(PYTHON, ["-m", `${pyro.name}.nsc`, "-n", "127.0.0.1", "-p", String(port), ...args], {
          env: pythonEnvFor("serpent", {}, pyro),
          timeoutMs: 30_000,
        });
        if (fails && pyro === PYRO5) expect(run.code, run.stderr).to.equal(1);
        else expect(run.code, run.stderr).to.equal(0);
        return run.stdout.trimEnd();
      };
      const nsc = (...args: string[]): Promise<string> => nscRun(false, ...args);
      const valueOf = (check: string): unknown => {
        const outcome = results[check];
        expect(outcome, `no result for ${check}`).to.not.equal(undefined);
        if (!outcome!.ok) expect.fail(`${check} raised ${outcome!.error.type}: ${outcome!.error.str}`);
        return outcome!.value;
      };
      const errorOf = (check: string): { type: string; str: string } => {
        const outcome = results[check];
        expect(outcome, `no result for ${check}`).to.not.equal(undefined);
        if (outcome!.ok) expect.fail(`${check} should have raised, returned ${JSON.stringify(outcome!.value)}`);
        return outcome!.error;
      };

      before(async () => {
        ns = spawnProcess(process.execPath, [NS_BIN, "-n", "127.0.0.1", "-p", "0", "-x", "--no-mdns"], { env: nodeEnvWithoutPyro() });
        const [, uri] = (await ns.waitForLine(/^URI = (\S+)$/, 20_000)) as unknown as [string, string];
        port = Number(/:(\d+)$/.exec(uri)![1]);
        daemon = await Daemon.create({ host: "127.0.0.1", env: {} });
        const greeter = daemon.register(Greeter, "defaults.greeter");
        void daemon.requestLoop();
        await using registry = new Proxy(uri, { env: {} }) as unknown as NameServerProxy & AsyncDisposable;
        await registry.register("defaults.greeter", greeter, false, ["greeting"]);
        const run = await runProcess(PYTHON, [PYTHON_SCRIPTS + "ns_client.py", "127.0.0.1", String(port)], {
          env: pythonEnvFor("serpent", {}, pyro),
          timeoutMs: 60_000,
        });
        const last = run.stdout.trim().split("\n").pop() ?? "";
        if (run.code !== 0 || !last.startsWith("{")) throw new Error(`ns_client.py failed (code ${run.code}):\n${run.stdout}\n${run.stderr}`);
        results = JSON.parse(last) as Record<string, Outcome>;
      });

      after(async () => {
        await daemon?.shutdown();
        await ns?.stop();
      });

      it("pyro-ns accepts serpent by default and no longer tells Python clients to change serializer", () => {
        expect(ns!.lines).to.include("Serializers: msgpack, json, serpent");
        expect(valueOf("serializer")).to.equal("serpent");
      });

      it(`${pyro.name}'s locateNS(host, port) finds it and pings it`, () => {
        expect(valueOf("ping")).to.equal(null);
      });

      it("list() and lookup() give Python its own types: a dict of URI strings, a URI, metadata", () => {
        const uriOfGreeter = (valueOf("lookup") as string[])[1]!;
        expect(valueOf("lookup")).to.deep.equal(["URI", uriOfGreeter]);
        expect(uriOfGreeter).to.match(/^PYRO:defaults\.greeter@127\.0\.0\.1:\d+$/);
        expect(valueOf("list")).to.deep.equal([
          ["Pyro.NameServer", `PYRO:Pyro.NameServer@127.0.0.1:${port}`],
          ["defaults.greeter", uriOfGreeter],
        ]);
        expect(valueOf("lookup_meta")).to.deep.equal([uriOfGreeter, "list", ["greeting"]]);
      });

      it("register() with a Python set of metadata, then every kind of list() search", () => {
        expect(valueOf("register")).to.equal(null);
        expect(valueOf("list_prefix")).to.deep.equal(["py.thing"]);
        expect(valueOf("list_regex")).to.deep.equal(["py.thing"]);
        expect(valueOf("list_meta_all")).to.deep.equal(["py.thing"]);
        expect(valueOf("list_meta_any")).to.deep.equal(["py.thing"]);
        expect(valueOf("list_return_metadata")).to.deep.equal({ "py.thing": ["PYRO:thing@127.0.0.1:1234", ["alpha", "beta"]] });
        expect(valueOf("yplookup")).to.deep.equal(["py.thing"]);
        if (pyro === PYRO5) expect(valueOf("list_positional_pyro5")).to.deep.equal({ "py.thing": ["PYRO:thing@127.0.0.1:1234", ["alpha", "beta"]] });
      });

      it("set_metadata() with a set replaces the metadata", () => {
        expect(valueOf("set_metadata")).to.deep.equal(["gamma"]);
      });

      it("a safe register() of a taken name, a lookup of a removed one and str metadata raise Python's errors", () => {
        expect(errorOf("register_unsafe_twice")).to.deep.equal({ type: pyro.errors("NamingError"), str: "name already registered: py.thing" });
        expect(valueOf("remove")).to.deep.equal([1, 0]);
        expect(errorOf("lookup_missing")).to.deep.equal({ type: pyro.errors("NamingError"), str: "unknown name: py.thing" });
        expect(errorOf("metadata_str_refused").type).to.equal("builtins.TypeError");
      });

      it("PYRONAME: and PYROMETA: URIs resolve through pyro-ns to the pyrots object, which answers in serpent", () => {
        expect(valueOf("pyroname_call")).to.equal("hello python");
        expect(valueOf("pyrometa_call")).to.equal("hello meta");
      });

      const byTags = pyro === PYRO4 ? "listmeta_all" : "yplookup_all";
      it(`python3 -m ${pyro.name}.nsc: ping, register, setmeta, list, ${byTags}, listmatching, lookup, remove`, async () => {
        expect(await nsc("ping")).to.equal("Name server ping ok.");
        expect(await nsc("register", "nsc.thing", "PYRO:nsc@127.0.0.1:4321")).to.equal("Registered nsc.thing");
        expect(await nsc("setmeta", "nsc.thing", "red", "blue")).to.equal("Metadata updated");
        // nsc prints Python's set of tags, in hash order.
        const tags = String.raw`metadata: \['(?:blue', 'red|red', 'blue)'\]`;
        const listing = await nsc("list");
        expect(listing).to.include("defaults.greeter --> PYRO:defaults.greeter@127.0.0.1:");
        expect(listing).to.match(new RegExp(String.raw`nsc\.thing --> PYRO:nsc@127\.0\.0\.1:4321\n    ` + tags));
        expect(await nsc(byTags, "red", "blue"))
          .to.include("nsc.thing --> PYRO:nsc@127.0.0.1:4321")
          .and.not.include("defaults.greeter");
        expect(await nsc("listmatching", "nsc\\..*"))
          .to.include("nsc.thing --> PYRO:nsc@127.0.0.1:4321")
          .and.not.include("defaults.greeter");
        expect(await nsc("lookup", "nsc.thing")).to.match(new RegExp(String.raw`^PYRO:nsc@127\.0\.0\.1:4321\n` + tags + "$"));
        expect(await nsc("remove", "nsc.thing")).to.equal("Removed nsc.thing");
        expect(await nscRun(true, "lookup", "nsc.thing")).to.equal("Error: NamingError - unknown name: nsc.thing");
      });
    },
    pyro,
  );
}

describeInterop(
  "pyrots against Python Pyro5's name server (python3 -m Pyro5.nameserver -x, at its defaults)",
  function () {
    this.timeout(60_000);
    let ns: Spawned | undefined;
    let port: number;
    let daemon: Daemon | undefined;

    before(async () => {
      ns = spawnProcess(PYTHON, ["-m", "Pyro5.nameserver", "-n", "127.0.0.1", "-p", "0", "-x"], { env: pythonEnvFor("serpent", {}, PYRO5) });
      const [, uri] = (await ns.waitForLine(/^URI = (\S+)$/, 20_000)) as unknown as [string, string];
      port = Number(/:(\d+)$/.exec(uri)![1]);
      daemon = await Daemon.create({ host: "127.0.0.1", env: {} });
      void daemon.requestLoop();
    });
    after(async () => {
      await daemon?.shutdown();
      await ns?.stop();
    });

    it("locateNS(host, port) finds it (speaking 502 by itself), and register/lookup/list/yplookup work with metadata", async () => {
      const uri = daemon!.register(Greeter, "py5ns.greeter");
      await using registry = (await locateNS({ host: "127.0.0.1", port, broadcast: false, mdns: false, env: {} })) as NameServerProxy & AsyncDisposable;
      expect(await registry.ping()).to.equal(null);
      await registry.register("py5ns.greeter", uri, false, ["greeting", "py5"]);
      expect(String(await registry.lookup("py5ns.greeter"))).to.equal(String(uri));
      const [found, tags] = (await registry.lookup("py5ns.greeter", true)) as unknown as [unknown, Iterable<string>];
      expect(String(found)).to.equal(String(uri));
      expect([...tags].sort()).to.deep.equal(["greeting", "py5"]);
      const listed = (await registry.list("py5ns.")) as Record<string, string>;
      expect(listed).to.deep.equal({ "py5ns.greeter": String(uri) });
      const yp = (await registry.yplookup(["py5"], null, false)) as Record<string, string>;
      expect(yp).to.deep.equal({ "py5ns.greeter": String(uri) });
    });

    it("PYRONAME: and PYROMETA: proxies resolve through it and call the pyrots object", async () => {
      await using byName = new Proxy<{ hello(name: string): string }>(`PYRONAME:py5ns.greeter@127.0.0.1:${port}`, { env: {}, timeout: 10 });
      expect(await byName.hello("name")).to.equal("hello name");
      await using byMeta = new Proxy<{ hello(name: string): string }>(`PYROMETA:py5@127.0.0.1:${port}`, { env: {}, timeout: 10 });
      expect(await byMeta.hello("meta")).to.equal("hello meta");
    });

    it("an unknown name fails with Pyro5's NamingError, naming what is registered", async () => {
      await using byName = new Proxy<{ hello(name: string): string }>(`PYRONAME:py5ns.nosuch@127.0.0.1:${port}`, { env: {}, timeout: 10 });
      const error = await byName.hello("x").then(
        () => expect.fail("should have failed"),
        (e: unknown) => e as Error,
      );
      expect(error.name).to.equal("NamingError");
      expect(error.message).to.match(/unknown name: py5ns\.nosuch.*registered: py5ns\.greeter/);
    });
  },
  PYRO5,
);
