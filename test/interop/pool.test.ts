import { expect } from "chai";
import { Proxy } from "@pyrots/core";
import { type Spawned, spawnProcess } from "../support/process.js";
import { PYRO4, PYTHON, PYTHON_PYROS, pythonEnv, pythonEnvFor, requirePython } from "../support/python.js";

// A Python Pyro4 (or Pyro5, through the scripts' shim) daemon (one thread per connection) whose `meet` returns only once four calls
// are inside it at the same time: four concurrent calls succeed only on four connections.
const SERVER = `
import threading, Pyro4
barrier = threading.Barrier(4, timeout=10)
@Pyro4.expose
@Pyro4.behavior(instance_mode="single")
class Room(object):
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()
    def meet(self):
        barrier.wait()
        return Pyro4.current_context.client_sock_addr[1]
    def next(self):
        with self.lock:
            self.count += 1
            return self.count
d = Pyro4.Daemon(host="127.0.0.1")
print("uri:", d.register(Room, "room"), flush=True)
d.requestLoop()
`;

interface RoomApi {
  meet(): number;
  next(): number;
}

for (const pyro of PYTHON_PYROS)
  describe(`pyrots proxy against a Python ${pyro.name} daemon: one connection, or a pool`, () => {
    let server: Spawned;
    let uri: string;

    before(async function () {
      requirePython(this, pyro);
      server = spawnProcess(PYTHON, ["-c", SERVER], { env: pyro === PYRO4 ? pythonEnv({}) : pythonEnvFor("serpent", {}, pyro) });
      uri = (await server.waitForLine(/^uri: (\S+)$/, 15_000))[1];
    });
    after(() => server?.stop());

    it("queues concurrent calls on its one connection and answers each in turn", async () => {
      await using room = new Proxy<RoomApi>(uri, { serializer: "json" });
      const results = await Promise.all(Array.from({ length: 20 }, () => room.next()));
      expect([...results].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_, i) => results[0] + i).sort((a, b) => a - b));
    });

    it("with poolSize 4, runs four calls at once on four connections", async () => {
      await using room = new Proxy<RoomApi>(uri, { serializer: "json", poolSize: 4, timeout: 15 });
      const ports = await Promise.all(Array.from({ length: 4 }, () => room.meet()));
      expect(new Set(ports).size).to.equal(4);
    });
  });
