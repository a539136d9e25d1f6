#!/usr/bin/env node
// `pyro-echoserver`: runs dist/bin/echoserver.js (see launch.js).
import { launch } from "./launch.js";

await launch("pyro-echoserver", "../dist/bin/echoserver.js");
