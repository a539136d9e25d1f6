/**
 * The whole example in one command, on 127.0.0.1: a name server, the thermostat worker, a gateway
 * (the library form of `pyro-httpgateway`) allowing the page's origin, and the page server. Then
 * the page's steps run from Node with the same client, and, when Debian's chromium is installed,
 * in a real headless browser that opens the page. Everything started is stopped at the end.
 */
import { existsSync } from "node:fs";
import { startNameServer } from "@pyrots/nameserver";
import { runMain } from "@pyrots/example-support";
import { startGateway } from "@pyrots/web";
import { runClient } from "./client.js";
import { servePage } from "./page.js";
import { startWorker } from "./server.js";
import { THERMOSTAT_NAME } from "./thermostat.js";

const CHROMIUM = "/usr/bin/chromium";

/** Opens the page in headless chromium and prints what it logs; false when there is no chromium. */
async function runInBrowser(url: string, say: (line: string) => void): Promise<boolean> {
  if (!existsSync(CHROMIUM)) return false;
  // playwright-core drives the system chromium (a dev dependency of the repository; nothing is downloaded).
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(url);
    await page.waitForSelector("body[data-done]", { state: "attached", timeout: 15_000 }).catch(() => {
      throw new Error(`the page did not finish${errors.length ? `: ${errors.join("; ")}` : ""}`);
    });
    for (const line of ((await page.textContent("#log")) ?? "").trim().split("\n")) say(line);
    say(`page shows: ${await page.textContent("#room")}, ${await page.textContent("#celsius")} °C, target ${await page.textContent("#target")} °C`);
  } finally {
    await browser.close();
  }
  return true;
}

runMain(async () => {
  console.log("pyrots web demo: a page calling a pyrots object through pyro-httpgateway, all on 127.0.0.1\n");
  await using ns = await startNameServer({ host: "127.0.0.1", port: 0, broadcast: false, mdns: false });
  console.log(`name server  ${ns.uri}`);
  const worker = await startWorker("127.0.0.1", ns.uri.port);
  try {
    console.log(`worker       ${worker.uri} (registered as ${THERMOSTAT_NAME})`);
    const page = await servePage(0);
    // The default expose pattern (http\.) lets the page reach http.thermostat and nothing else.
    await using gateway = await startGateway({ host: "127.0.0.1", port: 0, nameServer: { host: "127.0.0.1", port: ns.uri.port }, cors: [page.origin] });
    page.setGateway(gateway.url);
    console.log(`gateway      ${gateway.url}pyro/ (console: ${gateway.url}console/)`);
    console.log(`page         ${page.url} (its origin is allowed by the gateway's cors option)\n`);
    try {
      await runClient(`${gateway.url}pyro`, (line) => console.log(`node>    ${line}`));
      if (!(await runInBrowser(page.url, (line) => console.log(`browser> ${line}`)))) {
        console.log(`browser: skipped (${CHROMIUM} not found: apt-get install chromium), open ${page.url} yourself`);
      }
    } finally {
      await page.close();
    }
  } finally {
    await worker.stop();
  }
  console.log("\nDone: gateway, worker and name server stopped.");
});
