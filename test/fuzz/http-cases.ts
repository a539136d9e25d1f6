/**
 * Hostile HTTP requests for the gateway fuzz suite, as raw bytes (so that framing can lie too):
 * odd paths and percent-encodings, unknown methods, garbage and duplicate `X-Pyro-*` headers,
 * random, deep and oversized JSON bodies, broken batch bodies, lying `Content-Length`s, broken
 * chunked framing, and requests split into many small writes.
 */
import fc from "fast-check";
import type { WireCase } from "./harness.js";

/** Paths that reach every route of the gateway, and many that reach none. */
const KNOWN_PATHS = [
  "/pyro/fuzz.calc/echo",
  "/pyro/fuzz.calc/add",
  "/pyro/fuzz.calc/divide",
  "/pyro/fuzz.calc/ticks",
  "/pyro/fuzz.calc/slow",
  "/pyro/fuzz.calc/note",
  "/pyro/fuzz.calc/model",
  "/pyro/fuzz.calc/$meta",
  "/pyro/fuzz.calc/$ping",
  "/pyro/fuzz.calc/_private",
  "/pyro/fuzz.calc/__proto__",
  "/pyro/fuzz.calc/constructor",
  "/pyro/fuzz.nothing/echo",
  "/pyro/Pyro.NameServer/list",
  "/pyro/$batch",
  "/pyro/$names",
  "/pyro/$stats",
  "/pyro/$client.js",
  "/pyro/$client/client.js",
  "/pyro/$client/../../etc/passwd",
  "/console/",
  "/console/__proto__",
  "/",
  "/pyro",
];

const pathArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...KNOWN_PATHS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 80 }).map((s) => `/pyro/${encodeURIComponent(s)}/${encodeURIComponent(s.slice(1))}`) },
  {
    weight: 2,
    arbitrary: fc.string({ unit: fc.constantFrom("%", "/", ".", "$", "a", "?", "#", "%E0", "%00", "%2F", "\u00e9", ";", "&", "=") }).map((s) => `/pyro/${s}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("*", "http://evil.example/pyro/fuzz.calc/add", "//pyro/fuzz.calc/add", "pyro/fuzz.calc/add", "/pyro/fuzz.calc/%", "/pyro//add"),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 40_000 }).map((n) => `/pyro/fuzz.calc/${"a".repeat(n)}`) },
);

const queryArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.constant(""),
  fc.constantFrom(
    "?$args=[1,2]",
    "?$args=[1",
    "?$kwargs={}",
    "?$kwargs=[]",
    "?$timeout=0.01",
    "?$timeout=-5",
    "?$stream=sse",
    "?$stream=x",
    "?$key=k",
    "?$what=1",
    "?value=1&value=2",
  ),
  fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 20 })), { maxLength: 6 }).map((pairs) => `?${new URLSearchParams(pairs).toString()}`),
  fc.json({ maxDepth: 4 }).map((json) => `?$args=${encodeURIComponent(`[${json}]`)}`),
);

const methodArbitrary = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom("GET", "POST") },
  { weight: 2, arbitrary: fc.constantFrom("PUT", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "CONNECT") },
  { weight: 1, arbitrary: fc.oneof(fc.stringMatching(/^[A-Z]{1,10}$/), fc.string({ minLength: 1, maxLength: 10 })) },
);

const headerArbitrary: fc.Arbitrary<[string, string]> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom<[string, string]>(
      ["X-Pyro-Options", "oneway"],
      ["X-Pyro-Options", "attribute"],
      ["X-Pyro-Options", "oneway, attribute, other"],
      ["X-Pyro-Timeout", "0.5"],
      ["X-Pyro-Correlation-Id", "11112222-1111-2222-3333-222244449999"],
      ["X-Pyro-Correlation-Id", "{11112222111122223333222244449999}"],
      ["Accept", "text/event-stream"],
      ["Accept", "application/x-ndjson"],
      ["X-Pyro-Gateway-Key", "k"],
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom("X-Pyro-Options", "X-Pyro-Gateway-Key", "X-Pyro-Correlation-Id", "X-Pyro-Timeout"), fc.string({ maxLength: 60 })),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("X-Pyro-Timeout"), fc.constantFrom("0", "1e9", "NaN", "-1", "0x10", "")) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom("Origin", "Sec-Fetch-Site", "Accept", "If-None-Match"),
      fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("null", "cross-site", "same-origin", "none", "text/event-stream", "application/x-ndjson")),
    ),
  },
  { weight: 1, arbitrary: fc.tuple(fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/), fc.string({ maxLength: 40 })) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 40 })) },
);

const contentTypeArbitrary = fc.oneof(
  { weight: 8, arbitrary: fc.constant("application/json") },
  { weight: 2, arbitrary: fc.constantFrom("application/x-www-form-urlencoded", "application/vnd.x+json", "application/json; charset=latin1", "") },
  { weight: 1, arbitrary: fc.constantFrom("text/plain", "multipart/form-data; boundary=x", "application/JSON", "*/*") },
);

const jsonBody: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 6 }).map((json) => `{"args": [${json}]}`),
  fc.json({ maxDepth: 4 }).map((json) => `{"kwargs": {"value": ${json}}}`),
  fc.json({ maxDepth: 4 }),
  fc.constantFrom(
    '{"args": [NaN, Infinity, -Infinity, 123456789012345678901234567890]}',
    '{"__proto__": {"polluted": 1}, "args": [{"__proto__": {"x": 1}}]}',
    '{"args": [{"__class__": "Pyro4.core.URI", "state": ["PYRO", "x", null, "127.0.0.1", 1]}]}',
    '{"args": [{"__class__": "builtins.__import__"}]}',
    '{"args": [{"data": "!!!", "encoding": "base64"}]}',
  ),
  fc.integer({ min: 30, max: 200_000 }).map((n) => `{"args": [${"[".repeat(n)}${"]".repeat(n)}]}`),
  fc.integer({ min: 30, max: 200_000 }).map((n) => `{"args": [${'{"a":'.repeat(n)}1${"}".repeat(n)}]}`),
  fc
    .array(
      fc.record({
        name: fc.constantFrom("fuzz.calc", "fuzz.diag", "fuzz.nothing", "x"),
        method: fc.constantFrom("add", "echo", "ticks", "model", "divide", ""),
        args: fc.array(fc.integer(), { maxLength: 3 }),
      }),
      { maxLength: 120 },
    )
    .map((calls) => JSON.stringify({ calls })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
  fc.integer({ min: 60_000, max: 200_000 }).map((n) => JSON.stringify({ args: ["x".repeat(n)] })),
);

/** How the body is framed. */
type Framing = "length" | "short-length" | "long-length" | "chunked" | "bad-chunked" | "none";

const framingArbitrary: fc.Arbitrary<Framing> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Framing>("length") },
  { weight: 2, arbitrary: fc.constant<Framing>("chunked") },
  { weight: 1, arbitrary: fc.constantFrom<Framing>("short-length", "long-length", "bad-chunked", "none") },
);

function frame(head: string, body: Buffer, framing: Framing): Buffer {
  switch (framing) {
    case "length":
      return Buffer.concat([Buffer.from(`${head}Content-Length: ${body.length}\r\n\r\n`, "latin1"), body]);
    case "short-length":
      return Buffer.concat([Buffer.from(`${head}Content-Length: ${Math.floor(body.length / 2)}\r\n\r\n`, "latin1"), body]);
    case "long-length":
      // A body that never comes in full: the gateway must give up after its request timeout.
      return Buffer.concat([Buffer.from(`${head}Content-Length: ${body.length + 10}\r\n\r\n`, "latin1"), body]);
    case "chunked": {
      const chunks: Buffer[] = [Buffer.from(`${head}Transfer-Encoding: chunked\r\n\r\n`, "latin1")];
      for (let at = 0; at < body.length; at += 997) {
        const part = body.subarray(at, at + 997);
        chunks.push(Buffer.from(`${part.length.toString(16)}\r\n`, "latin1"), part, Buffer.from("\r\n"));
      }
      chunks.push(Buffer.from("0\r\n\r\n"));
      return Buffer.concat(chunks);
    }
    case "bad-chunked":
      return Buffer.concat([Buffer.from(`${head}Transfer-Encoding: chunked\r\n\r\nzz\r\n`, "latin1"), body, Buffer.from("\r\n0\r\n\r\n")]);
    case "none":
      return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), body]);
  }
}

/** Splits bytes into 1..8 writes at random points. */
function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].filter((p) => p > 0 && p < bytes.length).sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

/** One hostile request (sometimes two, pipelined), in raw bytes. */
export const httpCase: fc.Arbitrary<WireCase> = fc
  .record({
    method: methodArbitrary,
    path: pathArbitrary,
    query: queryArbitrary,
    contentType: contentTypeArbitrary,
    headers: fc.array(headerArbitrary, { maxLength: 3 }),
    body: fc.option(jsonBody, { nil: undefined }),
    framing: framingArbitrary,
    pipelined: fc.boolean(),
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 7 }),
  })
  .map(({ method, path, query, contentType, headers, body, framing, pipelined, cuts }) => {
    const lines = [["Content-Type", contentType] as const, ...headers]
      .map(([name, value]) => `${name.replace(/[\r\n:]/g, "")}: ${value.replace(/[\r\n]/g, "")}\r\n`)
      .join("");
    const head = `${method.replace(/[\r\n ]/g, "")} ${path.replace(/[\r\n ]/g, "")}${query.replace(/[\r\n ]/g, "")} HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines}`;
    let bytes = frame(head, Buffer.from(body ?? "", "utf8"), body === undefined ? "length" : framing);
    if (pipelined)
      bytes = Buffer.concat([
        bytes,
        Buffer.from('POST /pyro/fuzz.calc/add HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{"args": [1, 2]}'),
      ]);
    return { label: `${method} ${path.slice(0, 60)}${query.slice(0, 40)} [${framing}${body ? `, ${body.length} bytes` : ""}]`, chunks: splitAt(bytes, cuts) };
  });

/** Bytes that are not HTTP at all. */
export const garbageCase: fc.Arbitrary<WireCase> = fc
  .oneof(
    fc.uint8Array({ minLength: 1, maxLength: 2000 }),
    fc.constantFrom(Buffer.from("PYRO\x00\x30"), Buffer.from("GET / HTTP/9.9\r\n\r\n"), Buffer.from("\r\n\r\n\r\n"), Buffer.from("GET /\x00 HTTP/1.1\r\n\r\n")),
  )
  .map((bytes) => ({ label: `garbage (${bytes.length} bytes)`, chunks: [Buffer.from(bytes)] }));
