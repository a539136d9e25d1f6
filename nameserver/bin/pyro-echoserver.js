#!/usr/bin/env node
// `pyro-echoserver`: runs dist/bin/echoserver.js (see @pyrots/core/launch).
import { launch } from "@pyrots/core/launch";

await launch("pyro-echoserver", new URL("../dist/bin/echoserver.js", import.meta.url));
