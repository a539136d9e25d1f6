/**
 * Each workload as a {@link Job} over {@link BenchClient}s, with its correctness checks. The same
 * code drives the baseline and pyrots, so they differ only in the client behind the interface.
 */
import { randomFillSync } from "node:crypto";
import type { BenchClient, ClientFactory } from "./adapter.js";
import {
  BATCH_SIZE,
  CONNECTIONS,
  ECHO_BYTES,
  IN_FLIGHT,
  NS_NAME,
  NS_REGISTER_NAMES,
  NS_REGISTER_PREFIX,
  NS_URI,
  ONEWAY_CHUNK,
  type WorkloadId,
} from "./contract.js";
import type { Job } from "./driver.js";

/** A job with the clients it opened and a last check to run after measuring. */
export interface PreparedJob {
  job: Job;
  clients: BenchClient[];
  /** Checks what can only be checked at the end (workload f: every oneway call ran, once). */
  finish(): Promise<void>;
}

/** Opens the clients workload `id` needs and builds its job. */
export async function prepareJob(id: WorkloadId, open: ClientFactory, port: number): Promise<PreparedJob> {
  const connections = id === "e" ? CONNECTIONS : 1;
  const clients: BenchClient[] = [];
  for (let i = 0; i < connections; i++) clients.push(await open(port, id === "h" || id === "i" ? "ns" : "bench"));
  const client = clients[0]!;
  const prepared = (job: Job, finish = async () => {}): PreparedJob => ({ job, clients, finish });

  switch (id) {
    case "a":
    case "b":
      return prepared({ workers: 1, latency: true, step: (_w, k) => checkedAdd(client, k) });
    case "c":
      return prepared({ workers: IN_FLIGHT, step: (w, k) => checkedAdd(client, w * 1_000_000 + k) });
    case "e":
      return prepared({ workers: CONNECTIONS, step: (w, k) => checkedAdd(clients[w]!, k) });
    case "d":
      return prepared(echoJob(client));
    case "f":
      return onewayJob(client, clients);
    case "g":
      return prepared({
        workers: 1,
        step: async (_w, k) => {
          const start = (k % 1_000_000) * BATCH_SIZE;
          const results = await client.addBatch(start, BATCH_SIZE);
          if (results.length !== BATCH_SIZE) throw new Error(`batch returned ${results.length} results`);
          for (let j = 0; j < BATCH_SIZE; j++) if (results[j] !== start + j + 1) throw new Error(`batch result ${j} is ${results[j]}`);
          return BATCH_SIZE;
        },
      });
    case "h":
      await client.register(NS_NAME, NS_URI);
      return prepared({
        workers: 1,
        step: async () => {
          const uri = await client.lookup(NS_NAME);
          if (uri !== NS_URI) throw new Error(`lookup returned ${uri}`);
          return 1;
        },
      });
    case "i":
      return registerJob(client, clients);
  }
}

/** Sequential registrations over a bounded set of names; the last one must resolve at the end. */
function registerJob(client: BenchClient, clients: BenchClient[]): PreparedJob {
  let last: [string, string] | undefined;
  const job: Job = {
    workers: 1,
    latency: true,
    step: async (_w, k) => {
      const entry: [string, string] = [`${NS_REGISTER_PREFIX}${k % NS_REGISTER_NAMES}`, `PYRO:reg${k}@127.0.0.1:9999`];
      await client.register(...entry);
      last = entry;
      return 1;
    },
  };
  const finish = async () => {
    if (last === undefined) throw new Error("no registration was made");
    const uri = await client.lookup(last[0]);
    if (uri !== last[1]) throw new Error(`${last[0]} resolves to ${uri}, expected ${last[1]}`);
  };
  return { job, clients, finish };
}

async function checkedAdd(client: BenchClient, i: number): Promise<number> {
  const sum = await client.add(i, 1);
  if (sum !== i + 1) throw new Error(`add(${i}, 1) returned ${sum}`);
  return 1;
}

const ECHO_STRIDE = 4093;

/** Echo of 1 MiB; each call's payload differs in its first 4 bytes, and the reply is sampled. */
function echoJob(client: BenchClient): Job {
  const payload = randomFillSync(Buffer.alloc(ECHO_BYTES));
  return {
    workers: 1,
    step: async (_w, k) => {
      payload.writeUInt32LE(k >>> 0, 0);
      const reply = await client.echo(payload);
      if (reply.length !== ECHO_BYTES) throw new Error(`echo returned ${reply.length} bytes`);
      const view = Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength);
      if (view.readUInt32LE(0) !== k >>> 0) throw new Error(`echo ${k} returned another payload`);
      for (let i = 4; i < ECHO_BYTES; i += ECHO_STRIDE) if (view[i] !== payload[i]) throw new Error(`echo differs at byte ${i}`);
      if (view[ECHO_BYTES - 1] !== payload[ECHO_BYTES - 1]) throw new Error("echo differs at its last byte");
      return 1;
    },
  };
}

/**
 * Oneway calls in chunks, each followed by a `stats()` call: the server's count (not what was
 * sent) is what counts as done, and the wait bounds what is queued in the client.
 */
function onewayJob(client: BenchClient, clients: BenchClient[]): PreparedJob {
  let sent = 0;
  let expectedSum = 0;
  let processed = 0;
  const job: Job = {
    workers: 1,
    step: async () => {
      for (let j = 0; j < ONEWAY_CHUNK; j++) {
        client.notify(sent);
        expectedSum += sent++;
      }
      const [count] = await client.stats();
      const progress = count - processed;
      processed = count;
      return progress;
    },
  };
  const finish = async () => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [count, sum] = await client.stats();
      if (count === sent) {
        if (sum !== expectedSum) throw new Error(`oneway sum ${sum}, expected ${expectedSum}`);
        return;
      }
      if (count > sent || Date.now() > deadline) throw new Error(`server ran ${count} of ${sent} oneway calls`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { job, clients, finish };
}
