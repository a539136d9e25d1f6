/**
 * Persistent storage in an SQLite file (better-sqlite3), with the same two tables Pyro4's
 * `SqlStorage` uses, so a database can move between a Python and a pyrots name server:
 *
 * | table           | columns                                                        |
 * | --------------- | -------------------------------------------------------------- |
 * | `pyro_names`    | `id integer PRIMARY KEY`, `name UNIQUE NOT NULL`, `uri NOT NULL` |
 * | `pyro_metadata` | `object` (→ `pyro_names.id`), `metadata` (one tag per row)      |
 *
 * Three more tables are pyrots' own; Pyro4 reads and writes only its two and ignores these:
 *
 * | table                | columns                                                   |
 * | -------------------- | --------------------------------------------------------- |
 * | `pyrots_registrants` | `name PRIMARY KEY`, `uri`, `registrant`                    |
 * | `pyrots_leases`      | `id PRIMARY KEY`, `ttl` (s), `expires` (ms since the epoch) |
 * | `pyrots_lease_names` | `name PRIMARY KEY` (→ `pyro_names.name`), `lease` (→ id)   |
 *
 * `pyrots_registrants` keeps who registered a name (autoclean's rule needs it); a row counts only
 * while its `uri` is still the name's URI, so a name that Pyro4 re-registers in the same file
 * simply has no known registrant. It has no foreign key, so Pyro4's deletes never trip over it.
 * Leases outlive a restart of the name server (a daemon that keeps one alive never notices) and
 * any process sharing the file can keep them alive. Every process sweeps expired leases and
 * their names twice a second.
 *
 * The file runs in WAL mode; every write is one IMMEDIATE transaction, so several processes may
 * share a file and a registration is never half-written.
 *
 * better-sqlite3 is an optional peer dependency, loaded when a file is first opened: it compiles
 * SQLite where no prebuilt binary can be fetched, which a project that keeps its names in memory
 * (the default) should not have to wait for.
 */
