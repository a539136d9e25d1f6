#!/usr/bin/env node
// `pyro-nsc`: runs dist/bin/nsc.js (see @pyrots/core/launch).
import { launch } from "@pyrots/core/launch";

await launch("pyro-nsc", new URL("../dist/bin/nsc.js", import.meta.url));
