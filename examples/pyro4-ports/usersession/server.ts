/**
 * Port of Pyro4's `examples/usersession`, the server: a user token comes with every call as an
 * annotation; a singleton object shares one database connection among all its callers (and runs
 * into trouble), a session object gets a connection of its own per client connection.
 *
 * `Pyro4.current_context.annotations["USER"]` is `currentContext().annotations.get("USER")`; a
 * session instance is created inside the first call of its connection, so its constructor can read
 * the call context too.
 */
import { behavior, currentContext, expose } from "@pyrots/core";
import { serveSimple } from "../common/serve-simple.js";
import { type Connection, DummyDatabase } from "./database.js";

const database = new DummyDatabase();

/** The user token of the call being served. */
function userOfCall(): string {
  const token = currentContext().annotations.get("USER");
  if (!token) throw new Error("no USER annotation");
  return Buffer.from(token).toString("utf8");
}

/** Shared by every client: its connection is used by concurrent calls, which is a problem. */
@behavior({ instanceMode: "single" })
@expose
class SingletonDatabase {
  private readonly conn: Connection;

  constructor() {
    console.log(`[${this.constructor.name}] new instance and connection`);
    this.conn = database.connect(null); // the user is per call, not global
  }

  store(key: string, value: unknown): Promise<void> {
    return this.conn.store(key, value, userOfCall());
  }

  retrieve(key: string): Promise<unknown> {
    return this.conn.retrieve(key, userOfCall());
  }

  ping(): string {
    return "hi";
  }
}

/** One instance, and one connection, per client connection: no problem. */
@behavior({ instanceMode: "session" })
@expose
class SessionboundDatabase {
  private readonly connection: Connection;

  constructor() {
    const user = userOfCall();
    this.connection = database.connect(user);
    console.log(`[${this.constructor.name}] new instance and connection for user: ${user}`);
  }

  store(key: string, value: unknown): Promise<void> {
    return this.connection.store(key, value);
  }

  retrieve(key: string): Promise<unknown> {
    return this.connection.retrieve(key);
  }

  ping(): string {
    return "hi";
  }
}

await serveSimple([
  [SingletonDatabase, "example.usersession.singletondb"],
  [SessionboundDatabase, "example.usersession.sessiondb"],
]);
