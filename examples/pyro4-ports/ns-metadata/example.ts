/**
 * Port of Pyro4's `examples/ns-metadata`: registrations with metadata tags, searches by tags, and
 * `PYROMETA:` URIs (any object that has all of the given tags).
 *
 * `ns.list(metadata_all=..., return_metadata=True)` takes its arguments in order in TypeScript:
 * `ns.list(prefix, regex, metadata_all, metadata_any, return_metadata)` (`null` for those not
 * used). Pyro4's `type_meta(cls)` is written out here as `typeMeta`.
 */
import { Daemon, Proxy, bind, expose, locateNS, uriOf } from "@pyrots/core";
import { print } from "../common/python.js";

class Resource {}
@expose
class LaserPrinter extends Resource {}
@expose
class MatrixPrinter extends Resource {}
@expose
class PhotoPrinter extends Resource {}
@expose
class TapeStorage extends Resource {}
@expose
class DiskStorage extends Resource {}
@expose
class Telephone extends Resource {}
@expose
class Faxmachine extends Resource {}

/** Pyro4's `type_meta(cls)`: a `class:` tag for the class and each base class, named as Python names them (module `resources`). */
function typeMeta(cls: Function): string[] {
  const tags: string[] = [];
  for (let c = cls; c !== Function.prototype && c.name; c = Object.getPrototypeOf(c)) tags.push(`class:resources.${c.name}`);
  return tags;
}

// register various objects with some metadata describing their resource class
const ns = await locateNS();
const d = await Daemon.create();
const registrations: [Function, string, string[]][] = [
  [LaserPrinter, "example.resource.laserprinter", ["resource:printer", "performance:fast"]],
  [MatrixPrinter, "example.resource.matrixprinter", ["resource:printer", "performance:slow"]],
  [PhotoPrinter, "example.resource.photoprinter", ["resource:printer", "performance:slow"]],
  [TapeStorage, "example.resource.tapestorage", ["resource:storage", "performance:slow"]],
  [DiskStorage, "example.resource.diskstorage", ["resource:storage", "performance:fast"]],
  [Telephone, "example.resource.telephone", ["resource:communication"]],
  [Faxmachine, "example.resource.faxmachine", ["resource:communication"]],
];
for (const [cls, name, tags] of registrations) await ns.register(name, d.register(cls), false, [...typeMeta(cls), ...tags]);

// check that the name server is actually capable of storing metadata
const [, metadata] = await ns.lookup("example.resource.laserprinter", true);
if (metadata.length === 0) throw new Error("The name server doesn't support storing metadata. Check its storage type.");

// list all registrations with their metadata
const entries = await ns.list(null, null, null, null, true);
for (const [name, [uri, tags]] of Object.entries(entries)) {
  print(name);
  print("   uri:", uri);
  print("   meta:", tags.join(", "));
  print();
}

/** Prints the devices of a search by tags. */
async function show(title: string, all: string[] | null, any: string[] | null = null): Promise<void> {
  print(title);
  for (const [name, uri] of Object.entries(await ns.list(null, null, all, any))) print(`   ${name} -> ${uri}`);
}

await show("\nall storage:", ["resource:storage"]);
await show("\nall FAST printers:", ["resource:printer", "performance:fast"]);
await show("\nall storage OR communication devices :", null, ["resource:storage", "resource:communication"]);

// upgrade the photo printer
const [, photoTags] = await ns.lookup("example.resource.photoprinter", true);
const upgraded = new Set(photoTags);
upgraded.delete("performance:slow");
upgraded.add("performance:fast");
await ns.set_metadata("example.resource.photoprinter", upgraded);

await show("\nall FAST printers (after photoprinter upgrade):", ["resource:printer", "performance:fast"]);
await show("\nall resource types:", ["class:resources.Resource"]);

print("\n\nPYROMETA protocol for easy yellow-pages lookup:\n");
const nameserver = new Proxy("PYROMETA:class:Pyro4.naming.NameServer");
print("Proxy to look up 'any nameserver' via its class metadata:");
print("    ", String(nameserver));
await bind(nameserver);
print("Proxy for 'any namesever' bound to candidate:");
print("    ", uriOf(nameserver).toString());
const printer = new Proxy("PYROMETA:resource:printer,performance:slow");
print("Proxy for 'any slow printer':");
print("    ", String(printer));
print("(this example doesn't actually implement these objects so we leave it at that)");
await d.shutdown();
