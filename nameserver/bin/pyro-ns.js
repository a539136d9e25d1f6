#!/usr/bin/env node
// `pyro-ns`: runs dist/bin/ns.js (see @pyrots/core/launch).
import { launch } from "@pyrots/core/launch";

await launch("pyro-ns", new URL("../dist/bin/ns.js", import.meta.url));
