#!/usr/bin/env node
// `pyro-check-config`: runs dist/bin/check-config.js (see @pyrots/core/launch).
import { launch } from "@pyrots/core/launch";

await launch("pyro-check-config", new URL("../dist/bin/check-config.js", import.meta.url));
