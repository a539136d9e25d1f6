/**
 * The baseline client: calls multiplexed over one socket by sequence number.
 */
import { connect } from "node:net";
import type { BenchClient } from "../adapter.js";
import { FrameReader, FrameWriter, Kind } from "./framing.js";

interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** Opens one connection to a baseline server. */
export async function connectBaseline(port: number): Promise<BenchClient> {
  const socket = connect({ host: "127.0.0.1", port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const waiting = new Map<number, Waiter>();
  let nextSeq = 0;
  const reader = new FrameReader((seq, kind, body) => {
    const waiter = waiting.get(seq);
    if (!waiter) return;
    waiting.delete(seq);
    if (kind === Kind.ERROR) waiter.reject(new Error(String(body)));
    else waiter.resolve(body);
  });
  socket.on("data", (chunk: Buffer) => reader.push(chunk));
  socket.on("close", () => {
    for (const waiter of waiting.values()) waiter.reject(new Error("connection closed"));
    waiting.clear();
  });
  const writer = new FrameWriter(socket);

  const call = (body: unknown[]): Promise<unknown> => {
    const seq = (nextSeq = (nextSeq + 1) >>> 0);
    writer.send(seq, Kind.CALL, body);
    return new Promise((resolve, reject) => waiting.set(seq, { resolve, reject }));
  };

  return {
    add: (a, b) => call(["add", a, b]) as Promise<number>,
    echo: (data) => call(["echo", data]) as Promise<Uint8Array>,
    notify: (i) => writer.send(0, Kind.ONEWAY, ["notify", i]),
    stats: () => call(["stats"]) as Promise<[number, number]>,
    addBatch: (start, n) => {
      const calls: unknown[] = [];
      for (let k = 0; k < n; k++) calls.push(["add", start + k, 1]);
      return call(["batch", calls]) as Promise<number[]>;
    },
    register: async (name, uri) => void (await call(["register", name, uri])),
    lookup: (name) => call(["lookup", name]) as Promise<string>,
    close: async () => void socket.destroy(),
  };
}
