/**
 * `pyro-httpgateway` as a command: help, version, usage errors (exit 2), and a real run in a child
 * process in front of an in-process name server, stopped with SIGTERM.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { runProcess, spawnProcess } from "../support/process.js";
import { http, startBackend } from "../support/web.js";

const WEB_DIR = fileURLToPath(new URL("../../../packages/web/", import.meta.url));
const manifest = JSON.parse(readFileSync(`${WEB_DIR}package.json`, "utf8")) as { version: string; bin: Record<string, string> };
const BIN = `${WEB_DIR}${manifest.bin["pyro-httpgateway"]}`;

/** The environment without the caller's PYRO_* settings. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PYRO_"))), ...extra };
}

function run(args: string[], env: Record<string, string> = {}) {
  return runProcess(process.execPath, [BIN, ...args], { env: cleanEnv(env), timeoutMs: 15_000 });
}

describe("pyro-httpgateway (command)", function () {
  this.timeout(30_000);

  it("--help and -h print the usage, exit 0; --version and -V the version", async () => {
    for (const flag of ["--help", "-h"]) {
      const result = await run([flag]);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/^usage: pyro-httpgateway /);
      for (const option of ["--host", "--port", "--expose", "--gateway-key", "--ns-host", "--pyroloc", "--timeout", "--prefix", "--cors", "--max-body"]) {
        expect(result.stdout).to.include(option);
      }
    }
    for (const flag of ["--version", "-V"]) {
      const result = await run([flag]);
      expect(result.stdout.trim()).to.equal(`pyro-httpgateway (pyrots) ${manifest.version}`);
    }
  });

  it("exits 2 with the problem and the usage for bad usage", async () => {
    const cases: [string[], Record<string, string>, string][] = [
      [["--no-such-flag"], {}, "unknown option --no-such-flag"],
      [["-p", "70000"], {}, "--port must be a port number 0-65535"],
      [["-e", "("], {}, 'expose pattern "(": invalid regex'],
      [["-e", ""], {}, "expose pattern is empty"],
      [["-t", "soon"], {}, '--timeout must be a number, got "soon"'],
      [["--max-body", "0"], {}, "maxBody must be an integer"],
      [["--prefix", "/a b"], {}, 'prefix "/a b"'],
      [["--cors", "app.example"], {}, 'CORS origin "app.example" is not a URL'],
      [["-g", "k"], { PYRO_HTTPGATEWAY_KEY: "k" }, "don't use -g and PYRO_HTTPGATEWAY_KEY at the same time"],
      [["--pyroloc", "PYRO:Pyro.NameServer@127.0.0.1:1", "-n", "127.0.0.1"], {}, "--pyroloc gives the name server's whole URI"],
    ];
    for (const [args, env, message] of cases) {
      const result = await run(args, env);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).to.equal(2);
      expect(result.stderr).to.include(`pyro-httpgateway: ${message}`).and.include("usage: pyro-httpgateway ");
    }
  });

  it("serves a name server's objects until SIGTERM, with the key from the environment", async () => {
    await using backend = await startBackend();
    const { port } = backend.nameServer;
    const gateway = spawnProcess(
      process.execPath,
      [BIN, "-H", "127.0.0.1", "-p", "0", "-n", "127.0.0.1", "--ns-port", String(port), "-e", "example\\.", "--prefix", "/gw"],
      {
        env: cleanEnv({ PYRO_HTTPGATEWAY_KEY: "from-env" }),
      },
    );
    try {
      // The console line comes last: every line before it is there once it is.
      const [, url] = (await gateway.waitForLine(/^Console: (http:\/\/127\.0\.0\.1:\d+\/gw\/)console\/$/, 15_000)) as unknown as [string, string];
      expect(gateway.lines).to.include(`Pyro HTTP gateway running on ${url}pyro/`);
      expect(gateway.lines).to.include("Exposing objects with names matching: example\\.");
      expect(gateway.lines).to.include(`Connected to name server at: ${backend.ns.uri}`);
      expect(gateway.lines).to.include("Gateway key required.");
      const answer = await http(`${url}pyro/example.calc/add?$args=[20,22]`, { headers: { "X-Pyro-Gateway-Key": "from-env" } });
      expect(answer.json).to.equal(42);
      expect((await http(`${url}pyro/example.calc/add?$args=[20,22]`)).status).to.equal(403);
      process.kill(gateway.pid, "SIGTERM");
      const exit = await gateway.exited;
      expect(exit.code, gateway.stderr()).to.equal(0);
      expect(gateway.lines.at(-1)).to.equal("Gateway shut down.");
    } finally {
      await gateway.stop();
    }
  });

  it("says so and keeps serving when no name server answers yet (exit 1 only for a port in use)", async () => {
    const gateway = spawnProcess(process.execPath, [BIN, "-H", "127.0.0.1", "-p", "0", "--pyroloc", "PYRO:Pyro.NameServer@127.0.0.1:1"], { env: cleanEnv() });
    try {
      const [, url] = (await gateway.waitForLine(/^Console: (\S+)console\/$/, 15_000)) as unknown as [string, string];
      expect(gateway.lines).to.include("Not yet connected to a name server.");
      expect((await http(`${url}pyro/http.calc/add`)).json.error).to.equal("nameserver-unreachable");
      const taken = /:(\d+)\/$/.exec(url)![1]!;
      const clash = await run(["-H", "127.0.0.1", "-p", taken]);
      expect(clash.code).to.equal(1);
      expect(clash.stderr).to.match(/^pyro-httpgateway: listen EADDRINUSE/);
    } finally {
      await gateway.stop();
    }
  });
});