import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import { NamingError } from "@pyrots/core";
import { ChangeFeed } from "./change-feed.js";
import { newLeaseId, unknownLease } from "./local-leases.js";
import { MAX_LOCAL_LEASES, type NameStorage, type Registration, type StorageFilter, type StorageHealth, uniqueTags } from "./types.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS pyro_names (
  id integer PRIMARY KEY,
  name nvarchar NOT NULL UNIQUE,
  uri nvarchar NOT NULL
);
CREATE TABLE IF NOT EXISTS pyro_metadata (
  object integer NOT NULL,
  metadata nvarchar NOT NULL,
  FOREIGN KEY(object) REFERENCES pyro_names(id)
);
CREATE INDEX IF NOT EXISTS pyro_metadata_object ON pyro_metadata(object);
CREATE INDEX IF NOT EXISTS pyro_metadata_tag ON pyro_metadata(metadata);
CREATE TABLE IF NOT EXISTS pyrots_leases (
  id text PRIMARY KEY,
  ttl integer NOT NULL,
  expires integer NOT NULL
);
CREATE INDEX IF NOT EXISTS pyrots_leases_expires ON pyrots_leases(expires);
CREATE TABLE IF NOT EXISTS pyrots_lease_names (
  name nvarchar PRIMARY KEY,
  lease text NOT NULL
);
CREATE INDEX IF NOT EXISTS pyrots_lease_names_lease ON pyrots_lease_names(lease);
CREATE TABLE IF NOT EXISTS pyrots_registrants (
  name nvarchar PRIMARY KEY,
  uri nvarchar NOT NULL,
  registrant nvarchar NOT NULL
);
`;

/** How often expired leases are looked for, in ms. */
const SWEEP_INTERVAL_MS = 500;

// One query shape for every listing: names with their tags, in registration then tag order.
const LIST = (where: string) => `
SELECT n.name AS name, n.uri AS uri, m.metadata AS tag, l.lease AS lease, r.registrant AS registrant
FROM pyro_names n LEFT JOIN pyro_metadata m ON m.object = n.id LEFT JOIN pyrots_lease_names l ON l.name = n.name
LEFT JOIN pyrots_registrants r ON r.name = n.name AND r.uri = n.uri
${where}
ORDER BY n.id, m.rowid`;

/** A GLOB pattern matching the names that start with `prefix` (its wildcard characters escaped). */
function globPrefix(prefix: string): string {
  return `${prefix.replace(/[*?[]/g, "[$&]")}*`;
}

interface Row {
  name: string;
  uri: string;
  tag: string | null;
  lease: string | null;
  registrant: string | null;
}

/** SQLite-backed storage; opens (creating if needed) `file`. */
export class SqlStorage implements NameStorage {
  /** @inheritdoc */
  readonly kind = "sql";
  /** @inheritdoc (other processes' changes to the file are noticed at each sweep, twice a second) */
  readonly changes = new ChangeFeed();
  /** The database file. */
  readonly file: string;
  readonly #db: Database.Database;
  readonly #statements;
  readonly #setTx: (name: string, registration: Registration, onlyIfNew: boolean, lease: string | undefined) => boolean;
  readonly #grantTx: (ttl: number) => string;
  readonly #keepAliveTx: (lease: string) => number;
  readonly #revokeTx: (lease: string) => boolean;
  readonly #sweepTx: () => number;
  /** SQLite's data_version when last looked at: it changes when another connection commits. */
  #dataVersion = 0;
  readonly #sweeper: NodeJS.Timeout;
  readonly #setMetadataTx: (name: string, metadata: readonly string[]) => boolean;
  readonly #removeTx: (names: string[]) => number;
  readonly #removeIfUriTx: (name: string, uri: string) => boolean;

  constructor(file: string) {
    if (!file || file === ":memory:") throw new NamingError("sql storage needs a file name (use the memory storage for a volatile name server)");
    this.file = file;
    const open = loadBetterSqlite3();
    this.#db = sqlite(() => new open(file, { timeout: 10_000 }), `opening ${file}`);
    const db = this.#db;
    sqlite(() => {
      db.pragma("journal_mode = WAL");
      db.pragma("foreign_keys = ON");
      db.exec(SCHEMA);
    }, `preparing ${file}`);
    const s = {
      idOf: db.prepare<[string], { id: number }>("SELECT id FROM pyro_names WHERE name = ?"),
      get: db.prepare<[string], Row>(LIST("WHERE n.name = ?")),
      insert: db.prepare<[string, string]>("INSERT INTO pyro_names(name, uri) VALUES (?, ?)"),
      insertTag: db.prepare<[number | bigint, string]>("INSERT INTO pyro_metadata(object, metadata) VALUES (?, ?)"),
      deleteTags: db.prepare<[number]>("DELETE FROM pyro_metadata WHERE object = ?"),
      deleteName: db.prepare<[number]>("DELETE FROM pyro_names WHERE id = ?"),
      uriOf: db.prepare<[string], { id: number; uri: string }>("SELECT id, uri FROM pyro_names WHERE name = ?"),
      setRegistrant: db.prepare<[string, string, string]>("INSERT OR REPLACE INTO pyrots_registrants(name, uri, registrant) VALUES (?, ?, ?)"),
      deleteRegistrant: db.prepare<[number]>("DELETE FROM pyrots_registrants WHERE name = (SELECT name FROM pyro_names WHERE id = ?)"),
      deleteRegistrantByName: db.prepare<[string]>("DELETE FROM pyrots_registrants WHERE name = ?"),
      count: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM pyro_names"),
      unbind: db.prepare<[number]>("DELETE FROM pyrots_lease_names WHERE name = (SELECT name FROM pyro_names WHERE id = ?)"),
      bind: db.prepare<[string, string]>("INSERT INTO pyrots_lease_names(name, lease) VALUES (?, ?)"),
      leaseOf: db.prepare<[string], { ttl: number; expires: number }>("SELECT ttl, expires FROM pyrots_leases WHERE id = ?"),
      leaseCount: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM pyrots_leases"),
      insertLease: db.prepare<[string, number, number]>("INSERT INTO pyrots_leases(id, ttl, expires) VALUES (?, ?, ?)"),
      renewLease: db.prepare<[number, string]>("UPDATE pyrots_leases SET expires = ? WHERE id = ?"),
      deleteLease: db.prepare<[string]>("DELETE FROM pyrots_leases WHERE id = ?"),
      leasedIds: db.prepare<[string], { id: number }>("SELECT n.id AS id FROM pyro_names n JOIN pyrots_lease_names l ON l.name = n.name WHERE l.lease = ?"),
      expired: db.prepare<[number], { id: string }>("SELECT id FROM pyrots_leases WHERE expires <= ?"),
      all: db.prepare<[], Row>(LIST("")),
      // GLOB with a literal start lets SQLite search the name index for the range (LIKE would not:
      // it ignores case); the substr test keeps the answer exact whatever the prefix holds.
      prefix: db.prepare<[string, string, string], Row>(LIST("WHERE n.name GLOB ? AND substr(n.name, 1, length(?)) = ?")),
      any: db.prepare<[string], Row>(LIST("WHERE n.id IN (SELECT object FROM pyro_metadata WHERE metadata IN (SELECT value FROM json_each(?)))")),
      every: db.prepare<[string, number], Row>(
        LIST(
          "WHERE n.id IN (SELECT object FROM pyro_metadata WHERE metadata IN (SELECT value FROM json_each(?)) GROUP BY object HAVING count(DISTINCT metadata) = ?)",
        ),
      ),
    };
    this.#statements = s;
    const drop = (id: number) => {
      s.unbind.run(id);
      s.deleteRegistrant.run(id);
      s.deleteTags.run(id);
      s.deleteName.run(id);
    };
    const insertTags = (id: number | bigint, tags: readonly string[]) => {
      for (const tag of uniqueTags(tags)) s.insertTag.run(id, tag);
    };
    const liveLease = (lease: string) => {
      const row = s.leaseOf.get(lease);
      return row !== undefined && row.expires > Date.now() ? row : undefined;
    };
    const endLease = (lease: string) => {
      for (const { id } of s.leasedIds.all(lease)) drop(id);
      s.deleteLease.run(lease);
    };
    this.#setTx = db.transaction((name: string, registration: Registration, onlyIfNew: boolean, lease: string | undefined) => {
      const existing = s.idOf.get(name);
      if (existing && onlyIfNew) return false;
      if (lease !== undefined && liveLease(lease) === undefined) throw unknownLease(lease);
      // Delete and insert (as Pyro does) so a re-registered name moves to the end of listings.
      if (existing) drop(existing.id);
      insertTags(s.insert.run(name, registration.uri).lastInsertRowid, registration.metadata);
      if (lease !== undefined) s.bind.run(name, lease);
      if (registration.registrant !== undefined) s.setRegistrant.run(name, registration.uri, registration.registrant);
      else s.deleteRegistrantByName.run(name);
      return true;
    }).immediate;
    this.#grantTx = db.transaction((ttl: number) => {
      if (s.leaseCount.get()!.n >= MAX_LOCAL_LEASES) throw new NamingError(`too many leases (${MAX_LOCAL_LEASES} live): revoke unused leases first`);
      const id = newLeaseId();
      s.insertLease.run(id, ttl, Date.now() + ttl * 1000);
      return id;
    }).immediate;
    this.#keepAliveTx = db.transaction((lease: string) => {
      const row = liveLease(lease);
      if (row === undefined) throw unknownLease(lease);
      s.renewLease.run(Date.now() + row.ttl * 1000, lease);
      return row.ttl;
    }).immediate;
    this.#revokeTx = db.transaction((lease: string) => {
      const live = liveLease(lease) !== undefined;
      endLease(lease);
      return live;
    }).immediate;
    this.#sweepTx = db.transaction(() => {
      const expired = s.expired.all(Date.now());
      for (const { id } of expired) endLease(id);
      return expired.length;
    }).immediate;
    this.#setMetadataTx = db.transaction((name: string, metadata: readonly string[]) => {
      const existing = s.idOf.get(name);
      if (!existing) return false;
      s.deleteTags.run(existing.id);
      insertTags(existing.id, metadata);
      return true;
    }).immediate;
    this.#removeTx = db.transaction((names: string[]) => {
      let removed = 0;
      for (const name of names) {
        const existing = s.idOf.get(name);
        if (existing) {
          drop(existing.id);
          removed++;
        }
      }
      return removed;
    }).immediate;
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_INTERVAL_MS);
    // Sweeping must not keep a stopping process alive.
    this.#sweeper.unref();
    this.#removeIfUriTx = db.transaction((name: string, uri: string) => {
      const existing = s.uriOf.get(name);
      if (!existing || existing.uri !== uri) return false;
      drop(existing.id);
      return true;
    }).immediate;
  }

  /** @inheritdoc */
  get(name: string): Registration | undefined {
    return sqlite(() => collect(this.#statements.get.all(name)).get(name), "get");
  }

  /** @inheritdoc */
  set(name: string, registration: Registration, onlyIfNew = false, lease?: string): boolean {
    return this.#changed(sqlite(() => this.#setTx(name, registration, onlyIfNew, lease), "set"));
  }

  /** @inheritdoc */
  setMetadata(name: string, metadata: readonly string[]): boolean {
    return this.#changed(sqlite(() => this.#setMetadataTx(name, metadata), "setMetadata"));
  }

  /** @inheritdoc */
  remove(names: Iterable<string>): number {
    return this.#changed(sqlite(() => this.#removeTx([...names]), "remove"));
  }

  /** @inheritdoc */
  removeIfUri(name: string, uri: string): boolean {
    return this.#changed(sqlite(() => this.#removeIfUriTx(name, uri), "removeIfUri"));
  }

  /** @inheritdoc */
  grantLease(ttlSeconds: number): string {
    return sqlite(() => this.#grantTx(ttlSeconds), "grantLease");
  }

  /** @inheritdoc */
  keepAliveLease(lease: string): number {
    return sqlite(() => this.#keepAliveTx(lease), "keepAliveLease");
  }

  /** @inheritdoc */
  revokeLease(lease: string): boolean {
    return this.#changed(sqlite(() => this.#revokeTx(lease), "revokeLease"));
  }

  /** @inheritdoc */
  health(): StorageHealth {
    return { state: "ok", storage: this.kind, detail: "", age: 0, staleLimit: 0 };
  }

  /** @inheritdoc */
  count(): number {
    return sqlite(() => this.#statements.count.get()!.n, "count");
  }

  /** @inheritdoc */
  list(filter: StorageFilter = {}): Map<string, Registration> {
    const s = this.#statements;
    return sqlite(() => {
      if (filter.prefix !== undefined) return collect(s.prefix.all(globPrefix(filter.prefix), filter.prefix, filter.prefix));
      if (filter.metadataAny !== undefined) return collect(s.any.all(JSON.stringify(filter.metadataAny)));
      if (filter.metadataAll !== undefined && filter.metadataAll.length > 0) {
        const tags = uniqueTags(filter.metadataAll);
        return collect(s.every.all(JSON.stringify(tags), tags.length));
      }
      return collect(s.all.all());
    }, "list");
  }

  /** @inheritdoc */
  close(): void {
    clearInterval(this.#sweeper);
    if (this.#db.open) this.#db.close();
  }

  #sweep(): void {
    try {
      if (!this.#db.open) return;
      const dataVersion = this.#db.pragma("data_version", { simple: true }) as number;
      const othersWrote = dataVersion !== this.#dataVersion;
      this.#dataVersion = dataVersion;
      if (this.#sweepTx() > 0 || othersWrote) this.changes.notify();
    } catch {
      // A busy or failing database: the next sweep tries again, and the writes report the error.
    }
  }

  /** Passes a write's result through, telling watchers that the names may have changed. */
  #changed<T>(result: T): T {
    if (result !== false && result !== 0) this.changes.notify();
    return result;
  }
}

function collect(rows: Row[]): Map<string, Registration> {
  const result = new Map<string, { uri: string; metadata: string[]; lease?: string; registrant?: string }>();
  for (const row of rows) {
    let entry = result.get(row.name);
    if (entry === undefined) {
      entry = { uri: row.uri, metadata: [] };
      if (row.lease !== null) entry.lease = row.lease;
      if (row.registrant !== null) entry.registrant = row.registrant;
      result.set(row.name, entry);
    }
    if (row.tag !== null && !entry.metadata.includes(row.tag)) entry.metadata.push(row.tag);
  }
  return result;
}

/** Runs a database step, reporting SQLite failures as NamingErrors (as Pyro4 does). */
/** The better-sqlite3 module, resolved from where this package is installed; a clear error without it. */
function loadBetterSqlite3(): typeof Database {
  try {
    return createRequire(import.meta.url)("better-sqlite3") as typeof Database;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && (error as Error).message.includes("'better-sqlite3'");
    if (!missing) throw error;
    throw new NamingError("sql storage needs the better-sqlite3 package: install it beside @pyrots/nameserver (npm install better-sqlite3@12)", {
      cause: error,
    });
  }
}

function sqlite<T>(step: () => T, what: string): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof Error && (error.name === "SqliteError" || (error as { code?: unknown }).code?.toString().startsWith("SQLITE"))) {
      throw new NamingError(`sqlite error in ${what}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
