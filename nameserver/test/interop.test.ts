import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { expect } from "chai";
import { Daemon, NamingError, Proxy, RemoteError, URI, callWithKwargs, expose, locateNS } from "@pyrots/core";
import { SqlStorage } from "@pyrots/nameserver";
import { run, runBin, start, startBin } from "./support/process.js";
import { describeInterop, failure, PYTHON, pythonEnv, type Spawned, waitUntil } from "@pyrots/test-support";
import { startTestNs, tempDir } from "./support/ns.js";

const SCRIPTS = fileURLToPath(new URL("../test/python/", import.meta.url));
const SERIALIZERS = ["msgpack", "json"] as const;

@expose
class Thing {
  hello(name: string): string {
    return `hi ${name}`;
  }
}

describeInterop("interop: Python Pyro4 against pyro-ns", function () {
  this.timeout(60_000);
  let ns: Spawned;
  let port: number;
  let dir: ReturnType<typeof tempDir>;
  const pyNsc = (serializer: string, ...args: string[]) =>
    run(PYTHON, ["-m", "Pyro4.nsc", "-n", "127.0.0.1", "-p", String(port), ...args], { env: pythonEnv({ PYRO_SERIALIZER: serializer }) });

  before(async () => {
    dir = tempDir();
    ns = startBin("ns", ["-n", "127.0.0.1", "-p", "0", "-x", "--no-mdns", "-s", `sql:${join(dir.path, "ns.sqlite")}`]);
    port = Number((await ns.waitForLine(/^URI = PYRO:Pyro\.NameServer@127\.0\.0\.1:(\d+)$/))[1]);
  });
  after(async () => {
    await ns?.stop();
    dir?.remove();
  });

  for (const serializer of SERIALIZERS) {
    it(`Pyro4.locateNS(host, port), every call, PYRONAME and PYROMETA proxies (${serializer})`, async () => {
      const result = await run(PYTHON, [SCRIPTS + "ns_client.py", "127.0.0.1", String(port)], { env: pythonEnv({ PYRO_SERIALIZER: serializer }) });
      expect(result.code, result.stderr).to.equal(0);
      const out = JSON.parse(result.stdout.trim().split("\n").pop()!);
      expect(out).to.deep.include({
        ns_uri: `PYRO:Pyro.NameServer@127.0.0.1:${port}`,
        ping: null,
        count0: 1,
        lookup: ["URI", "PYRO:calc@127.0.0.1:1234"],
        lookup_meta: ["PYRO:calc@127.0.0.1:1234", ["tag1", "tag2"]],
        self: ["class:Pyro4.naming.NameServer"],
        list_all: ["Pyro.NameServer", "py.obj", "py.safe", "py.uri"],
        list_prefix: { "py.obj": "PYRO:calc@127.0.0.1:1234", "py.uri": "PYRO:u@127.0.0.1:5", "py.safe": "PYRO:s@127.0.0.1:6" },
        list_regex: { "py.obj": "PYRO:calc@127.0.0.1:1234", "py.uri": "PYRO:u@127.0.0.1:5" },
        list_meta_all: ["py.obj"],
        list_meta_any: ["py.obj"],
        err_safe: ["NamingError", "name already registered: py.safe"],
        err_unknown: ["NamingError", "unknown name: py.none"],
        err_two: ["ValueError", "you can only filter on one thing at a time"],
        err_strmeta: ["TypeError", "metadata should not be a str, but another iterable (set, list, etc)"],
        err_setmeta: ["NamingError", "unknown name: py.none"],
        after_setmeta: ["x", "y"],
        yplookup: { "py.obj": ["PYRO:calc@127.0.0.1:1234", ["x", "y"]] },
        pyroname: "hello pyrots",
        pyrometa: "hello meta",
        remove: 1,
        remove_missing: 0,
        remove_self: 0,
        remove_regex: 1,
        remove_prefix: 2,
        count_end: 1,
      });
      expect(out.list_with_meta["py.obj"]).to.deep.equal(["PYRO:calc@127.0.0.1:1234", ["tag1", "tag2"]]);
      expect(out.err_regex[0]).to.equal("NamingError");
      expect(out.err_regex[1]).to.match(/^invalid regex: /);
      expect(out.err_baduri[0]).to.equal("PyroError");
    });

    it(`python3 -m Pyro4.nsc commands (${serializer})`, async () => {
      expect((await pyNsc(serializer, "ping")).stdout).to.equal("Name server ping ok.\n");
      expect((await pyNsc(serializer, "register", "nsc.one", "PYRO:one@127.0.0.1:1")).stdout).to.equal("Registered nsc.one\n");
      expect((await pyNsc(serializer, "register", "nsc.one", "PYRO:one@127.0.0.1:1")).stdout).to.match(
        /Error: NamingError - name already registered: nsc\.one/,
      );
      expect((await pyNsc(serializer, "setmeta", "nsc.one", "blue")).stdout).to.equal("Metadata updated\n");
      expect((await pyNsc(serializer, "lookup", "nsc.one")).stdout).to.equal("PYRO:one@127.0.0.1:1\nmetadata: ['blue']\n");
      const listed = (await pyNsc(serializer, "list", "nsc.")).stdout;
      expect(listed).to.match(/--------START LIST - prefix 'nsc\.'\nnsc\.one --> PYRO:one@127\.0\.0\.1:1\n {4}metadata: \['blue'\]\n--------END LIST/);
      expect((await pyNsc(serializer, "listmatching", "nsc\\.o")).stdout).to.include("nsc.one --> PYRO:one@127.0.0.1:1");
      expect((await pyNsc(serializer, "listmeta_all", "blue")).stdout).to.include("nsc.one --> ");
      expect((await pyNsc(serializer, "listmeta_any", "blue", "red")).stdout).to.include("nsc.one --> ");
      expect((await pyNsc(serializer, "lookup", "nsc.none")).stdout).to.equal("Error: NamingError - unknown name: nsc.none\n");
      expect((await pyNsc(serializer, "remove", "nsc.one")).stdout).to.equal("Removed nsc.one\n");
      await pyNsc(serializer, "register", "nsc.two", "PYRO:two@127.0.0.1:2");
      const removed = await run(PYTHON, ["-m", "Pyro4.nsc", "-n", "127.0.0.1", "-p", String(port), "removematching", "nsc\\."], {
        env: pythonEnv({ PYRO_SERIALIZER: serializer }),
        input: "y\n",
      });
      expect(removed.stdout).to.match(/1 items removed\./);
    });
  }

  it("Python's SqlStorage reads the file pyro-ns writes", async () => {
    await runBin("nsc", ["-n", "127.0.0.1", "-p", String(port), "register", "file.check", "PYRO:f@127.0.0.1:9"]);
    await runBin("nsc", ["-n", "127.0.0.1", "-p", String(port), "setmeta", "file.check", "m1", "m2"]);
    const script =
      "import sys,json\nfrom Pyro4.naming_storage import SqlStorage\ns=SqlStorage(sys.argv[1])\nu,m=s['file.check']\nprint(json.dumps([u,sorted(m),len(s)]))";
    const result = await run(PYTHON, ["-c", script, join(dir.path, "ns.sqlite")], { env: pythonEnv() });
    expect(result.code, result.stderr).to.equal(0);
    const [uri, tags, count] = JSON.parse(result.stdout);
    expect([uri, tags]).to.deep.equal(["PYRO:f@127.0.0.1:9", ["m1", "m2"]]);
    expect(count).to.be.at.least(2);
  });

  it("Python's SqlStorage writes to the file pyro-ns writes, beside pyrots' registrants table", async () => {
    await runBin("nsc", ["-n", "127.0.0.1", "-p", String(port), "register", "file.moved", "PYRO:m@127.0.0.1:9"]);
    await runBin("nsc", ["-n", "127.0.0.1", "-p", String(port), "register", "file.gone", "PYRO:g@127.0.0.1:9"]);
    const file = join(dir.path, "ns.sqlite");
    const before = new SqlStorage(file);
    try {
      expect(before.get("file.moved")!.registrant, "pyro-nsc registered from loopback").to.equal("127.0.0.1");
    } finally {
      before.close();
    }
    const script =
      "import sys\nfrom Pyro4.naming_storage import SqlStorage\ns=SqlStorage(sys.argv[1])\ns['file.moved']=('PYRO:m2@127.0.0.1:10',{'py'})\ndel s['file.gone']\nprint(len(s))";
    const result = await run(PYTHON, ["-c", script, file], { env: pythonEnv() });
    expect(result.code, result.stderr).to.equal(0);
    const after = new SqlStorage(file);
    try {
      // Re-registered by Pyro4: the registrant pyrots recorded no longer applies.
      expect(after.get("file.moved")).to.deep.equal({ uri: "PYRO:m2@127.0.0.1:10", metadata: ["py"] });
      expect(after.get("file.gone")).to.equal(undefined);
    } finally {
      after.close();
    }
    expect(await runBin("nsc", ["-n", "127.0.0.1", "-p", String(port), "lookup", "file.moved"])).to.include({
      code: 0,
      stdout: "PYRO:m2@127.0.0.1:10\nmetadata: py\n",
    });
  });
});

