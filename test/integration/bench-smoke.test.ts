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

  it("runs section w (pool proxies over workers): overhead cells and 1/2/4 workers, every cell with a rate", async function () {
    this.timeout(90_000);
    const json = join(dir, "pool.json");
    const args = ["bench/dist/run.js", "--only", "w", "--warmup", "100", "--window", "150", "--windows", "2", "--json", json];
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT, timeout: 85_000 });
    expect(stdout)
      .to.match(/\(w\) pool proxies/)
      .and.match(/pool over 4 worker processes/);
    type Cell = { rate?: number; error?: string };
    type Overhead = { plain: Cell; pool: Cell; ratio?: number };
    const { pools } = JSON.parse(readFileSync(json, "utf8")) as { pools: { sequential: Overhead; inflight64: Overhead; scaling: { cell: Cell }[] } };
    for (const overhead of [pools.sequential, pools.inflight64]) expect(overhead.ratio).to.be.a("number").greaterThan(0);
    const cells = [pools.sequential.plain, pools.sequential.pool, pools.inflight64.plain, pools.inflight64.pool, ...pools.scaling.map((s) => s.cell)];
    expect(cells).to.have.length(7);
    for (const cell of cells) {
      expect(cell.error).to.equal(undefined);
      expect(cell.rate).to.be.a("number").greaterThan(0);
    }
  });
});
