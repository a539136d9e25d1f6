/** Port of Pyro4's `examples/circular/client.py`: sends a message round the chain, starting at A. */
import { Proxy } from "@pyrots/core";
import { print, repr } from "../common/python.js";
import type { ChainApi } from "./chain.js";

await using obj = new Proxy<ChainApi>("PYRONAME:example.chain.A");
print(`Result=${repr(await obj.process(["hello"]))}`);
