#!/usr/bin/env node
/**
 * Section m's client: `startup-client.js URI`. Makes one call, `add(1, 1)`, through a new proxy for
 * URI (a `PYRONAME:` one: the name server lookup is part of it), checks it, prints
 * `DONE <ms since the process started>` and exits.
 */
import { Proxy } from "@pyrots/core";

const proxy = new Proxy<{ add(a: number, b: number): number }>(process.argv[2]!);
const sum = await proxy.add(1, 1);
if (sum !== 2) throw new Error(`add(1, 1) gave ${String(sum)}`);
console.log(`DONE ${performance.now().toFixed(1)}`);
process.exit(0);
