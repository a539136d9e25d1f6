/** Port of Pyro4's `examples/circular/servC.py`: link C of the chain, passing to A. */
import { serveLink } from "./link.js";

await serveLink("C", "A");
