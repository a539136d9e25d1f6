/** Port of Pyro4's `examples/circular/servB.py`: link B of the chain, passing to C. */
import { serveLink } from "./link.js";

await serveLink("B", "C");
