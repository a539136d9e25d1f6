/**
 * Port of Pyro4's `examples/attributes`, the client: reading and writing exposed properties.
 *
 * `p.prop_value` is `await p.prop_value`; assigning it is `await setAttr(p, "prop_value", v)`.
 * Members the server does not expose are refused by the proxy itself (it got the object's
 * metadata when it connected), as Pyro4's proxy does.
 */
import { Proxy, setAttr } from "@pyrots/core";
import { input, print } from "../common/python.js";

interface Thingy {
  __dunder__(): string;
  getValue(): number;
  prop_value: number;
  readonly prop_sub: Record<string, string>;
}

const uri = (await input("enter attribute server object uri: ")).trim();

{
  await using p = new Proxy<Thingy>(uri);
  print("\nDirect attribute access:");
  print("p.prop_value=", await p.prop_value);
  print("adding 500 to p.prop_value");
  await setAttr(p, "prop_value", (await p.prop_value) + 500);
  print("p.prop_value=", await p.prop_value);
  print("actual remote value: ", await p.getValue(), " (via p.getValue() remote method call)");
  if ((await p.prop_value) !== (await p.getValue())) print("Remote value is different! This should not happen.");
  print();
  print("calling p.__dunder__()....: ", await p.__dunder__());
}

{
  // Untyped: these members are not in the interface, on purpose.
  await using p = new Proxy(uri);
  print("\nAccessing unexposed attributes:");
  for (const name of ["sub", "value", "_value", "__value"]) {
    try {
      print(`accessing p.${name}...`);
      await p[name];
      throw new Error("this should not be possible!");
    } catch (error) {
      print("ok, got expected error:", (error as Error).message);
    }
  }
}

{
  // There is no remote dotted-name traversal: p.prop_sub is a copy of the remote dict.
  await using p = new Proxy<Thingy>(uri);
  print("\nTrying dotted name traversal:");
  const value = await p.prop_sub;
  print("value gotten from p.prop_sub=", value);
  print("\nTrying to update the dictionary directly on the remote object...");
  Object.assign(await p.prop_sub, { test: "nope" }); // only updates the local copy!
  const newValue = await p.prop_sub;
  print("value gotten from p.prop_sub=", newValue, "  (should be unchanged!)");
  if (JSON.stringify(newValue) !== JSON.stringify(value)) throw new Error("update should not have been done remotely");
  try {
    print("\nTrying longer dotted name: p.prop_sub.foobar.attribute");
    const sub = (await p.prop_sub) as unknown as Record<string, Record<string, unknown>>;
    void sub.foobar!.attribute;
    throw new Error("this should not be possible!");
  } catch (error) {
    print("ok, got expected error (local only):", (error as Error).message);
  }
}
