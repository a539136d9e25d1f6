/**
 * The web console (`<prefix>/console/`): the name server's exposed names with metadata,
 * liveness and the gateway's call statistics, the fleets among them, and a form to call a method.
 * Everything is read through the gateway with the browser client, and every URL is relative to
 * the page, so the console works under any prefix.
 */
import { GatewayClient, GatewayError, GatewayStream } from "./client.js";
import { type Fleet, fleetsOf } from "./fleets.js";
import type { NameEntry, ObjectMembers, ObjectStats } from "./protocol.js";
import { byId, display, element, figure, setOptions } from "./render.js";
import { fromJsonText } from "./wire.js";

const REFRESH_MS = 5000;
/** Pings in flight at once. */
const PING_CONCURRENCY = 4;
/** Items of a streamed result shown at most. */
const MAX_STREAM_ITEMS = 100;
const KEY_STORAGE = "pyrots.console.key";

type Liveness = { state: "alive"; ms: number } | { state: "down"; why: string } | { state: "pending" };

class Console {
  private client: GatewayClient;
  private names: NameEntry[] = [];
  private stats = new Map<string, ObjectStats>();
  private readonly liveness = new Map<string, Liveness>();
  private fleets: Fleet[] = [];
  private filter: Fleet | undefined;
  private timer: number | undefined;
  private refreshing = false;
  private readonly members = new Map<string, ObjectMembers>();

  constructor() {
    const keyInput = byId<HTMLInputElement>("key");
    keyInput.value = sessionStorage.getItem(KEY_STORAGE) ?? "";
    this.client = this.makeClient(keyInput.value);
    keyInput.addEventListener("change", () => {
      sessionStorage.setItem(KEY_STORAGE, keyInput.value);
      this.client = this.makeClient(keyInput.value);
      this.members.clear();
      void this.refresh();
    });
    byId("refresh").addEventListener("click", () => void this.refresh());
    byId<HTMLInputElement>("auto").addEventListener("change", () => this.schedule());
    byId("filter-clear").addEventListener("click", () => this.setFilter(undefined));
    byId("call-name").addEventListener("change", () => void this.loadMethods());
    byId("call-form").addEventListener("submit", (event) => {
      event.preventDefault();
      void this.callFromForm();
    });
  }

  private makeClient(key: string): GatewayClient {
    return new GatewayClient(new URL("../pyro/", location.href).href, key === "" ? {} : { key });
  }

  /** Reloads names, statistics and liveness. */
  async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    this.setStatus("loading", "loading…");
    try {
      const [listing, stats] = await Promise.all([this.client.names(), this.client.stats()]);
      this.names = listing.names;
      this.stats = new Map(stats.objects.map((s) => [s.name, s]));
      this.fleets = fleetsOf(listing.names);
      if (this.filter) this.filter = this.fleets.find((f) => f.id === this.filter!.id);
      byId("nameserver").textContent = `name server: ${listing.nameserver} — exposed pattern ${listing.pattern}`;
      byId("names-count").textContent = listing.total > listing.names.length ? `(${listing.names.length} of ${listing.total})` : `(${listing.total})`;
      byId("window").textContent = String(stats.window);
      for (const name of this.liveness.keys()) if (!this.names.some((n) => n.name === name)) this.liveness.delete(name);
      this.renderNames();
      this.renderFleets();
      this.renderCallNames();
      await this.pingAll();
      this.setStatus("ok", `updated ${new Date().toLocaleTimeString()}`);
    } catch (error) {
      this.setStatus("error", describeError(error));
    } finally {
      this.refreshing = false;
      this.schedule();
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (byId<HTMLInputElement>("auto").checked) this.timer = window.setTimeout(() => void this.refresh(), REFRESH_MS);
  }

  private setStatus(state: string, text: string): void {
    const status = byId("status");
    status.dataset.state = state;
    status.textContent = text;
  }

