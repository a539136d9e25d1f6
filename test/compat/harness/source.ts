/**
 * Where Pyro4's own examples come from (Debian's `pyro4-examples` package), and fresh copies of
 * them to run: every run gets its own folder, laid out as in Pyro4's source tree (`examples/<name>`
 * beside `certs/`), with gzipped files unpacked. The Python files themselves are never changed.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

/** The folder holding Pyro4's examples (`PYRO4_EXAMPLES` overrides Debian's location). */
export const PYRO4_EXAMPLES = process.env.PYRO4_EXAMPLES ?? "/usr/share/doc/pyro4/examples";

/** How to install the examples. */
export const EXAMPLES_HINT = "apt-get install -y pyro4-examples";

/** Whether the examples are installed: the folder exists and holds the 56 example folders. */
export function examplesAvailable(): { ok: true } | { ok: false; reason: string } {
  if (!existsSync(PYRO4_EXAMPLES)) return { ok: false, reason: `${PYRO4_EXAMPLES} does not exist` };
  const folders = readdirSync(PYRO4_EXAMPLES).filter((name) => statSync(join(PYRO4_EXAMPLES, name)).isDirectory());
  if (folders.length < 50) return { ok: false, reason: `${PYRO4_EXAMPLES} holds only ${folders.length} example folders` };
  return { ok: true };
}

/** Names of every example folder, sorted. */
export function exampleFolders(): string[] {
  return readdirSync(PYRO4_EXAMPLES)
    .filter((name) => statSync(join(PYRO4_EXAMPLES, name)).isDirectory())
    .sort();
}

/**
 * Copies example `name` (a top-level folder) to `<root>/examples/<name>`, unpacking `*.gz` files
 * (Debian compresses some of them) to their plain names. Returns the copy's path.
 */
export function copyExample(name: string, root: string): string {
  const target = join(root, "examples", name);
  copyTree(join(PYRO4_EXAMPLES, name), target);
  return target;
}

function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) copyTree(source, join(to, entry.name));
    else if (entry.name.endsWith(".gz")) writeFileSync(join(to, entry.name.slice(0, -3)), gunzipSync(readFileSync(source)));
    else copyFileSync(source, join(to, entry.name));
  }
}

/**
 * Makes the `certs/` folder Pyro4's ssl example expects beside `examples/` (Pyro4's source tree has
 * it, Debian does not ship it): self-signed server and client certificates with the serial
 * numbers, issuer and subject the example checks, for `localhost`/127.0.0.1.
 */
export function makeExampleCertificates(root: string): string {
  const dir = join(root, "certs");
  mkdirSync(dir, { recursive: true });
  const make = (name: string, serial: string, usage: string) => {
    const run = spawnSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-set_serial", `0x${serial}`, "-subj", "/C=NL/O=Razorvine.net/CN=localhost"].concat(
        ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-addext", `extendedKeyUsage=${usage}`],
        ["-keyout", join(dir, `${name}_key.pem`), "-out", join(dir, `${name}_cert.pem`)],
      ),
      { encoding: "utf8", timeout: 30_000 },
    );
    if (run.status !== 0) throw new Error(`openssl could not make the ${name} certificate: ${run.stderr}`);
  };
  make("server", "D163AB82B8B74DE6", "serverAuth");
  make("client", "9BFD9872D96F066C", "clientAuth");
  return dir;
}
