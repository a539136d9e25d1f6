/**
 * The gateway in front of a Python Pyro4 worker (a real Python process, Pyro4 4.82) registered in a
 * pyrots name server: the worker keeps Pyro4's default accepted serializers, and HTTP clients call
 * it with Pyro's gateway URLs and with typed JSON; exceptions, streams, attributes, oneway calls,
 * `$meta` and `$ping` work as with a pyrots worker.
 */
import { expect } from "chai";
import type { Gateway } from "@pyrots/web";
import { gatewayProxy } from "@pyrots/web/client";
import { PYTHON, PYTHON_SCRIPTS, describeInterop, pythonEnv } from "../support/python.js";
import { type Spawned, spawnProcess } from "../support/process.js";
import { http, post, startBackend, type WebBackend } from "../support/web.js";

interface ThermoApi {
  add(a: number, b: number): number;
  greet(name: string, punctuation?: string): string;
  countdown(n: number): Iterable<number>;
  readonly unit: string;
}

describeInterop("gateway: a Python Pyro4 worker behind it", () => {
  let backend: WebBackend;
  let worker: Spawned;
  let gateway: Gateway;
  let verbose: Gateway;

  before(async function () {
    this.timeout(30_000);
    backend = await startBackend();
    // Pyro4's own default for accepted serializers: nothing added for pyrots.
    const env = pythonEnv({ PYRO_SERIALIZER: "json", PYRO_SERIALIZERS_ACCEPTED: "serpent,marshal,json" });
    worker = spawnProcess(PYTHON, [`${PYTHON_SCRIPTS}web_worker.py`, String(backend.nameServer.port)], { env });
    await worker.waitForLine(/^ready$/, 20_000);
    gateway = await backend.gateway();
    verbose = await backend.gateway({ tracebacks: true });
  });
  after(async () => {
    await worker?.stop();
    await backend?.[Symbol.asyncDispose]();
  });

  it("lists the Python worker with its metadata, answers $meta and $ping", async () => {
    const names = await http(`${gateway.url}pyro/$names`);
    expect(names.json.names.find((n: { name: string }) => n.name === "example.thermo")).to.deep.include({ metadata: ["python", "sensor"] });
    const meta = await http(`${gateway.url}pyro/example.thermo/$meta`);
    expect(meta.json).to.deep.equal({
      methods: ["add", "countdown", "describe", "divide", "greet", "log", "logged", "lookup_failure"],
      attributes: ["unit"],
      oneway: ["log"],
    });
    expect((await http(`${gateway.url}pyro/example.thermo/$ping`)).json.ok).to.equal(true);
  });

  it("calls with Pyro's gateway URLs (text keyword arguments) and with typed JSON", async () => {
    expect((await http(`${gateway.url}pyro/example.thermo/greet?name=world`)).json).to.equal("hello world!");
    expect((await post(gateway, "example.thermo", "greet", ["web"], { punctuation: "?" })).json).to.equal("hello web?");
    expect((await post(gateway, "example.thermo", "add", [1.5, 2])).json).to.equal(3.5);
    const described = await post(gateway, "example.thermo", "describe", [{ a: [1, null, true] }]);
    expect(described.json).to.deep.equal({ type: "dict", value: { a: [1, null, true] } });
    const big = await http(`${gateway.url}pyro/example.thermo/describe`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"args": [1180591620717411303424]}',
    });
    expect(big.text).to.equal('{"type":"int","value":1180591620717411303424}');
    expect((await http(`${gateway.url}pyro/example.thermo/unit`)).json).to.equal("celsius");
  });

  it("answers Python exceptions with 500 and their Python type; the traceback only when enabled", async () => {
    const quiet = await post(gateway, "example.thermo", "divide", [1, 0]);
    expect(quiet.status).to.equal(500);
    expect(quiet.json).to.include({ error: "remote-exception", type: "builtins.ZeroDivisionError", message: "division by zero" });
    expect(quiet.json.traceback).to.equal(undefined);
    expect(JSON.stringify(quiet.json), "Python's traceback attribute is not passed on either").not.to.include("Traceback");
    const loud = await post(verbose, "example.thermo", "divide", [1, 0]);
    expect(loud.json.traceback.join("")).to.include("ZeroDivisionError").and.include("web_worker.py");
    // A Pyro error raised by the Python code is the remote side's exception, not the gateway's 404.
    const naming = await post(gateway, "example.thermo", "lookup_failure");
    expect(naming.status).to.equal(500);
    expect(naming.json).to.include({ type: "Pyro4.errors.NamingError", message: "no such sensor" });
    const typeError = await post(gateway, "example.thermo", "greet", [], { nom: "x" });
    expect(typeError.json.type).to.equal("builtins.TypeError");
  });

  it("streams a Python generator and runs oneway calls", async () => {
    const stream = await post(gateway, "example.thermo", "countdown", [3]);
    expect(stream.text).to.equal('{"item":3}\n{"item":2}\n{"item":1}\n{"done":true,"items":3}\n');
    expect((await post(gateway, "example.thermo", "log", ["one"])).text).to.equal("");
    expect((await post(gateway, "example.thermo", "logged")).json).to.deep.equal(["one"]);
  });

  it("serves the browser client's typed proxy, concurrent calls included", async () => {
    const thermo = gatewayProxy<ThermoApi>(`${gateway.url}pyro`, "example.thermo");
    const sums = await Promise.all(Array.from({ length: 12 }, (_, i) => thermo.add(i, 1)));
    expect(sums).to.deep.equal(Array.from({ length: 12 }, (_, i) => i + 1));
    const counted: number[] = [];
    for await (const n of thermo.countdown(4)) counted.push(n);
    expect(counted).to.deep.equal([4, 3, 2, 1]);
    expect(await thermo.unit).to.equal("celsius");
  });

  it("works with a Python Pyro4 name server too (Pyro4's defaults: json is accepted)", async function () {
    this.timeout(30_000);
    const env = pythonEnv({ PYRO_SERIALIZER: "json", PYRO_SERIALIZERS_ACCEPTED: "serpent,marshal,json" });
    const pythonNs = spawnProcess(PYTHON, ["-m", "Pyro4.naming", "-n", "127.0.0.1", "-p", "0", "-x"], { env });
    let pythonWorker: Spawned | undefined;
    try {
      const [, port] = (await pythonNs.waitForLine(/^NS running on 127\.0\.0\.1:(\d+) /, 20_000)) as unknown as [string, string];
      pythonWorker = spawnProcess(PYTHON, [`${PYTHON_SCRIPTS}web_worker.py`, port], { env });
      await pythonWorker.waitForLine(/^ready$/, 20_000);
      const viaPython = await backend.gateway({ nameServer: { host: "127.0.0.1", port: Number(port) } });
      const names = await http(`${viaPython.url}pyro/$names`);
      expect(names.json.nameserver).to.equal(`PYRO:Pyro.NameServer@127.0.0.1:${port}`);
      expect(names.json.names.map((n: { name: string; metadata: string[] }) => [n.name, n.metadata])).to.deep.equal([["example.thermo", ["python", "sensor"]]]);
      expect((await http(`${viaPython.url}pyro/example.thermo/greet?name=python`)).json).to.equal("hello python!");
      expect((await http(`${viaPython.url}pyro/example.nothing/greet`)).status).to.equal(404);
    } finally {
      await pythonWorker?.stop();
      await pythonNs.stop();
    }
  });
});