  private async pingAll(): Promise<void> {
    const queue = this.names.map((n) => n.name);
    const worker = async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        try {
          this.liveness.set(name, { state: "alive", ms: await this.client.ping(name, { timeout: 5 }) });
        } catch (error) {
          this.liveness.set(name, { state: "down", why: error instanceof GatewayError ? error.kind : "error" });
        }
        this.renderLiveness(name);
      }
    };
    await Promise.all(Array.from({ length: PING_CONCURRENCY }, worker));
    this.renderFleets();
  }

  private renderNames(): void {
    const shown = this.filter ? this.names.filter((n) => this.filter!.members.includes(n.name)) : this.names;
    const rows = shown.map((entry) => {
      const stats = this.stats.get(entry.name);
      const tags = element("td");
      for (const tag of entry.metadata) tags.append(element("span", tag, { class: "tag" }));
      const row = element("tr", undefined, { "data-name": entry.name });
      row.append(
        element("td", entry.name),
        element("td", entry.uri, { class: "uri" }),
        tags,
        element("td", "", { class: "liveness" }),
        element("td", figure(stats?.callsPerSecond), { class: "num" }),
        element("td", figure(stats?.errors), { class: "num" }),
        element("td", figure(stats?.p50), { class: "num" }),
        element("td", figure(stats?.p99), { class: "num" }),
      );
      row.addEventListener("click", () => this.select(entry.name));
      return row;
    });
    byId("names")
      .querySelector("tbody")!
      .replaceChildren(...rows);
    for (const entry of shown) this.renderLiveness(entry.name);
    byId("filter").hidden = this.filter === undefined;
    byId("filter-name").textContent = this.filter?.label ?? "";
  }

  private renderLiveness(name: string): void {
    const cell = byId("names").querySelector<HTMLTableCellElement>(`tr[data-name="${CSS.escape(name)}"] td.liveness`);
    if (!cell) return;
    const liveness = this.liveness.get(name) ?? { state: "pending" };
    cell.dataset.state = liveness.state;
    cell.className = `liveness ${liveness.state}`;
    cell.textContent = liveness.state === "alive" ? `up (${figure(liveness.ms)} ms)` : liveness.state === "down" ? `down: ${liveness.why}` : "…";
  }

  private renderFleets(): void {
    const rows = this.fleets.map((fleet) => {
      const alive = fleet.members.filter((m) => this.liveness.get(m)?.state === "alive").length;
      const row = element("tr", undefined, { "data-fleet": fleet.id });
      row.append(
        element("td", fleet.label),
        element("td", fleet.by),
        element("td", fleet.members.join(", ")),
        element("td", `${alive}/${fleet.members.length}`, { class: "num" }),
      );
      if (this.filter?.id === fleet.id) row.classList.add("selected");
      row.addEventListener("click", () => this.setFilter(fleet));
      return row;
    });
    byId("fleets")
      .querySelector("tbody")!
      .replaceChildren(...rows);
  }

  private setFilter(fleet: Fleet | undefined): void {
    this.filter = fleet;
    this.renderNames();
    this.renderFleets();
  }

  private renderCallNames(): void {
    const select = byId<HTMLSelectElement>("call-name");
    const before = select.value;
    setOptions(
      select,
      this.names.map((n) => ({ value: n.name, label: n.name })),
    );
    if (select.value !== before || byId<HTMLSelectElement>("call-method").options.length === 0) void this.loadMethods();
  }

  /** Selects `name` in the call form. */
  private select(name: string): void {
    byId<HTMLSelectElement>("call-name").value = name;
    for (const row of byId("names").querySelectorAll("tbody tr")) row.classList.toggle("selected", (row as HTMLElement).dataset.name === name);
    void this.loadMethods();
  }

  private async loadMethods(): Promise<void> {
    const name = byId<HTMLSelectElement>("call-name").value;
    const select = byId<HTMLSelectElement>("call-method");
    if (name === "") return setOptions(select, []);
    try {
      let members = this.members.get(name);
      if (!members) this.members.set(name, (members = await this.client.meta(name)));
      setOptions(select, [
        ...members.methods.map((m) => ({ value: m, label: m })),
        ...members.attributes.map((a) => ({ value: `@${a}`, label: `${a} (attribute)` })),
      ]);
    } catch (error) {
      setOptions(select, []);
      this.showResult("error", `cannot list the members of ${name}: ${describeError(error)}`, "", "");
    }
  }

  private async callFromForm(): Promise<void> {
    const name = byId<HTMLSelectElement>("call-name").value;
    const member = byId<HTMLSelectElement>("call-method").value;
    let args: unknown;
    let kwargs: unknown;
    try {
      args = fromJsonText(byId<HTMLInputElement>("call-args").value || "[]");
      kwargs = fromJsonText(byId<HTMLInputElement>("call-kwargs").value || "{}");
      if (!Array.isArray(args)) throw new SyntaxError("args must be a JSON array");
      if (kwargs === null || typeof kwargs !== "object" || Array.isArray(kwargs)) throw new SyntaxError("kwargs must be a JSON object");
    } catch (error) {
      return this.showResult("error", `invalid input: ${(error as Error).message}`, "", "");
    }
    this.showResult("pending", `calling ${name}.${member.replace(/^@/, "")}…`, "", "");
    const started = performance.now();
    try {
      let result = member.startsWith("@")
        ? await this.client.attribute(name, member.slice(1))
        : await this.client.call(name, member, args as unknown[], kwargs as Record<string, unknown>);
      if (result instanceof GatewayStream) result = await collect(result);
      const ms = (performance.now() - started).toFixed(1);
      this.showResult("ok", `${name}.${member.replace(/^@/, "")} returned in ${ms} ms`, display(result), "");
    } catch (error) {
      const traceback =
        error instanceof GatewayError && error.remoteTraceback
          ? error.remoteTraceback.join("")
          : error instanceof GatewayError && error.kind === "remote-exception"
            ? "(the gateway does not send remote tracebacks: start it with --tracebacks to see them)"
            : "";
      this.showResult("error", describeError(error), "", traceback);
    }
    void this.refreshStatsSoon();
  }

  private showResult(state: string, summary: string, output: string, traceback: string): void {
    byId("call-result").dataset.state = state;
    byId("call-summary").textContent = summary;
    byId("call-output").textContent = output;
    byId("call-traceback").textContent = traceback;
  }

  private async refreshStatsSoon(): Promise<void> {
    try {
      const stats = await this.client.stats();
      this.stats = new Map(stats.objects.map((s) => [s.name, s]));
      this.renderNames();
    } catch {
      // The next refresh says what is wrong.
    }
  }
}

async function collect(stream: GatewayStream): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of stream) {
    items.push(item);
    if (items.length >= MAX_STREAM_ITEMS) break;
  }
  return items;
}

function describeError(error: unknown): string {
  if (error instanceof GatewayError) {
    const type = error.remoteType ? `${error.remoteType}: ` : "";
    return `${error.name} ${type}${error.message} (HTTP ${error.status}${error.detail ? `; ${error.detail}` : ""})`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

void new Console().refresh();
