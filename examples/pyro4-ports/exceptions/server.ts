/**
 * Port of Pyro4's `examples/exceptions`, the server: methods that raise, or return, exceptions.
 *
 * JS errors reach Python clients as the matching Python exception (`RangeError` as `ValueError`,
 * `TypeError` as `TypeError`); `PythonError` raises any Python exception by name. The traceback a
 * client sees shows the server's own frames.
 */
import { PythonError, expose } from "@pyrots/core";
import { serveSimple } from "../common/serve-simple.js";

@expose
class TestClass {
  div(arg1: number, arg2: number): number {
    // JavaScript divides by zero without complaint (Infinity); Python raises, and so does the port.
    if (arg2 === 0) throw new PythonError("builtins.ZeroDivisionError", "division by zero");
    return arg1 / arg2;
  }

  error(): never {
    throw new RangeError("a valueerror! Great!");
  }

  error2(): Error {
    return new RangeError("a valueerror! Great!");
  }

  othererr(): never {
    throw new PythonError("builtins.RuntimeError", "a runtime error!");
  }

  complexerror(): void {
    new Foo().crash();
  }

  unserializable(): never {
    // An exception of the server's own class: a Python client cannot rebuild it.
    throw new PythonError("excep.UnserializableError", "this error can't be serialized");
  }
}

class Foo {
  crash(): void {
    this.crash2("going down...");
  }

  crash2(arg: unknown): number {
    // this statement will crash on purpose (a string has no toFixed):
    return (arg as number).toFixed(2).length;
  }
}

await serveSimple([[TestClass, "example.exceptions"]]);
