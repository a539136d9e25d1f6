/**
 * Port of Pyro4's `examples/filetransfer`, the server: large binary data four ways: as a plain
 * result, through a remote iterator, in the annotations of a remote iterator's items, and over a
 * raw TCP socket beside the daemon (which avoids Pyro's serialization altogether).
 *
 * Pyro4 serves the raw socket in a custom request loop; a pyrots daemon runs on Node's event loop,
 * so the blob socket is simply a `net.Server` next to it.
 */
import { randomUUID } from "node:crypto";
import { closeSync, createReadStream, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { Daemon, currentContext, expose } from "@pyrots/core";
import { print, repr, tuple } from "../common/python.js";

const scratch = mkdtempSync(join(tmpdir(), "filetransfer-"));
process.once("exit", () => rmSync(scratch, { recursive: true, force: true }));

/** Prepared files by id, waiting for a client on the blob socket. */
const datafiles = new Map<string, string>();

/** A temporary file of `size` bytes of "x". */
function fileOf(size: number): string {
  const path = join(scratch, randomUUID());
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(100000, "x");
  for (let i = 0; i < Math.floor(size / 100000); i++) writeSync(fd, chunk);
  writeSync(fd, Buffer.alloc(size % 100000, "x"));
  closeSync(fd);
  return path;
}

/** The raw socket: a client sends a file id (36 bytes) and receives the file. */
const blobsocket = net.createServer((socket) => {
  socket.once("readable", function read() {
    const idBytes = socket.read(36) as Buffer | null;
    if (!idBytes) return void socket.once("readable", read);
    const fileId = idBytes.toString();
    print(`${repr(tuple(socket.remoteAddress, socket.remotePort))} requesting file id ${fileId}`);
    const path = datafiles.get(fileId);
    if (!path) return void socket.destroy();
    datafiles.delete(fileId);
    print("...from file using a read stream");
    createReadStream(path, { highWaterMark: 512000 })
      .on("close", () => rmSync(path, { force: true }))
      .pipe(socket);
  });
});
await new Promise<void>((resolve) => blobsocket.listen(0, "127.0.0.1", resolve));
const blobAddress = blobsocket.address() as net.AddressInfo;
print("Blob socket available on:", repr(tuple(blobAddress.address, blobAddress.port)));

@expose
class FileServer {
  get_with_pyro(size: number): Buffer {
    print(`sending ${size} bytes`);
    return Buffer.alloc(size, "x");
  }

  *iterator(size: number): Generator<Buffer> {
    const chunksize = Math.floor(size / 100);
    print(`sending ${size} bytes via iterator, chunks of ${chunksize} bytes`);
    const data = Buffer.alloc(size, "x");
    for (let i = 0; i < size; i += chunksize) yield data.subarray(i, i + chunksize);
  }

  /**
   * Each item is the file position (and a checksum), and its reply carries the file's next chunk
   * in the FDAT annotation: the generator runs inside the call that asks for each item, so
   * `currentContext()` there is that call's.
   */
  *annotation_stream(withChecksum = false): Generator<[number, number]> {
    const path = join(scratch, randomUUID());
    const fd = openSync(path, "w+");
    const block = Buffer.from("1234567890!".repeat(1000));
    for (let i = 0; i < 5000; i++) writeSync(fd, block);
    const filesize = 5000 * block.length;
    print(`transmitting file via annotations stream (${filesize} bytes)...`);
    try {
      const annotationSize = 65000; // leave some room for Pyro's own annotations
      let position = 0;
      for (;;) {
        const chunk = Buffer.alloc(annotationSize);
        const read = readSync(fd, chunk, 0, annotationSize, position);
        if (read === 0) break;
        position += read;
        const data = chunk.subarray(0, read);
        currentContext().responseAnnotations.set("FDAT", data);
        yield [position, withChecksum ? crc32(data) : 0];
      }
    } finally {
      closeSync(fd);
      rmSync(path, { force: true });
    }
  }

  prepare_file_blob(size: number): [string, [string, number]] {
    print(`preparing file-based blob of size ${size}`);
    const fileId = randomUUID();
    datafiles.set(fileId, fileOf(size));
    // the address of the blob socket goes with it
    return [fileId, [blobAddress.address, blobAddress.port]];
  }
}

await using daemon = await Daemon.create({ host: "127.0.0.1" });
const uri = daemon.register(FileServer, "example.filetransfer");
print("Filetransfer server URI:", uri.toString());
await daemon.requestLoop();
