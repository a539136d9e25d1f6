/**
 * Persistent storage in an SQLite file (better-sqlite3), with the same two tables Pyro4's
 * `SqlStorage` uses, so a database can move between a Python and a pyrots name server:
 *
 * | table           | columns                                                        |
 * | --------------- | -------------------------------------------------------------- |
 * | `pyro_names`    | `id integer PRIMARY KEY`, `name UNIQUE NOT NULL`, `uri NOT NULL` |
 * | `pyro_metadata` | `object` (→ `pyro_names.id`), `metadata` (one tag per row)      |
 * | `pyrots_registrants` | `name`, `uri`, `registrant` (pyrots only, see below)      |
 *
 * Pyro4 reads and writes only its two tables. The third keeps who registered a name (autoclean's
 * rule needs it); a row counts only while its `uri` is still the name's URI, so a name that Pyro4
 * re-registers in the same file simply has no known registrant. It has no foreign key, so Pyro4's
 * deletes never trip over it.
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
import { type NameStorage, type Registration, type StorageFilter, uniqueTags } from "./types.js";

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
CREATE TABLE IF NOT EXISTS pyrots_registrants (
  name nvarchar PRIMARY KEY,
  uri nvarchar NOT NULL,
  registrant nvarchar NOT NULL
);
`;

// One query shape for every listing: names with their tags, in registration then tag order.
const LIST = (where: string) => `
SELECT n.name AS name, n.uri AS uri, m.metadata AS tag, r.registrant AS registrant
FROM pyro_names n LEFT JOIN pyro_metadata m ON m.object = n.id
LEFT JOIN pyrots_registrants r ON r.name = n.name AND r.uri = n.uri
${where}
ORDER BY n.id, m.rowid`;

interface Row {
  name: string;
  uri: string;
  tag: string | null;
  registrant: string | null;
}

/** SQLite-backed storage; opens (creating if needed) `file`. */
export class SqlStorage implements NameStorage {
  /** The database file. */
  readonly file: string;
  readonly #db: Database.Database;
  readonly #statements;
  readonly #setTx: (name: string, registration: Registration, onlyIfNew: boolean) => boolean;
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
      setRegistrant: db.prepare<[string, string, string]>("INSERT OR REPLACE INTO pyrots_registrants(name, uri, registrant) VALUES (?, ?, ?)"),
      deleteRegistrant: db.prepare<[string]>("DELETE FROM pyrots_registrants WHERE name = ?"),
      uriOf: db.prepare<[string], { id: number; uri: string }>("SELECT id, uri FROM pyro_names WHERE name = ?"),
      count: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM pyro_names"),
      all: db.prepare<[], Row>(LIST("")),
      prefix: db.prepare<[string, string], Row>(LIST("WHERE substr(n.name, 1, length(?)) = ?")),
      any: db.prepare<[string], Row>(LIST("WHERE n.id IN (SELECT object FROM pyro_metadata WHERE metadata IN (SELECT value FROM json_each(?)))")),
      every: db.prepare<[string, number], Row>(
        LIST(
          "WHERE n.id IN (SELECT object FROM pyro_metadata WHERE metadata IN (SELECT value FROM json_each(?)) GROUP BY object HAVING count(DISTINCT metadata) = ?)",
        ),
      ),
    };
    this.#statements = s;
    const drop = (id: number, name: string) => {
      s.deleteTags.run(id);
      s.deleteName.run(id);
      s.deleteRegistrant.run(name);
    };
    const insertTags = (id: number | bigint, tags: readonly string[]) => {
      for (const tag of uniqueTags(tags)) s.insertTag.run(id, tag);
    };
    this.#setTx = db.transaction((name: string, registration: Registration, onlyIfNew: boolean) => {
      const existing = s.idOf.get(name);
      if (existing && onlyIfNew) return false;
      // Delete and insert (as Pyro does) so a re-registered name moves to the end of listings.
      if (existing) drop(existing.id, name);
      insertTags(s.insert.run(name, registration.uri).lastInsertRowid, registration.metadata);
      if (registration.registrant !== undefined) s.setRegistrant.run(name, registration.uri, registration.registrant);
      else s.deleteRegistrant.run(name);
      return true;
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
          drop(existing.id, name);
          removed++;
        }
      }
      return removed;
    }).immediate;
    this.#removeIfUriTx = db.transaction((name: string, uri: string) => {
      const existing = s.uriOf.get(name);
      if (!existing || existing.uri !== uri) return false;
      drop(existing.id, name);
      return true;
    }).immediate;
  }

  /** @inheritdoc */
  get(name: string): Registration | undefined {
    return sqlite(() => collect(this.#statements.get.all(name)).get(name), "get");
  }

  /** @inheritdoc */
  set(name: string, registration: Registration, onlyIfNew = false): boolean {
    return sqlite(() => this.#setTx(name, registration, onlyIfNew), "set");
  }

  /** @inheritdoc */
  setMetadata(name: string, metadata: readonly string[]): boolean {
    return sqlite(() => this.#setMetadataTx(name, metadata), "setMetadata");
  }

  /** @inheritdoc */
  remove(names: Iterable<string>): number {
    return sqlite(() => this.#removeTx([...names]), "remove");
  }

  /** @inheritdoc */
  removeIfUri(name: string, uri: string): boolean {
    return sqlite(() => this.#removeIfUriTx(name, uri), "removeIfUri");
  }

  /** @inheritdoc */
  count(): number {
    return sqlite(() => this.#statements.count.get()!.n, "count");
  }

  /** @inheritdoc */
  list(filter: StorageFilter = {}): Map<string, Registration> {
    const s = this.#statements;
    return sqlite(() => {
      if (filter.prefix !== undefined) return collect(s.prefix.all(filter.prefix, filter.prefix));
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
    if (this.#db.open) this.#db.close();
  }
}

function collect(rows: Row[]): Map<string, Registration> {
  const result = new Map<string, { uri: string; metadata: string[]; registrant?: string }>();
  for (const row of rows) {
    let entry = result.get(row.name);
    if (entry === undefined) {
      entry = row.registrant === null ? { uri: row.uri, metadata: [] } : { uri: row.uri, metadata: [], registrant: row.registrant };
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
