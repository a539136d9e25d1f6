/**
 * Port of Pyro4's `examples/shoppingcart/clients.py`: three customers shop with carts that live in
 * the shop; one hands in their cart (a proxy goes back to the server), one tries to leave with a
 * full cart.
 */
import { randomInt } from "node:crypto";
import { Proxy, type Remote } from "@pyrots/core";
import { getPyroTraceback, print, repr } from "../common/python.js";

interface ShoppingCart {
  purchase(item: string): void;
  getContents(): string[];
}
interface Shop {
  enter(name: string): Remote<ShoppingCart>;
  customers(): string[];
  goods(): Record<string, number>;
  payByName(name: string): string;
  payCart(cart: Remote<ShoppingCart>): string;
  leave(name: string): void;
}

const shop = new Proxy<Shop>("PYRONAME:example.shop");

print("Simulating some customers.");
const harrysCart = await shop.enter("Harry");
const sallysCart = await shop.enter("Sally");
const shoplifterCart = await shop.enter("shoplifter");
// harry buys 4 things and sally 5, shoplifter takes 3 items
const goods = Object.keys(await shop.goods());
const choose = () => goods[randomInt(goods.length)]!;
for (let i = 0; i < 4; i++) {
  const item = choose();
  print(`Harry buys ${item}`);
  await harrysCart.purchase(item);
}
for (let i = 0; i < 5; i++) {
  const item = choose();
  print(`Sally buys ${item}`);
  await sallysCart.purchase(item);
}
for (let i = 0; i < 3; i++) {
  const item = choose();
  print(`Shoplifter takes ${item}`);
  await shoplifterCart.purchase(item);
}

print(`Customers currently in the shop: ${repr(await shop.customers())}`);

// Harry pays by his name, Sally hands in her cart (a proxy goes to the shop), the shoplifter
// tries to leave without paying.
let receipt = "";
try {
  receipt = await shop.payByName("Harry");
} catch (error) {
  print(`ERROR: ${getPyroTraceback(error)}`);
}
print(`Harry payed. The cart now contains: ${repr(await harrysCart.getContents())} (should be empty)`);
print("Harry got this receipt:");
print(receipt);
receipt = await shop.payCart(sallysCart);
print(`Sally payed. The cart now contains: ${repr(await sallysCart.getContents())} (should be empty)`);
print("Sally got this receipt:");
print(receipt);
print("Harry is leaving.");
await shop.leave("Harry");
print("Sally is leaving.");
await shop.leave("Sally");
print("Shoplifter is leaving. (should be impossible i.e. give an error)");
try {
  await shop.leave("shoplifter");
} catch (error) {
  print(getPyroTraceback(error));
}

print("Harry is attempting to put stuff back in his cart again,");
print("which should fail because the cart does no longer exist.");
await harrysCart.purchase("crap");
