/**
 * The console and the browser client in a real browser (Debian's chromium via playwright-core):
 * the console under a URL prefix and behind a key lists names, liveness, fleets and statistics,
 * calls a method from its form and shows results and remote tracebacks; a page imports the
 * client from the gateway and calls through it, same-origin and cross-origin (CORS).
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { Gateway } from "@pyrots/web";
import { launchBrowser, readPng } from "../support/browser.js";
import { startBackend, type WebBackend } from "../support/web.js";

/** Serves one HTML page on 127.0.0.1 (another origin than the gateway's). */
async function servePage(html: () => string): Promise<http.Server & { url: string }> {
  const server = http.createServer((_request, response) => response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(server, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
}

describe("web console and browser client in chromium", function () {
  this.timeout(60_000);
  let browser: Browser;
  let backend: WebBackend;
  let gateway: Gateway;
  let page: Page;

  before(async function () {
    browser = await launchBrowser(this);
    backend = await startBackend();
    for (const i of [1, 2, 3]) await backend.register(`example.workers.${i}`, `worker${i}`, ["worker"]);
    backend.ns.nameserver.register("example.workers.lost", "PYRO:lost@127.0.0.1:1", false, ["worker"]);
    gateway = await backend.gateway({ prefix: "/ops/gateway", gatewayKey: "console-key", tracebacks: true, cors: ["http://127.0.0.1:1"] });
  });
  after(async () => {
    await browser?.close();
    await backend?.[Symbol.asyncDispose]();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterEach(async () => {
    await page?.close();
  });

  it("clicks through the console: names, liveness, fleets, a call, a remote traceback, a screenshot", async () => {
    await page.goto(`${gateway.url}console/`);
    // Without the key the gateway refuses, and the page says so.
    await page.waitForSelector('#status[data-state="error"]');
    expect(await page.textContent("#status")).to.include("ForbiddenError");
    await page.fill("#key", "console-key");
    await page.dispatchEvent("#key", "change");

    await page.waitForSelector('tr[data-name="example.calc"] td.liveness[data-state="alive"]');
    await page.waitForSelector('tr[data-name="example.workers.lost"] td.liveness[data-state="down"]');
    expect(await page.textContent('tr[data-name="example.workers.lost"] td.liveness')).to.equal("down: unreachable");
    expect(await page.locator("#names tbody tr").count()).to.equal(5);
    expect(await page.textContent("#nameserver")).to.include(String(backend.ns.uri));
    await page.waitForSelector('#status[data-state="ok"]');

    // Fleets: the workers share a prefix and a tag; 3 of 4 answer.
    const prefixFleet = page.locator('tr[data-fleet="prefix:example.workers"]');
    expect(await prefixFleet.locator("td").allTextContents()).to.deep.equal([
      "example.workers.*",
      "prefix",
      "example.workers.1, example.workers.2, example.workers.3, example.workers.lost",
      "3/4",
    ]);
    expect(await page.locator('tr[data-fleet="tag:worker"] td').nth(3).textContent()).to.equal("3/4");
    await prefixFleet.click();
    expect(await page.locator("#names tbody tr").count()).to.equal(4);
    expect(await page.isVisible("#filter")).to.equal(true);
    await page.click("#filter-clear");
    expect(await page.locator("#names tbody tr").count()).to.equal(5);

    // A call from the form.
    await page.click('tr[data-name="example.calc"]');
    await page.waitForSelector('#call-method option[value="add"]', { state: "attached" });
    await page.selectOption("#call-method", "add");
    await page.fill("#call-args", "[2, 40]");
    await page.click("#call-button");
    await page.waitForSelector('#call-result[data-state="ok"]');
    expect(await page.textContent("#call-output")).to.equal("42");
    expect(await page.textContent("#call-summary")).to.match(/^example\.calc\.add returned in \d+\.\d ms$/);

    // An attribute, then a remote exception with its traceback.
    await page.selectOption("#call-method", "@model");
    await page.click("#call-button");
    // Polled by locators: the console's CSP forbids the eval that waitForFunction would need.
    await page.locator("#call-output", { hasText: '"calc-1"' }).waitFor();
    await page.selectOption("#call-method", "divide");
    await page.fill("#call-args", "[1, 0]");
    await page.click("#call-button");
    await page.waitForSelector('#call-result[data-state="error"]');
    expect(await page.textContent("#call-summary")).to.equal("RemoteError builtins.ZeroDivisionError: division by zero (HTTP 500)");
    expect(await page.textContent("#call-traceback")).to.include("ZeroDivisionError: division by zero");

    // The gateway's statistics for example.calc: 3 calls (one failed) reach the table.
    await page.locator('tr[data-name="example.calc"] td:nth-child(6)', { hasText: /^1$/ }).waitFor();
    const cells = await page.locator('tr[data-name="example.calc"] td').allTextContents();
    expect(Number(cells[4]), "calls/s").to.be.above(0);
    expect(Number(cells[6]), "p50 ms").to.be.above(0);
    expect(Number(cells[7]), "p99 ms").to.be.at.least(Number(cells[6]));

    // What the screenshot shows, checked at the moment it is taken.
    const text = await page.locator("body").innerText();
    for (const expected of ["pyrots console", "example.calc", "example.workers.*", "3/4", "down: unreachable", "builtins.ZeroDivisionError", "Traceback"]) {
      expect(text, `page text at screenshot time: ${expected}`).to.include(expected);
    }
    const png = await page.screenshot({ fullPage: true });
    const info = readPng(png);
    expect(info.width).to.equal(1280);
    expect(info.height).to.be.at.least(900);
    expect(info.distinctBytes, "a picture with content, not a blank page").to.be.above(100);
    expect(png.length).to.be.above(30_000);
    const path = process.env.WEB_SCREENSHOT ?? join(mkdtempSync(join(tmpdir(), "pyrots-console-")), "console.png");
    writeFileSync(path, png);
  });

  it("runs the browser client from a page: calls, streams, attributes, bytes, errors as classes", async () => {
    // A page of the gateway's own origin (the client module itself is a page that needs no CSP).
    await page.goto(`${gateway.url}pyro/$client.js`);
    const result = await page.evaluate(async (base: string) => {
      const client = await import(`${base}pyro/$client.js`);
      const calc = client.gatewayProxy(`${base}pyro`, "example.calc", { key: "console-key" });
      const ticks: number[] = [];
      for await (const tick of calc.ticks(3)) ticks.push(tick);
      let error: Record<string, unknown> = {};
      try {
        await calc.divide(1, 0);
      } catch (caught) {
        const e = caught as { name: string; remoteType: string; remoteTraceback: string[]; status: number };
        error = { isRemote: caught instanceof client.RemoteError, name: e.name, type: e.remoteType, traceback: e.remoteTraceback.join(""), status: e.status };
      }
      let forbidden = "";
      try {
        await client.gatewayProxy(`${base}pyro`, "example.calc").add(1, 1);
      } catch (caught) {
        forbidden = (caught as Error).constructor.name;
      }
      const bytes: Uint8Array = await calc.echo(new Uint8Array([1, 2, 250]));
      return { sum: await calc.add(1, 2), ticks, model: await calc.model, big: String(await calc.big()), bytes: Array.from(bytes), error, forbidden };
    }, gateway.url);
    expect(result.sum).to.equal(3);
    expect(result.ticks).to.deep.equal([0, 1, 2]);
    expect(result.model).to.equal("calc-1");
    expect(result.big).to.equal(String(2n ** 70n));
    expect(result.bytes).to.deep.equal([1, 2, 250]);
    expect(result.error).to.include({ isRemote: true, name: "RemoteError", type: "builtins.ZeroDivisionError", status: 500 });
    expect(result.error.traceback).to.include("ZeroDivisionError");
    expect(result.forbidden).to.equal("ForbiddenError");
  });

  it("calls from a page of another origin only when CORS allows that origin", async () => {
    const script = `
      import { gatewayProxy } from "${gateway.url}pyro/$client.js";
      const calc = gatewayProxy("${gateway.url}pyro", "example.calc", { key: "console-key" });
      calc.add(20, 22).then((v) => (document.body.dataset.result = String(v)), (e) => (document.body.dataset.result = e.name + " " + e.status));`;
    const html = `<!doctype html><html><body><script type="module">${script}</script></body></html>`;
    const site = await servePage(() => html);
    try {
      await page.goto(site.url);
      await page.waitForSelector("body[data-result]", { state: "attached" });
      // The gateway allows http://127.0.0.1:1 only: the browser refuses to give the page the answer.
      expect(await page.getAttribute("body", "data-result")).to.equal("UnreachableError 0");
      let allowedHtml = "";
      const allowed = await servePage(() => allowedHtml);
      const allowing = await backend.gateway({ gatewayKey: "console-key", cors: [allowed.url.replace(/\/$/, "")] });
      allowedHtml = html.replaceAll(gateway.url, allowing.url);
      try {
        const other = await browser.newPage();
        await other.goto(allowed.url);
        await other.waitForSelector("body[data-result]", { state: "attached" });
        expect(await other.getAttribute("body", "data-result")).to.equal("42");
        await other.close();
      } finally {
        allowed.close();
      }
    } finally {
      site.close();
    }
  });
});
