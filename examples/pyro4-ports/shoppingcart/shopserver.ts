/**
 * Port of Pyro4's `examples/shoppingcart/shopserver.py`: the shop hands each customer a cart (a
 * new object, registered with the daemon: the customer gets a proxy to it) and unregisters it
 * when the customer leaves.
 *
 * `payCart` gets either a local cart or a proxy to one (a customer handing in their cart): `await`
 * works on both, so the same code serves either.
 */
import { Daemon, type Remote, behavior, expose } from "@pyrots/core";
import { print, repr } from "../common/python.js";
import { serveSimple } from "../common/serve-simple.js";
import { ShoppingCart } from "./shoppingcart.js";

const INVENTORY: Record<string, number> = {
  paper: 1.25,
  bread: 1.5,
  meat: 5.99,
  milk: 0.8,
  fruit: 2.65,
  chocolate: 3.99,
  pasta: 0.5,
  sauce: 1.2,
  vegetables: 1.4,
  cookies: 1.99,
  pizza: 3.6,
  shampoo: 2.22,
  whiskey: 24.99,
};

/** Python's `time.asctime()`: `Tue Dec  2 02:18:25 2025`. */
function asctime(date = new Date()): string {
  const [weekday, month, day, year, time] = date.toString().split(" ");
  return `${weekday} ${month} ${String(Number(day)).padStart(2)} ${time} ${year}`;
}

@expose
@behavior({ instanceMode: "single" })
class Shop {
  private readonly customersInStore = new Map<string, ShoppingCart>();

  constructor(private readonly daemon: Daemon) {}

  enter(name: string): ShoppingCart {
    print(`Customer ${name} enters the store.`);
    print("Customer takes a shopping cart.");
    // create a cart and return it as a pyro object to the client
    const cart = new ShoppingCart();
    this.customersInStore.set(name, cart);
    this.daemon.register(cart); // make cart a pyro object
    return cart;
  }

  customers(): string[] {
    return [...this.customersInStore.keys()];
  }

  goods(): Record<string, number> {
    return INVENTORY;
  }

  payByName(name: string): Promise<string> {
    print(`Customer ${name} goes to the counter to pay.`);
    return this.payCart(this.cart(name), name);
  }

  async payCart(cart: ShoppingCart | Remote<ShoppingCart>, name: string | null = null): Promise<string> {
    const receipt: string[] = [];
    if (name) receipt.push(`Receipt for ${name}.`);
    receipt.push("Receipt Date: " + asctime());
    let total = 0.0;
    for (const item of await cart.getContents()) {
      const price = INVENTORY[item]!;
      total += price;
      receipt.push(`${item.padStart(13)}  ${price.toFixed(2)}`);
    }
    receipt.push("");
    receipt.push(`${"total:".padStart(13)}  ${total.toFixed(2)}`);
    await cart.empty();
    return receipt.join("\n");
  }

  leave(name: string): void {
    print(`Customer ${name} leaves.`);
    const cart = this.cart(name);
    print(`  their shopping cart contains: ${repr(cart.getContents())}`);
    if (cart.getContents().length > 0) {
      print("  it is not empty, they are trying to shoplift!");
      throw new Error("attempt to steal a full cart prevented");
    }
    // delete the cart and unregister it
    this.customersInStore.delete(name);
    this.daemon.unregister(cart);
  }

  private cart(name: string): ShoppingCart {
    const cart = this.customersInStore.get(name);
    if (!cart) throw new Error(`no customer ${name} in the store`);
    return cart;
  }
}

const daemon = await Daemon.create();
await serveSimple([[new Shop(daemon), "example.shop"]], { daemon });
