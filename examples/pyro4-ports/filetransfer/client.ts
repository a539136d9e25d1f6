/**
 * Port of Pyro4's `examples/filetransfer`, the client: downloads large data four ways, two
 * "threads" at a time (Python's threads are concurrent async tasks here, each with its own proxy).
 *
 * The annotation stream: `withOptions(p, { onAnnotations })` receives the annotations of each item
 * of the remote iterator (Pyro4: `current_context.response_annotations`).
 */
import net from "node:net";
import { crc32 } from "node:zlib";
import { Proxy, withOptions } from "@pyrots/core";
import { input, print } from "../common/python.js";

interface FileServer {
  get_with_pyro(size: number): Uint8Array;
  iterator(size: number): Generator<Uint8Array>;
  annotation_stream(withChecksum: boolean): Generator<[number, number]>;
  prepare_file_blob(size: number): [string, [string, number]];
}

let threads = 0;
/** Runs `work` like a Python thread with a target: named `Thread-N (target)`. */
function thread(work: (name: string, uri: string) => Promise<void>, uri: string): Promise<void> {
  return work(`Thread-${++threads} (${work.name})`, uri);
}
const mbPerSecond = (bytes: number, begin: number) => (bytes / 1024 / 1024 / ((performance.now() - begin) / 1000)).toFixed(2);

async function regular_pyro(name: string, uri: string): Promise<void> {
  const blobsize = 10 * 1024 * 1024;
  let totalSize = 0;
  const start = performance.now();
  {
    await using p = new Proxy<FileServer>(uri);
    for (let i = 0; i < 10; i++) {
      print(`thread ${name} getting a blob using regular Pyro call...`);
      totalSize += (await p.get_with_pyro(blobsize)).length;
    }
  }
  if (totalSize !== blobsize * 10) throw new Error("wrong size");
  print(`thread ${name} done, ${mbPerSecond(totalSize, start)} Mb/sec.`);
}

async function via_iterator(name: string, uri: string): Promise<void> {
  const blobsize = 10 * 1024 * 1024;
  let totalSize = 0;
  const start = performance.now();
  {
    await using p = new Proxy<FileServer>(uri);
    for (let i = 0; i < 10; i++) {
      print(`thread ${name} getting a blob using remote iterators...`);
      for await (const chunk of p.iterator(blobsize)) totalSize += chunk.length;
    }
  }
  if (totalSize !== blobsize * 10) throw new Error("wrong size");
  print(`thread ${name} done, ${mbPerSecond(totalSize, start)} Mb/sec.`);
}

async function via_annotation_stream(name: string, uri: string): Promise<void> {
  const start = performance.now();
  let totalSize = 0;
  print(`thread ${name} downloading via annotation stream...`);
  {
    let chunk: Uint8Array = new Uint8Array();
    await using p = new Proxy<FileServer>(uri);
    const performChecksum = false;
    const stream = withOptions(p, { onAnnotations: (annotations) => (chunk = annotations.get("FDAT") ?? new Uint8Array()) });
    for await (const [progress, checksum] of stream.annotation_stream(performChecksum)) {
      if (performChecksum && crc32(chunk) !== checksum) throw new Error("checksum error");
      totalSize += chunk.length;
      if (progress !== totalSize) throw new Error(`progress ${progress} but ${totalSize} bytes`);
    }
  }
  print(`thread ${name} done, ${mbPerSecond(totalSize, start)} Mb/sec.`);
}

/** Reads everything a raw socket sends until it closes. */
function receiveAll(address: [string, number], fileId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const sock = net.connect(address[1], address[0], () => sock.write(fileId));
    sock.on("data", (chunk: Buffer) => (size += chunk.length));
    sock.on("error", reject);
    sock.on("close", () => resolve(size));
  });
}

async function raw_socket(name: string, uri: string): Promise<void> {
  const blobsize = 40 * 1024 * 1024;
  let totalSize = 0;
  await using p = new Proxy<FileServer>(uri);
  print(`thread ${name} preparing 10 blobs of size ${(blobsize / 1024 / 1024).toFixed(1)} Mb`);
  const blobs = new Map<string, [string, number]>();
  for (let i = 0; i < 10; i++) {
    const [fileId, blobAddress] = await p.prepare_file_blob(blobsize);
    blobs.set(fileId, blobAddress);
  }
  const start = performance.now();
  for (const [fileId, blobAddress] of blobs) {
    print(`thread ${name} retrieving blob using raw socket...`);
    const size = await receiveAll(blobAddress, fileId);
    if (size !== blobsize) throw new Error(`got ${size} bytes`);
    totalSize += size;
  }
  print(`thread ${name} done, ${mbPerSecond(totalSize, start)} Mb/sec.`);
}

const uri = (await input("Uri of filetransfer server? ")).trim();
const sections = [
  ["regular pyro calls", regular_pyro],
  ["transfer via iterators", via_iterator],
  ["transfer via annotation stream", via_annotation_stream],
  ["raw socket transfers", raw_socket],
] as const;
for (const [index, [title, work]] of sections.entries()) {
  if (index > 0) await input("enter to continue:");
  print(`\n\n**** ${title} ****\n`);
  await Promise.all([thread(work, uri), thread(work, uri)]);
}
await input("enter to exit:");
