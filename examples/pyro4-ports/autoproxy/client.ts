/**
 * Port of Pyro4's `examples/autoproxy`, the client: the things the factory makes arrive as proxies.
 */
import { Proxy, type Remote } from "@pyrots/core";
import { input, print } from "../common/python.js";

interface Thingy {
  speak(message: string): void;
}
interface Factory {
  /** Returns a proxy to a new Thingy on the server. */
  createSomething(number: number): Remote<Thingy>;
}

const uri = (await input("enter factory server object uri: ")).trim();
const factory = new Proxy<Factory>(uri);

print("Creating things.");
const thing1 = await factory.createSomething(1);
const thing2 = await factory.createSomething(2);
const thing3 = await factory.createSomething(3);

print("Speaking stuff.");
await thing1.speak("I am the first");
await thing2.speak("I am second");
await thing3.speak("I am last then...");
