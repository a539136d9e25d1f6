#!/usr/bin/env node
// `pyro-ns`: runs dist/bin/ns.js (see launch.js).
import { launch } from "./launch.js";

await launch("pyro-ns", "../dist/bin/ns.js");
