/**
 * Costs nothing when not enabled: a daemon, `pyro-ns` and `pyro-httpgateway` without metrics never
 * load prom-client (nor, daemon and name server, OpenTelemetry), shown by running them with an
 * import hook that makes loading those packages fail; the same hook fails `--metrics`, so it works.
 */
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { Proxy } from "@pyrots/core";
import { NS_BIN } from "../support/ns-process.js";
import { runProcess, spawnProcess } from "../support/process.js";

const FORBID = fileURLToPath(new URL("../support/forbid-modules.js", import.meta.url));
const GATEWAY_BIN = fileURLToPath(new URL("../../../packages/web/dist/bin/httpgateway.js", import.meta.url));
const TARGET_DAEMON = fileURLToPath(new URL("../support/target-daemon.js", import.meta.url));

function env(forbidden: string): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PYRO_"))), FORBID_MODULES: forbidden };
}

describe("observability is not loaded when it is off", function () {
  this.timeout(60_000);

  it("a daemon serving calls loads neither prom-client nor OpenTelemetry", async () => {
    const daemon = spawnProcess(process.execPath, ["--import", FORBID, TARGET_DAEMON, "{}"], {
      env: env("prom-client,@opentelemetry/api,@pyrots/observability"),
    });
    try {
      const [, uri] = (await daemon.waitForLine(/^URI (\S+)$/, 20_000)) as unknown as [string, string];
      await using proxy = new Proxy(uri);
      expect(await proxy.add(2, 3)).to.equal(5);
    } finally {
      await daemon.stop();
    }
    expect(daemon.stderr()).not.to.include("forbidden module");
  });

  it("pyro-ns without --metrics and --tracing loads neither; with --metrics it needs prom-client", async () => {
    const forbidden = env("prom-client,@opentelemetry/api,@pyrots/observability");
    const ns = spawnProcess(process.execPath, ["--import", FORBID, NS_BIN, "-n", "127.0.0.1", "-p", "0", "-x", "--no-mdns"], { env: forbidden });
    try {
      const [, uri] = (await ns.waitForLine(/^URI = (\S+)$/, 20_000)) as unknown as [string, string];
      await using proxy = new Proxy(uri);
      expect(await proxy.count()).to.equal(1);
    } finally {
      await ns.stop();
    }
    const withMetrics = await runProcess(process.execPath, ["--import", FORBID, NS_BIN, "-n", "127.0.0.1", "-p", "0", "-x", "--no-mdns", "--metrics", "0"], {
      env: env("prom-client"),
      timeoutMs: 20_000,
    });
    expect(withMetrics.code).to.equal(1);
    expect(withMetrics.stderr).to.include("forbidden module loaded: prom-client");
  });

  it("pyro-ns --metrics or --tracing without @pyrots/observability installed (an optional peer) says what to install, exit 1", async () => {
    for (const flags of [["--metrics", "0"], ["--tracing"]]) {
      const result = await runProcess(process.execPath, ["--import", FORBID, NS_BIN, "-n", "127.0.0.1", "-p", "0", "-x", "--no-mdns", ...flags], {
        env: { ...env("@pyrots/observability"), FORBID_AS_MISSING: "1" },
        timeoutMs: 20_000,
      });
      expect(result.code, result.stderr).to.equal(1);
      expect(result.stderr).to.include(
        `pyro-ns: ${flags[0]} needs the @pyrots/observability package: install it beside @pyrots/nameserver (npm install @pyrots/observability)`,
      );
    }
  });

  it("pyro-httpgateway without --metrics does not load prom-client", async () => {
    const gateway = spawnProcess(
      process.execPath,
      ["--import", FORBID, GATEWAY_BIN, "-H", "127.0.0.1", "-p", "0", "--pyroloc", "PYRO:Pyro.NameServer@127.0.0.1:1"],
      {
        env: env("prom-client"),
      },
    );
    try {
      const [, base] = (await gateway.waitForLine(/^Console: (\S+)console\/$/, 20_000)) as unknown as [string, string];
      expect((await fetch(`${base}metrics`)).status).to.equal(404);
    } finally {
      await gateway.stop();
    }
    expect(gateway.stderr()).not.to.include("forbidden module");
  });
});
