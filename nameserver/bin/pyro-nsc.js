#!/usr/bin/env node
// `pyro-nsc`: runs dist/bin/nsc.js (see launch.js).
import { launch } from "./launch.js";

await launch("pyro-nsc", "../dist/bin/nsc.js");
