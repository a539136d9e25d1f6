/**
 * A pyrots client calling the Python Pyro4 worker (python/worker.py).
 *
 *     node examples/python-interop/dist/client.js PYRO:example.python.worker@127.0.0.1:PORT
 */
import { Proxy, RemoteError } from "@pyrots/core";
import { isMain, runMain } from "@pyrots/example-support";

/** The Python worker as TypeScript sees it (method names are the Python ones). */
export interface PythonWorkerApi {
  readonly version: string;
  factorize(n: number): Promise<number[]>;
  word_lengths(words: string[]): Promise<Record<string, number>>;
  divide(a: number, b: number): Promise<number>;
  squares(n: number): AsyncIterable<number>;
}

/**
 * Calls every method of the Python worker at `uri`, printing with `print`. The proxy speaks
 * serpent, which a Python Pyro4 daemon accepts at its defaults.
 */
export async function runClient(uri: string, print: (line: string) => void = console.log): Promise<void> {
  await using worker = new Proxy<PythonWorkerApi>(uri, { serializer: "serpent" });
  print(`version: ${await worker.version}`);
  print(`factorize(360360): ${(await worker.factorize(360360)).join(" × ")}`);
  print(`word_lengths: ${JSON.stringify(await worker.word_lengths(["pyro", "typescript", "msgpack"]))}`);
  const squares: number[] = [];
  for await (const square of worker.squares(6)) squares.push(square);
  print(`squares (a Python generator, streamed): ${squares.join(" ")}`);
  try {
    await worker.divide(1, 0);
  } catch (error) {
    // Python's exception arrives with its type and traceback; ZeroDivisionError has no JS twin.
    if (!(error instanceof RemoteError)) throw error;
    print(`divide(1, 0) raised ${error.remoteName}: ${error.message}`);
  }
}

if (isMain(import.meta.url)) {
  runMain(async () => {
    const uri = process.argv[2];
    if (!uri) {
      console.error("usage: node examples/python-interop/dist/client.js PYRO:example.python.worker@HOST:PORT");
      process.exit(2);
    }
    await runClient(uri);
  });
}
