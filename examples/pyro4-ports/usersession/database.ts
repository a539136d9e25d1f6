/**
 * Port of Pyro4's `examples/usersession/database.py`: a key-value store, and connections to it
 * that must not be used by two callers at the same time (they refuse, as the Python one refuses a
 * second thread).
 *
 * Node has no threads, but two remote calls can still be under way at once on a daemon: each
 * waits (the artificial delay) while the other runs. So the same problem shows.
 */
import { setTimeout as sleep } from "node:timers/promises";

/** Key-value datastore. */
export class DummyDatabase {
  private readonly storage = new Map<string, unknown>();
  readonly allowedUsers = ["user123", "admin"];

  connect(user: string | null): Connection {
    return new Connection(this, user);
  }

  async set(key: string, value: unknown): Promise<void> {
    await sleep(Math.random() * 100); // artificial delay
    this.storage.set(key, value);
  }

  async get(key: string): Promise<unknown> {
    await sleep(Math.random() * 100); // artificial delay
    return this.storage.get(key);
  }
}

/** A connection that only one caller may use at a time. */
export class Connection {
  private busy = false;

  constructor(
    private readonly db: DummyDatabase,
    private readonly user: string | null,
  ) {}

  async store(key: string, value: unknown, user: string | null = null): Promise<void> {
    user ??= this.user;
    if (!user || !this.db.allowedUsers.includes(user)) throw new Error("access denied");
    if (this.busy) throw new RangeError("ERROR: concurrent connection access (write) by multiple different threads");
    this.busy = true;
    try {
      console.log(`DB: user ${user} stores: ${key} = ${value}`);
      await this.db.set(key, value);
    } finally {
      this.busy = false;
    }
  }

  async retrieve(key: string, user: string | null = null): Promise<unknown> {
    user ??= this.user;
    if (!user || !this.db.allowedUsers.includes(user)) throw new Error("access denied");
    if (this.busy) throw new RangeError("ERROR: concurrent connection access (read) by multiple different threads");
    this.busy = true;
    try {
      console.log(`DB: user ${user} retrieve: ${key}`);
      return await this.db.get(key);
    } finally {
      this.busy = false;
    }
  }
}
