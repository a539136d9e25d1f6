/**
 * A user whose tsconfig.json lacks `experimentalDecorators` gets TC39 decorators from TypeScript:
 * the program says what to set, instead of "@expose on static member '[object Object]'". The
 * user's file is compiled with the project's own TypeScript, as the user would, and run.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runProcess } from "../support/process.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const TSC = join(REPO, "node_modules/typescript/bin/tsc");

describe("a project compiled without experimentalDecorators", function () {
  this.timeout(60_000);
  let dir: string;

  // Inside the repository, so that "@pyrots/core" resolves as in a user's project.
  before(() => (dir = mkdtempSync(join(REPO, "test/.tc39-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("fails at start-up with the setting to add", async () => {
    writeFileSync(
      join(dir, "worker.ts"),
      'import { Daemon, expose } from "@pyrots/core";\n@expose\nclass Worker {\n  add(a: number, b: number): number {\n    return a + b;\n  }\n}\nconst daemon = await Daemon.create({ host: "127.0.0.1" });\nconsole.log(daemon.register(Worker).toString());\nawait daemon.shutdown();\n',
    );
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true, outDir: "out" },
      }),
    );
    const compiled = await runProcess(process.execPath, [TSC, "-p", dir], { timeoutMs: 50_000 });
    expect(compiled.code, compiled.stdout + compiled.stderr).to.equal(0);
    const run = await runProcess(process.execPath, [join(dir, "out/worker.js")], { timeoutMs: 15_000 });
    expect(run.code).to.not.equal(0);
    expect(run.stderr).to.include('Set "experimentalDecorators": true').and.not.include("[object Object]");
  });
});
