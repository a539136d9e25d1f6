import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

interface BenchJson {
  cells: { impl: string; workload: string; value?: number; rssMiB?: number; checked?: number; error?: string }[];
  rows: { metric: string; pyrotsRatio?: number }[];
}

// Keeps `npm run bench` alive in CI: a quick run must produce sane figures. It never asserts speed.
describe("bench harness (smoke)", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "pyrots-bench-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("runs workload a for pyrots and the baseline and writes figures and a ratio", async function () {
    this.timeout(60_000);
    const json = join(dir, "bench.json");
    const args = ["bench/dist/run.js", "--quick", "--only", "a", "--impl", "pyrots,baseline", "--json", json];
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT, timeout: 55_000 });
    expect(stdout).to.match(/\(a\) sequential add/);
    const result = JSON.parse(readFileSync(json, "utf8")) as BenchJson;
    expect(result.cells.map((c) => c.impl)).to.deep.equal(["baseline", "pyrots"]);
    for (const cell of result.cells) {
      expect(cell.error, `${cell.impl} cell`).to.equal(undefined);
      expect(cell.value).to.be.a("number").greaterThan(0);
      expect(cell.rssMiB).to.be.a("number").greaterThan(0);
      expect(cell.checked).to.be.a("number").greaterThan(0);
    }
    expect(result.rows[0]!.pyrotsRatio).to.be.a("number").greaterThan(0);
  });
});
