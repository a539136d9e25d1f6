/**
 * Port of Pyro4's `examples/warehouse` (the tutorial), the visitors: phase 3 by default (the
 * warehouse is found by name), phase 2 with `--uri` (asks for the warehouse's URI).
 *
 * A proxy's methods return promises: `warehouse.list_contents()` becomes
 * `await warehouse.list_contents()`. Pyro4's `input()` and `print()` are the ports' helpers.
 */
import { Proxy, type Remote } from "@pyrots/core";
import { input, print } from "../common/python.js";

/** What the warehouse offers (see server.ts). */
interface Warehouse {
  list_contents(): string[];
  take(name: string, item: string): void;
  store(name: string, item: string): void;
}

class Person {
  constructor(readonly name: string) {}

  async visit(warehouse: Remote<Warehouse>): Promise<void> {
    print(`This is ${this.name}.`);
    await this.deposit(warehouse);
    await this.retrieve(warehouse);
    print("Thank you, come again!");
  }

  async deposit(warehouse: Remote<Warehouse>): Promise<void> {
    print("The warehouse contains:", await warehouse.list_contents());
    const item = (await input("Type a thing you want to store (or empty): ")).trim();
    if (item) await warehouse.store(this.name, item);
  }

  async retrieve(warehouse: Remote<Warehouse>): Promise<void> {
    print("The warehouse contains:", await warehouse.list_contents());
    const item = (await input("Type something you want to take (or empty): ")).trim();
    if (item) await warehouse.take(this.name, item);
  }
}

const uri = process.argv.includes("--uri") ? (await input("Enter the uri of the warehouse: ")).trim() : "PYRONAME:example.warehouse";
const warehouse = new Proxy<Warehouse>(uri);
const janet = new Person("Janet");
const henry = new Person("Henry");
await janet.visit(warehouse);
await henry.visit(warehouse);
