/**
 * Port of Pyro4's `examples/shoppingcart/shoppingcart.py`: a cart, made in the shop for each
 * customer and used by the customer remotely.
 */
import { expose } from "@pyrots/core";

let carts = 0;

@expose
export class ShoppingCart {
  /** Python's `id(self)`, for the output. */
  readonly id = 1000 + ++carts;
  private contents: string[] = [];

  constructor() {
    console.log(`(shoppingcart ${this.id} taken)`);
  }

  purchase(item: string): void {
    this.contents.push(item);
    console.log(`(${item} put into shoppingcart ${this.id})`);
  }

  empty(): void {
    this.contents = [];
  }

  getContents(): string[] {
    return this.contents;
  }
}
