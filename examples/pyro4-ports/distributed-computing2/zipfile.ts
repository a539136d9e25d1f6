/**
 * Reads one file from a zip archive (stored or deflated), as the example's `zipfile.ZipFile(...)`
 * does: enough for `alice.zip`, with checks that fail clearly on anything else.
 */
import { readFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/** The bytes of `name` inside the zip file at `path`. */
export function readZipEntry(path: string, name: string): Buffer {
  const zip = readFileSync(path);
  // The end-of-directory record is the last 22 bytes, unless a comment follows it (up to 64 KiB).
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== END_OF_DIRECTORY) end--;
  if (end < 0 || zip.length - end > 22 + 0xffff) throw new Error(`${path} is not a zip file`);
  let at = zip.readUInt32LE(end + 16);
  const entries = zip.readUInt16LE(end + 10);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== DIRECTORY_ENTRY) throw new Error(`${path}: damaged central directory`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    if (zip.toString("utf8", at + 46, at + 46 + nameLength) === name) {
      if (zip.readUInt32LE(localHeader) !== LOCAL_HEADER) throw new Error(`${path}: damaged entry ${name}`);
      const start = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(start, start + compressedSize);
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${path}: ${name} uses compression method ${method}, which this reader does not know`);
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`There is no item named '${name}' in the archive ${path}`);
}
