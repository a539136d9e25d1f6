/**
 * An on-path attacker for tests: a TCP relay on 127.0.0.1 in front of a daemon that cuts both
 * directions into whole Pyro frames, records them, and lets a test rewrite any frame before it is
 * passed on (flip a header flag, swap a sequence number). Written against the byte layout alone,
 * independently of @pyrots/core.
 */
import net from "node:net";

/** Which way a frame travels. */
export type Direction = "toDaemon" | "toClient";

/** Rewrites a frame (or returns it unchanged); `index` counts frames per direction and connection. */
export type Tamper = (frame: Buffer, direction: Direction, index: number) => Buffer;

/** A running relay. */
export interface Relay {
  readonly port: number;
  /** Every frame the clients sent, per connection, as they were before tampering. */
  readonly sent: Buffer[][];
  close(): Promise<void>;
}

/** The header fields a test usually rewrites. */
export const header = {
  type: (frame: Buffer) => frame.readUInt16BE(6),
  flags: (frame: Buffer) => frame.readUInt16BE(8),
  seq: (frame: Buffer) => frame.readUInt16BE(10),
};

/** A copy of `frame` with new flags (and seq, if given), its checksum fixed as an attacker would. */
export function rewritten(frame: Buffer, fields: { flags?: number; seq?: number }): Buffer {
  const copy = Buffer.from(frame);
  const oldFlags = copy.readUInt16BE(8);
  const oldSeq = copy.readUInt16BE(10);
  const flags = fields.flags ?? oldFlags;
  const seq = fields.seq ?? oldSeq;
  copy.writeUInt16BE(flags, 8);
  copy.writeUInt16BE(seq, 10);
  const sum = (copy.readUInt16BE(22) - oldFlags - oldSeq + flags + seq + 0x20000) & 0xffff;
  copy.writeUInt16BE(sum, 22);
  return copy;
}

/** Starts a relay to `127.0.0.1:daemonPort`. */
export async function startRelay(daemonPort: number, tamper: Tamper = (frame) => frame): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const sent: Buffer[][] = [];
  const server = net.createServer((client) => {
    const recorded: Buffer[] = [];
    sent.push(recorded);
    const daemon = net.connect({ host: "127.0.0.1", port: daemonPort });
    for (const s of [client, daemon]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => (sockets.delete(s), client.destroy(), daemon.destroy()));
    }
    pipeFrames(client, daemon, "toDaemon", tamper, recorded);
    pipeFrames(daemon, client, "toClient", tamper, undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    sent,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function pipeFrames(from: net.Socket, to: net.Socket, direction: Direction, tamper: Tamper, record: Buffer[] | undefined): void {
  let buffered = Buffer.alloc(0);
  let index = 0;
  from.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 24) {
      const total = 24 + buffered.readUInt16BE(18) + buffered.readInt32BE(12);
      if (buffered.length < total) break;
      const frame = buffered.subarray(0, total);
      buffered = buffered.subarray(total);
      record?.push(Buffer.from(frame));
      to.write(tamper(frame, direction, index++));
    }
  });
  from.on("end", () => to.end());
}
