/**
 * A real browser for the web suites: Debian's chromium driven by playwright-core (no browser
 * download). Without chromium a suite is skipped with one visible line; `REQUIRE_BROWSER=1`
 * (set by `.ci/run`) turns that skip into a failure. Also a PNG reader to check screenshots.
 */
import { existsSync } from "node:fs";
import { inflateSync } from "node:zlib";
import type { Browser } from "playwright-core";

/** The chromium binary (Debian's `chromium` package). */
export const CHROMIUM = process.env.PYROTS_CHROMIUM ?? "/usr/bin/chromium";

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

let announced = false;

/**
 * For a `before` hook: launches chromium headless (each launch gets a fresh temporary profile), or
 * skips the suite (fails it under `REQUIRE_BROWSER=1`) when chromium is missing.
 */
export async function launchBrowser(context: Mocha.Context): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    const why = `${CHROMIUM} not found (apt-get install chromium)`;
    if (process.env.REQUIRE_BROWSER === "1") throw new Error(`browser: chromium is required (REQUIRE_BROWSER=1) but ${why}`);
    if (!announced) {
      announced = true;
      console.log(`browser: ${why} — skipping`);
    }
    context.skip();
  }
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** What a PNG file says about itself. */
export interface PngInfo {
  width: number;
  height: number;
  /** Distinct values among the image's decompressed bytes (a blank image has very few). */
  distinctBytes: number;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Reads a PNG's size and checks that its image data is whole; throws on anything else. */
export function readPng(png: Buffer): PngInfo {
  if (png.length < 33 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG file");
  let width = 0;
  let height = 0;
  let bytesPerPixel = 0;
  const data: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const colorType = body[9];
      bytesPerPixel = colorType === 6 ? 4 : colorType === 2 ? 3 : colorType === 4 ? 2 : 1;
    } else if (type === "IDAT") data.push(body);
    else if (type === "IEND") break;
    at += 12 + length;
  }
  const pixels = inflateSync(Buffer.concat(data));
  if (pixels.length !== height * (1 + width * bytesPerPixel))
    throw new Error(`PNG image data is ${pixels.length} bytes, expected ${height * (1 + width * bytesPerPixel)}`);
  return { width, height, distinctBytes: new Set(pixels).size };
}