describeInterop("interop: pyro-ns --no-tracebacks and a Python client", function () {
  this.timeout(60_000);

  async function pythonTraceback(extra: string[]): Promise<string> {
    const ns = startBin("ns", ["-n", "127.0.0.1", "-p", "0", "-x", "--no-mdns", ...extra]);
    try {
      const port = (await ns.waitForLine(/^URI = PYRO:Pyro\.NameServer@127\.0\.0\.1:(\d+)$/))[1]!;
      const script = [
        "import sys, Pyro4, Pyro4.util, Pyro4.errors",
        "ns = Pyro4.locateNS('127.0.0.1', int(sys.argv[1]))",
        "try:",
        "    ns.lookup('no.such.name')",
        "except Pyro4.errors.NamingError:",
        "    print(''.join(Pyro4.util.getPyroTraceback()))",
      ].join("\n");
      const result = await run(PYTHON, ["-c", script, port], { env: pythonEnv({ PYRO_SERIALIZER: "msgpack" }) });
      expect(result.code, result.stderr).to.equal(0);
      return result.stdout;
    } finally {
      await ns.stop();
    }
  }

  it("Pyro4.util.getPyroTraceback shows the name server's traceback by default, and none with the flag", async () => {
    const shown = await pythonTraceback([]);
    expect(shown).to.include("Remote traceback:");
    expect(shown).to.include("NamingError: unknown name: no.such.name");
    const hidden = await pythonTraceback(["--no-tracebacks"]);
    expect(hidden).to.not.include("Remote traceback");
    expect(hidden).to.not.include("nameserver");
    expect(hidden).to.include("NamingError: unknown name: no.such.name");
  });
});

