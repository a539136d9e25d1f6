/**
 * Port of Pyro4's `examples/thirdpartylib/awesome_thirdparty_library.py`: a library whose source
 * we may not change (no decorators in here).
 */

export class WeirdReturnType {
  constructor(readonly value: string) {}
}

export class AwesomeClass {
  method(arg: string): string {
    console.log("Awesome object is called with: ", arg);
    return "awesome";
  }

  private(): string {
    console.log("This should be a private method...");
    return "boo";
  }

  weird(): WeirdReturnType {
    console.log("Weird!");
    return new WeirdReturnType("awesome");
  }
}
