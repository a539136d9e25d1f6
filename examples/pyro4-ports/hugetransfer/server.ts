/**
 * Port of Pyro4's `examples/hugetransfer`, the server: receives large strings and byte arrays, and
 * streams a large download in chunks (a remote iterator).
 *
 * Bytes from a Python client arrive as a Buffer (serpent sends them base64-encoded; pyrots decodes
 * them, where a Python server calls `serpent.tobytes`).
 */
import { expose } from "@pyrots/core";
import { print } from "../common/python.js";
import { serveSimple } from "../common/serve-simple.js";

class Testclass {
  @expose
  transfer(data: string | Uint8Array): number {
    print(`received ${data.length} bytes`);
    return data.length;
  }

  @expose
  *download_chunks(size: number): Generator<Buffer> {
    print(`client requests a 'streaming' download of ${size} bytes`);
    const data = Buffer.alloc(size);
    const chunksize = 200000;
    print("  using chunks of size", chunksize);
    for (let i = 0; i < size; i += chunksize) yield data.subarray(i, i + chunksize);
  }
}

// Pyro4 binds to the machine's address (getIpAddress(workaround127=True)); here it is loopback.
await serveSimple([[Testclass, "example.hugetransfer"]], { host: "127.0.0.1", ns: false });
