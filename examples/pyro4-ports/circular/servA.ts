/** Port of Pyro4's `examples/circular/servA.py`: link A of the chain, passing to B. */
import { serveLink } from "./link.js";

await serveLink("A", "B");
