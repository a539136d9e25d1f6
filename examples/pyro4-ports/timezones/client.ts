/**
 * Port of Pyro4's `examples/timezones`, the client: dates through each serializer. pyrots has
 * serpent and json (and msgpack) but not pickle or marshal, so those sections end at once; with
 * serpent and json a date comes back as ISO text, and the checks for a time zone fail, as they do
 * in Python.
 */
import { Proxy } from "@pyrots/core";
import { input, print, repr, str } from "../common/python.js";

interface Server {
  echo(date: unknown): unknown;
  pytz(): unknown;
  dateutil(): unknown;
}

/** Python's `type(x)` as printed. */
function pythonType(value: unknown): string {
  return `<class '${typeof value === "string" ? "str" : value instanceof Date ? "datetime.datetime" : typeof value}'>`;
}

const uri = (await input("What is the server uri? ")).trim();
const now = new Date();
print("local time without timezone: ", `${now.toISOString().slice(0, 10)} ${now.toTimeString().slice(0, 8)} `);

async function test(serializer: string): Promise<void> {
  await using serv = new Proxy<Server>(uri, { serializer: serializer as "serpent" });
  print("\nFIRST: no timezone");
  const date1 = await serv.echo(new Date());
  print(`${str(date1)}\n  ${repr(date1)} (${pythonType(date1)})`);
  print("    no tzinfo attribute");

  print("\nSECOND: PyTz timezones");
  const date2 = await serv.pytz();
  // the Python example asserts a datetime with a time zone; ISO text has none
  if (!(date2 instanceof Date)) throw new TypeError(`'${typeof date2 === "string" ? "str" : typeof date2}' object has no attribute 'tzinfo'`);
}

for (const [serializer, title] of [
  ["pickle", "\n******* pickle *******\n******* (expecting no errors) ******"],
  ["serpent", "\n******* serpent *******"],
  ["json", "\n******* json *******"],
  ["marshal", "\n******* marshal *******"],
] as const) {
  print(title);
  try {
    await test(serializer);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
  }
}
