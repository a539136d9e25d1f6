/**
 * Port of Pyro4's `examples/hugetransfer`, the client: 5 MB strings and bytes, ten times each, then
 * a 50 MB download through a remote iterator.
 */
import { Proxy, bind, serializerOf } from "@pyrots/core";
import { input, print } from "../common/python.js";

interface Testclass {
  transfer(data: string | Uint8Array): number;
  download_chunks(size: number): Generator<Uint8Array>;
}

print("Enter the server's uri that was printed:");
const uri = (await input()).trim();
const datasize = 5 * 1024 * 1024; // 5 mb

async function doTest(data: string | Uint8Array): Promise<void> {
  if (data.length !== datasize) throw new Error("wrong size");
  let totalsize = 0;
  await using obj = new Proxy<Testclass>(uri);
  await bind(obj);
  // Python prints its configured serializer; a pyrots proxy may have fallen back to another.
  const serializer = serializerOf(obj);
  const begin = performance.now();
  for (let i = 0; i < 10; i++) {
    print(`transferring ${datasize} bytes`);
    const size = await obj.transfer(data);
    if (size !== datasize) throw new Error(`the server got ${size} bytes`);
    totalsize += datasize;
  }
  const duration = (performance.now() - begin) / 1000;
  print(`It took ${duration.toFixed(2)} seconds to transfer ${Math.floor(totalsize / 1024 / 1024)} mb.`);
  print(`That is ${(totalsize / 1024 / duration).toFixed(0)} kb/sec. = ${(totalsize / 1024 / 1024 / duration).toFixed(1)} mb/sec. (serializer: ${serializer})`);
}

async function doTestChunks(): Promise<void> {
  await using p = new Proxy<Testclass>(uri);
  let totalsize = 0;
  const begin = performance.now();
  for await (const chunk of p.download_chunks(datasize * 10)) {
    totalsize += chunk.length;
    process.stdout.write(".");
  }
  if (totalsize !== datasize * 10) throw new Error(`got ${totalsize} bytes`);
  const duration = (performance.now() - begin) / 1000;
  const serializer = serializerOf(p);
  print(`It took ${duration.toFixed(2)} seconds to transfer ${Math.floor(totalsize / 1024 / 1024)} mb.`);
  print(`That is ${(totalsize / 1024 / duration).toFixed(0)} kb/sec. = ${(totalsize / 1024 / 1024 / duration).toFixed(1)} mb/sec. (serializer: ${serializer})`);
}

print("\n\n----test with string data----");
await doTest("x".repeat(datasize));
print("\n\n----test with byte data----");
await doTest(Buffer.alloc(datasize, "x"));
print("\n\n----test with bytearray data----");
await doTest(new Uint8Array(datasize).fill(0x78));
print("\n\n----test download via iterator----");
await doTestChunks();
print("\n\n   (tip: also see the 'filetransfer' example for more efficient ways to transfer large amoungs of binary data)");