describeInterop("interop: autoclean and Python daemons", function () {
  this.timeout(60_000);

  it("checks a Python daemon that registered itself (URI host localhost) and removes it once it is gone", async () => {
    await using ns = await startTestNs({ autoclean: 0.2, autocleanGrace: 0.5, allowShortAutoclean: true });
    const daemon = start(PYTHON, [SCRIPTS + "ns_daemon.py", "127.0.0.1", String(ns.uri.port), "py.autoclean"], pythonEnv({ PYRO_SERIALIZER: "msgpack" }));
    try {
      const uri = (await daemon.waitForLine(/^registered (PYRO:\S+)$/, 20_000))[1]!;
      expect(uri).to.match(/^PYRO:obj_\w+@localhost:\d+$/);
      expect(ns.storage.get("py.autoclean")).to.deep.equal({ uri, metadata: [], registrant: "127.0.0.1" });
      // Several passes and more than the grace period: a live daemon stays.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(ns.storage.get("py.autoclean")?.uri).to.equal(uri);
    } finally {
      await daemon.stop();
    }
    await waitUntil(() => ns.storage.get("py.autoclean") === undefined, 10_000, "the Python daemon's name to go");
  });
});

describeInterop("interop: pyrots against Python's Pyro4 name server", function () {
  this.timeout(60_000);
  let pyNs: Spawned;
  let port: number;
  let dir: ReturnType<typeof tempDir>;

  before(async () => {
    dir = tempDir();
    pyNs = start(PYTHON, ["-m", "Pyro4.naming", "-n", "127.0.0.1", "-p", "0", "-x", "-s", `sql:${join(dir.path, "py.sqlite")}`], pythonEnv());
    port = Number((await pyNs.waitForLine(/^URI = PYRO:Pyro\.NameServer@127\.0\.0\.1:(\d+)$/, 20_000))[1]);
  });
  after(async () => {
    await pyNs?.stop();
    dir?.remove();
  });

  for (const serializer of SERIALIZERS) {
    it(`locateNS and every call through a pyrots Proxy (${serializer})`, async () => {
      await using ns = await locateNS({ host: "127.0.0.1", port, serializer, env: {} });
      const kw = (method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => callWithKwargs(ns, method, args, kwargs);
      const prefix = `js.${serializer}.`;
      expect(await ns.ping()).to.equal(null);
      const before = await ns.count();
      await kw("register", [`${prefix}a`, "PYRO:a@127.0.0.1:1"], { metadata: ["t1", "t2"] });
      await ns.register(`${prefix}b`, new URI({ protocol: "PYRO", object: "b", host: "127.0.0.1", port: 2 }));
      expect(await ns.count()).to.equal(before + 2);
      const uri = await ns.lookup(`${prefix}a`);
      expect(uri).to.be.instanceOf(URI);
      expect(String(uri)).to.equal("PYRO:a@127.0.0.1:1");
      const [, tags] = (await kw("lookup", [`${prefix}a`], { return_metadata: true })) as [URI, string[]];
      expect([...tags].sort()).to.deep.equal(["t1", "t2"]);
      expect(await kw("list", [], { prefix })).to.deep.equal({ [`${prefix}a`]: "PYRO:a@127.0.0.1:1", [`${prefix}b`]: "PYRO:b@127.0.0.1:2" });
      expect(Object.keys((await kw("list", [], { regex: `${prefix.replaceAll(".", "\\.")}b` })) as object)).to.deep.equal([`${prefix}b`]);
      expect(Object.keys((await kw("list", [], { metadata_all: ["t1", "t2"] })) as object)).to.include(`${prefix}a`);
      const withMeta = (await kw("list", [], { prefix, return_metadata: true })) as Record<string, [string, string[]]>;
      expect(withMeta[`${prefix}b`]).to.deep.equal(["PYRO:b@127.0.0.1:2", []]);
      await ns.set_metadata(`${prefix}b`, ["n"]);
      expect(Object.keys((await kw("list", [], { metadata_any: ["n"] })) as object)).to.deep.equal([`${prefix}b`]);
      const unknown = await failure(ns.lookup(`${prefix}zzz`));
      expect(unknown).to.be.instanceOf(NamingError);
      expect(unknown.message).to.equal(`unknown name: ${prefix}zzz`);
      const dup = await failure(kw("register", [`${prefix}a`, "PYRO:a@127.0.0.1:1"], { safe: true }));
      expect(dup).to.be.instanceOf(NamingError);
      const two = await failure(kw("list", [], { prefix: "a", regex: "b" }));
      expect((two as RemoteError).remoteType).to.equal("builtins.ValueError");
      expect(await ns.remove(`${prefix}a`)).to.equal(1);
      expect(await kw("remove", [], { prefix })).to.equal(1);
      expect(await ns.remove("Pyro.NameServer")).to.equal(0);
    });
  }

  it("PYRONAME: proxies resolve through it", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", env: {} });
    const uri = daemon.register(Thing, "thing");
    {
      await using ns = await locateNS({ host: "127.0.0.1", port, env: {} });
      await ns.register("js.thing", uri);
    }
    await using thing = new Proxy<{ hello(name: string): string }>(`PYRONAME:js.thing@127.0.0.1:${port}`, { env: {} });
    expect(await thing.hello("python ns")).to.equal("hi python ns");
  });

  it("pyro-nsc drives it", async () => {
    const nsc = (...args: string[]) => runBin("nsc", ["-n", "127.0.0.1", "-p", String(port), ...args]);
    expect(await nsc("ping")).to.include({ code: 0, stdout: "Name server ping ok.\n" });
    expect(await nsc("register", "nsc.py", "PYRO:x@127.0.0.1:3")).to.include({ code: 0, stdout: "Registered nsc.py\n" });
    expect((await nsc("register", "nsc.py", "PYRO:x@127.0.0.1:3")).stderr).to.match(/NamingError: name already registered: nsc\.py/);
    expect(await nsc("setmeta", "nsc.py", "k")).to.include({ code: 0, stdout: "Metadata updated\n" });
    expect(await nsc("lookup", "nsc.py")).to.include({ code: 0, stdout: "PYRO:x@127.0.0.1:3\nmetadata: k\n" });
    expect((await nsc("list", "nsc.")).stdout).to.include("nsc.py --> PYRO:x@127.0.0.1:3");
    expect((await nsc("listmatching", "nsc\\.p")).stdout).to.include("nsc.py --> ");
    expect((await nsc("listmeta_all", "k")).stdout).to.include("nsc.py --> ");
    expect((await nsc("listmeta_any", "k", "z")).stdout).to.include("nsc.py --> ");
    // Pyro4 has no yplookup: pyro-nsc falls back to list(metadata_...).
    expect((await nsc("yplookup_all", "k")).stdout).to.include("nsc.py --> ");
    expect((await nsc("lookup", "nsc.none")).stderr).to.match(/NamingError: unknown name: nsc\.none/);
    expect(await nsc("remove", "nsc.py")).to.include({ code: 0, stdout: "Removed nsc.py\n" });
    await nsc("register", "nsc.a", "PYRO:x@127.0.0.1:3");
    expect(await nsc("removematching", "nsc\\.")).to.include({ code: 0, stdout: "1 item removed.\n" });
  });

  it("pyro-nsc shows names it registered with newlines and escape sequences escaped", async () => {
    // Pyro4 accepts any str as a name; pyro-nsc must not let one forge lines or drive the terminal.
    await using ns = await locateNS({ host: "127.0.0.1", port, env: {} });
    await callWithKwargs(ns, "register", ["evil\n\x1b[2J", "PYRO:e@127.0.0.1:7"], { metadata: ["\r\x1b[31mred"] });
    try {
      const listed = await runBin("nsc", ["-n", "127.0.0.1", "-p", String(port), "list", "evil"]);
      expect(listed.stdout).to.equal(
        "--------START LIST - prefix 'evil'\n'evil\\n\\x1b[2J' --> PYRO:e@127.0.0.1:7\n                    metadata: '\\r\\x1b[31mred'\n--------END LIST (1 name)\n",
      );
    } finally {
      await ns.remove("evil\n\x1b[2J");
    }
  });

  it("its SQL file opens in our SqlStorage", async () => {
    await runBin("nsc", ["-n", "127.0.0.1", "-p", String(port), "register", "file.py", "PYRO:p@127.0.0.1:4"]);
    await runBin("nsc", ["-n", "127.0.0.1", "-p", String(port), "setmeta", "file.py", "a", "b"]);
    const storage = new SqlStorage(join(dir.path, "py.sqlite"));
    try {
      const entry = storage.get("file.py")!;
      expect([entry.uri, [...entry.metadata].sort()]).to.deep.equal(["PYRO:p@127.0.0.1:4", ["a", "b"]]);
      expect(storage.get("Pyro.NameServer")!.uri).to.equal(`PYRO:Pyro.NameServer@127.0.0.1:${port}`);
    } finally {
      storage.close();
    }
  });
});
