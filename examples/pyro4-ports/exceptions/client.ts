/**
 * Port of Pyro4's `examples/exceptions`, the client: remote exceptions arrive as `RemoteError`
 * (Python's type in `remoteName`, the server's traceback in `remoteTraceback`).
 */
import { Proxy, RemoteError } from "@pyrots/core";
import { getPyroTraceback, print, repr } from "../common/python.js";

interface TestClass {
  div(arg1: number, arg2: number): number;
  error(): never;
  error2(): Error;
  othererr(): never;
  complexerror(): void;
  unserializable(): never;
}

/** True when `error` is the remote Python exception `type`. */
function isRemote(error: unknown, type: string): error is RemoteError {
  return error instanceof RemoteError && error.remoteName === type;
}

const test = new Proxy<TestClass>("PYRONAME:example.exceptions");

print(await test.div(2.0, 9.0));
print("DIVIDE BY ZERO: integer division or modulo by zero"); // Python's 2 // 0, locally
try {
  print(await test.div(2, 0));
} catch (x) {
  if (!isRemote(x, "ZeroDivisionError")) throw x;
  print(`DIVIDE BY ZERO: ${x.message}`);
}
try {
  const result = await test.error();
  print(`${repr(result)}, ${result}`);
} catch (x) {
  if (!isRemote(x, "ValueError")) throw x;
  print(`VALUERROR: ${x.message}`);
}
try {
  // An exception returned (not raised) arrives as a value.
  const result = await test.error2();
  print(`${result instanceof RemoteError ? `${result.remoteName}(${repr(result.message)})` : repr(result)}, ${result.message}`);
} catch (x) {
  if (!isRemote(x, "ValueError")) throw x;
  print(`VALUERROR: ${x.message}`);
}
try {
  const result = await test.othererr();
  print(`${repr(result)}, ${result}`);
} catch (x) {
  print(`ANOTHER ERROR: ${(x as Error).message}`);
}
try {
  const result = await test.unserializable();
  print(`${repr(result)}, ${result}`);
} catch (x) {
  print(`UNSERIALIZABLE ERROR: ${(x as Error).message}`);
}

print("\n*** invoking server method that crashes, catching traceback ***");
try {
  print(await test.complexerror());
} catch (x) {
  print(`CAUGHT ERROR  >>> ${(x as Error).message}`);
  print("Printing Pyro traceback >>>>>>");
  print(getPyroTraceback(x));
  print("<<<<<<< end of Pyro traceback");
}

print("\n*** installing pyro's excepthook");
print("*** invoking server method that crashes, not catching anything ***");
try {
  print(await test.complexerror());
} catch (x) {
  // What Pyro4's excepthook does for an exception nobody catches: the Pyro traceback, exit code 1.
  process.stderr.write(getPyroTraceback(x));
  process.exit(1);
}
