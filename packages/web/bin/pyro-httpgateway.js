#!/usr/bin/env node
// `pyro-httpgateway`: runs dist/bin/httpgateway.js (see launch.js).
import { launch } from "./launch.js";

await launch("pyro-httpgateway", "../dist/bin/httpgateway.js");
