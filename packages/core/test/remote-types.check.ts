/**
 * Compile-only checks of the proxy types: this file has no tests to run; `tsc -b` fails when a
 * line typed as valid stops compiling or a `@ts-expect-error` line starts compiling.
 */
import { Proxy, URI, batch, runBatch, type NameServerApi, type NameServerProxy, type Remote } from "@pyrots/core";

interface CalcApi {
  add(a: number, b: number): number;
  slow(x: number): Promise<number>;
  ticks(n: number): Generator<number>;
  tags(): Set<string>;
  table(): Map<string, number>;
  readonly model: string;
  _private(): void;
}

async function typedProxy(): Promise<void> {
  const calc = new Proxy<CalcApi>("PYRO:calc@localhost:1");
  const sum: number = await calc.add(1, 2);
  const slow: number = await calc.slow(3);
  const model: string = await calc.model;
  for await (const tick of calc.ticks(3)) {
    const n: number = tick;
    void n;
  }
  // Sets and maps are values, although iterable: awaited, not streamed.
  const tags: Set<string> = await calc.tags();
  const table: Map<string, number> = await calc.table();
  // A proxy's own text, whatever the interface declares.
  const text: string = calc.toString();
  void [tags, table, text];
  // @ts-expect-error arguments are checked
  await calc.add("1", 2);
  // @ts-expect-error private names are not remote members
  await calc._private();
  // @ts-expect-error a property is read, not called
  await calc.model();
  void [sum, slow, model];
}

async function untypedProxy(): Promise<void> {
  // Without a type argument every member can be called and awaited.
  const anything = new Proxy("PYRO:x@localhost:1");
  const result: number = await anything.add(1, 2);
  const property: string = await anything.region;
  for await (const item of anything.items()) void item;
  await anything[Symbol.asyncDispose]();
  void [result, property];
}

function withoutNew(): Remote<CalcApi> {
  return Proxy<CalcApi>("PYRO:calc@localhost:1");
}

function batches(): void {
  const b = batch(new Proxy<CalcApi>("PYRO:calc@localhost:1"));
  b.add(1, 2);
  // @ts-expect-error batch arguments are checked too
  b.add("x", 2);
  batch(new Proxy("PYRO:x@localhost:1")).whatever(1, "two");
}

interface Thrower {
  fail(): never;
}

async function alwaysThrowing(thrower: Remote<Thrower>): Promise<void> {
  // A method typed `never` always throws: remotely that is a Promise that rejects.
  const settled: undefined = await thrower.fail().catch(() => undefined);
  void settled;
}

async function nameServerOverloads(ns: NameServerProxy): Promise<void> {
  const uri: URI = await ns.lookup("x");
  const [uriWithTags, tags]: [URI, string[]] = await ns.lookup("x", true);
  const plain: Record<string, string> = await ns.list("prefix.");
  const withTags: Record<string, [string, string[]]> = await ns.list(null, null, ["tag"], null, true);
  const pages: Record<string, [string, string[]]> = await ns.yplookup(["tag"]);
  const plainPages: Record<string, string> = await ns.yplookup(["tag"], null, false);
  const removed: number = await ns.remove(null, "prefix.");
  const lease: string = await ns.lease_grant(10);
  await ns.register("x", uri, true, new Set(["tag"]), lease);
  // @ts-expect-error the metadata flag is a boolean
  await ns.lookup("x", "yes");
  // @ts-expect-error a name server has no such method
  await ns.unregister("x");
  // @ts-expect-error list with metadata answers [uri text, tags] pairs
  const wrong: Record<string, string> = await ns.list(null, null, null, null, true);
  void [uriWithTags, tags, plain, withTags, pages, plainPages, removed, wrong];
}

async function nameServerBatches(ns: Remote<NameServerApi>): Promise<void> {
  const b = batch(ns);
  b.register("a", "PYRO:a@localhost:1");
  b.lookup("a");
  b.remove("a");
  // @ts-expect-error batch arguments are checked against the name server's API
  b.register(1, "PYRO:a@localhost:1");
  const results: unknown[] = await runBatch(b);
  void results;
}

void [typedProxy, untypedProxy, withoutNew, batches, alwaysThrowing, nameServerOverloads, nameServerBatches];
