/**
 * docs/pyro4-examples.md stays true to the suite: one row per Pyro4 example, and every example the
 * suite runs marked as running in the directions it runs (and only those).
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { examplesAvailable, exampleFolders } from "./harness/source.js";
import { variantsOf } from "./harness/scenario.js";
import { SCENARIOS } from "./scenarios/index.js";

const DOC = fileURLToPath(new URL("../../../docs/pyro4-examples.md", import.meta.url));

/** The table's rows: example name → the two direction cells. */
function tableRows(): Map<string, [string, string]> {
  const rows = new Map<string, [string, string]>();
  for (const line of readFileSync(DOC, "utf8").split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    if (cells.length < 6 || cells[1] === "example" || !/^[a-z][\w-]*$/.test(cells[1]!)) continue;
    rows.set(cells[1]!, [cells[2]!, cells[3]!]);
  }
  return rows;
}

describe("docs/pyro4-examples.md", () => {
  it("has one row for each of Pyro4's 56 examples", function () {
    const rows = tableRows();
    expect(rows.size).to.equal(56);
    if (examplesAvailable().ok) expect([...rows.keys()].sort()).to.deep.equal(exampleFolders());
  });

  it("marks exactly the directions the suite runs for each example", () => {
    const directions = new Map<string, [string, string]>();
    // An example with several scenarios (one per client program) runs a direction if any of them does.
    for (const scenario of SCENARIOS) {
      const variants = variantsOf(scenario);
      const [server, client] = directions.get(scenario.folder) ?? ["—", "—"];
      directions.set(scenario.folder, [variants.includes("pyrots-server") ? "✓" : server, variants.includes("pyrots-client") ? "✓" : client]);
    }
    for (const [name, cells] of tableRows()) expect(cells, name).to.deep.equal(directions.get(name) ?? ["—", "—"]);
  });
});
