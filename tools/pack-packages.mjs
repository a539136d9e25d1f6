#!/usr/bin/env node
/**
 * Packs every package that would be published (each workspace not marked `private`) with
 * `npm pack`, into DEST (default dist-packages/), and prints the tarballs' paths, one a line.
 * Build first (`npm run build`): the packages ship their compiled dist/.
 *
 *     node tools/pack-packages.mjs [DEST]
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { ROOT, publicWorkspaces } from "./workspaces.mjs";

const destination = resolve(process.argv[2] ?? join(ROOT, "dist-packages"));
mkdirSync(destination, { recursive: true });
const args = ["pack", "--json", "--ignore-scripts", "--pack-destination", destination, ...publicWorkspaces().flatMap(({ dir }) => ["--workspace", dir])];
const reports = JSON.parse(execFileSync("npm", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }));
for (const report of reports) process.stdout.write(`${join(destination, report.filename)}\n`);
