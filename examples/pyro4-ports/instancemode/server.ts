/**
 * Port of Pyro4's `examples/instancemode`, the server: one class per instance mode. Each
 * instance has a number (Python prints `id(self)`), so the output shows which instance answered.
 *
 * `@Pyro4.behavior(instance_mode=..., instance_creator=...)` is `@behavior({ instanceMode,
 * instanceCreator })`. An instance creator runs inside the call that needs the instance, so it can
 * read the call context, as the session one here does.
 */
import { behavior, currentContext, expose } from "@pyrots/core";
import { serveSimple } from "../common/serve-simple.js";
import { tuple, type Tuple } from "../common/python.js";

let instances = 0;

/** Python's `id(self)`, for the output: a number per instance. */
abstract class Numbered {
  readonly id = 1000 + ++instances;

  protected log(message: string): void {
    console.log(`[${this.id}] ${this.constructor.name}.msg: ${message}`);
  }
}

@behavior({ instanceMode: "single" })
class SingleInstance extends Numbered {
  @expose
  msg(message: string): number {
    this.log(message);
    return this.id;
  }
}

@behavior({ instanceMode: "session", instanceCreator: (cls) => (cls as typeof SessionInstance).createInstance() })
class SessionInstance extends Numbered {
  private correlationId = "";

  @expose
  msg(message: string): Tuple {
    this.log(message);
    return tuple(this.id, this.correlationId);
  }

  static createInstance(): SessionInstance {
    const instance = new SessionInstance();
    instance.correlationId = uuidText(currentContext().correlationId);
    return instance;
  }
}

@behavior({ instanceMode: "percall" })
class PercallInstance extends Numbered {
  @expose
  msg(message: string): number {
    this.log(message);
    return this.id;
  }
}

/** A 16-byte correlation id as UUID text (what Python's `str(uuid)` gives). */
function uuidText(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

await serveSimple([
  [SingleInstance, "instance.single"],
  [SessionInstance, "instance.session"],
  [PercallInstance, "instance.percall"],
]);
