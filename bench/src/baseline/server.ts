/**
 * The baseline server: the bench methods in a plain table, dispatched by name from each frame.
 */
import { createServer, type Socket } from "node:net";
import { FrameReader, FrameWriter, Kind } from "./framing.js";

type Method = (...args: never[]) => unknown;

/** Starts the baseline server on 127.0.0.1 and resolves with its port. */
export async function startBaselineServer(): Promise<number> {
  let count = 0;
  let sum = 0;
  const names = new Map<string, string>();
  const methods: Record<string, Method> = {
    add: (a: number, b: number) => a + b,
    echo: (data: Uint8Array) => data,
    notify: (i: number) => {
      count++;
      sum += i;
    },
    stats: () => [count, sum],
    register: (name: string, uri: string) => void names.set(name, uri),
    lookup: (name: string) => {
      const uri = names.get(name);
      if (uri === undefined) throw new Error(`unknown name: ${name}`);
      return uri;
    },
    batch: (calls: [string, ...unknown[]][]) => calls.map(([name, ...args]) => invoke(name, args)),
  };
  const invoke = (name: string, args: unknown[]): unknown => {
    const method = methods[name];
    if (!method) throw new Error(`no method ${name}`);
    return method(...(args as never[]));
  };

  const serve = (socket: Socket) => {
    socket.setNoDelay(true);
    const writer = new FrameWriter(socket);
    const reader = new FrameReader((seq, kind, body) => {
      const [name, ...args] = body as [string, ...unknown[]];
      let result: unknown;
      try {
        result = invoke(name, args);
      } catch (error) {
        if (kind !== Kind.ONEWAY) writer.send(seq, Kind.ERROR, String(error));
        return;
      }
      if (kind !== Kind.ONEWAY) writer.send(seq, Kind.REPLY, result);
    });
    socket.on("data", (chunk: Buffer) => reader.push(chunk));
    socket.on("error", () => socket.destroy());
  };
  const server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}
