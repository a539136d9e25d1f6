/** Pyro4's tutorial warehouse: phase 2 (the URI pasted in) and phase 3 (the name server). */
import type { Scenario } from "../harness/scenario.js";

const INPUT = ["chair", "bike", "", "laptop"].map((line) => `${line}\n`).join("");

/** Phase 3: the warehouse registers in the name server; two visitors store and take things. */
export const warehouse: Scenario = {
  name: "warehouse",
  folder: "warehouse",
  roles: {
    server: { side: "server", cwd: "phase3", python: ["warehouse.py"], pyrots: { port: "warehouse/server.js" } },
    client: { side: "client", cwd: "phase3", python: ["visit.py"], pyrots: { port: "warehouse/client.js" } },
  },
  async play(run) {
    await run.nameServer();
    await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const client = await run.start("client", { input: INPUT });
    await client.exited();
  },
};

/** Phase 2: no name server; the visitor is given the warehouse's URI. */
export const warehousePhase2: Scenario = {
  name: "warehouse (phase 2)",
  folder: "warehouse",
  roles: {
    server: { side: "server", cwd: "phase2", python: ["warehouse.py"], pyrots: { port: "warehouse/server.js", args: ["--no-ns"] } },
    client: { side: "client", cwd: "phase2", python: ["visit.py"], pyrots: { port: "warehouse/client.js", args: ["--uri"] } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const [, uri] = await server.waitFor(/uri = (PYRO:\S+)/);
    const client = await run.start("client", { input: `${uri}\n${INPUT}` });
    await client.exited();
  },
};
