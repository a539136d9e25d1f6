#!/usr/bin/env node
// `pyro-httpgateway`: runs dist/bin/httpgateway.js (see @pyrots/core/launch).
import { launch } from "@pyrots/core/launch";

await launch("pyro-httpgateway", new URL("../dist/bin/httpgateway.js", import.meta.url));
