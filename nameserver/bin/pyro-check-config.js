#!/usr/bin/env node
// `pyro-check-config`: runs dist/bin/check-config.js (see launch.js).
import { launch } from "./launch.js";

await launch("pyro-check-config", "../dist/bin/check-config.js");
