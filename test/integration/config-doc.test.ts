import { expect } from "chai";
import { fileURLToPath } from "node:url";
import { runProcess } from "@pyrots/test-support";

const GENERATOR = fileURLToPath(new URL("../../../tools/gen-config-doc.mjs", import.meta.url));

describe("docs/configuration.md", () => {
  it("matches the configuration table in the code", async () => {
    const run = await runProcess(process.execPath, [GENERATOR, "--check"], { env: { ...process.env }, timeoutMs: 20_000 });
    expect(run.code, run.stdout + run.stderr).to.equal(0);
  });
});
