/**
 * Compile-only checks of the proxy types: this file has no tests to run; `tsc -b` fails when a
 * line typed as valid stops compiling or a `@ts-expect-error` line starts compiling.
 */
import { Proxy, batch, type Remote } from "@pyrots/core";

interface CalcApi {
  add(a: number, b: number): number;
  slow(x: number): Promise<number>;
  ticks(n: number): Generator<number>;
  readonly model: string;
  _private(): void;
}

export async function typedProxy(): Promise<void> {
  const calc = new Proxy<CalcApi>("PYRO:calc@localhost:1");
  const sum: number = await calc.add(1, 2);
  const slow: number = await calc.slow(3);
  const model: string = await calc.model;
  for await (const tick of calc.ticks(3)) {
    const n: number = tick;
    void n;
  }
  // @ts-expect-error arguments are checked
  await calc.add("1", 2);
  // @ts-expect-error private names are not remote members
  await calc._private();
  // @ts-expect-error a property is read, not called
  await calc.model();
  void [sum, slow, model];
}

export async function untypedProxy(): Promise<void> {
  // Without a type argument every member can be called and awaited.
  const anything = new Proxy("PYRO:x@localhost:1");
  const result: number = await anything.add(1, 2);
  const property: string = await anything.region;
  for await (const item of anything.items()) void item;
  await anything[Symbol.asyncDispose]();
  void [result, property];
}

export function withoutNew(): Remote<CalcApi> {
  return Proxy<CalcApi>("PYRO:calc@localhost:1");
}

export function batches(): void {
  const b = batch(new Proxy<CalcApi>("PYRO:calc@localhost:1"));
  b.add(1, 2);
  // @ts-expect-error batch arguments are checked too
  b.add("x", 2);
  batch(new Proxy("PYRO:x@localhost:1")).whatever(1, "two");
}
