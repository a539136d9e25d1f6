/**
 * Port of Pyro4's `examples/nonameserver`, the client: no name server, just the URI it is given.
 */
import { Proxy } from "@pyrots/core";
import { input, print } from "../common/python.js";

interface QuoteGen {
  quote(): string;
}

const uri = await input("Enter the URI of the quote object: ");
await using quotegen = new Proxy<QuoteGen>(uri.trim());
print("Getting some quotes...");
print(await quotegen.quote());
print(await quotegen.quote());
