/**
 * Port of Pyro4's `examples/circular/chain.py`: a link of a chain of servers. Each passes a
 * message on to the next link, found by name, until the message comes back to a link it already
 * passed; that link ends the round and the answer travels back along the chain.
 */
import { Proxy, type Remote, expose } from "@pyrots/core";
import { print } from "../common/python.js";

/** What a link offers the previous one. */
export interface ChainApi {
  process(message: string[]): Promise<string[]>;
}

/** One link, `name`, passing messages to the link registered as `example.chain.<nextName>`. */
@expose
export class Chain implements ChainApi {
  /** The next link, looked up on first use (the next server may start after this one). */
  private next: Remote<ChainApi> | undefined;

  constructor(
    private readonly name: string,
    private readonly nextName: string,
  ) {}

  async process(message: string[]): Promise<string[]> {
    this.next ??= new Proxy<ChainApi>(`PYRONAME:example.chain.${this.nextName}`);
    if (message.includes(this.name)) {
      print(`Back at ${this.name}; we completed the circle!`);
      return [`complete at ${this.name}`];
    }
    print(`I'm ${this.name}, passing to ${this.nextName}`);
    message.push(this.name);
    const result = await this.next.process(message);
    result.unshift(`passed on from ${this.name}`);
    return result;
  }
}
