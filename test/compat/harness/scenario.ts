/**
 * What a compatibility scenario is: one of Pyro4's examples, its programs (the unchanged Python
 * ones and their pyrots ports), how a user runs them together (`play`), and which differences in
 * their output are legitimate (`normalize`).
 *
 * Every scenario runs three times: all Python (the reference), with the server side ported to
 * pyrots (the unchanged Python client against pyrots), and with the client side ported (pyrots
 * against the unchanged Python server). Each program's normalized output must equal the
 * reference's.
 */

/** Which side of an example a program belongs to. */
export type Side = "server" | "client";

/** Which implementation runs each side. */
export type Variant = "python" | "pyrots-server" | "pyrots-client";

/** Every variant, the reference first. */
export const VARIANTS: readonly Variant[] = ["python", "pyrots-server", "pyrots-client"];

/**
 * The variants a scenario runs: Python's always, and each pyrots one whose side has a pyrots
 * program for every role (the http example's client speaks plain HTTP: nothing of it to port).
 */
export function variantsOf(scenario: Scenario): readonly Variant[] {
  const ported = (side: Side) => Object.values(scenario.roles).every((role) => role.side !== side || role.pyrots !== undefined);
  return VARIANTS.filter((variant) => variant === "python" || ported(variant === "pyrots-server" ? "server" : "client"));
}

/** The implementation a side runs in `variant`. */
export function implementationOf(variant: Variant, side: Side): "python" | "pyrots" {
  if (variant === "pyrots-server") return side === "server" ? "pyrots" : "python";
  if (variant === "pyrots-client") return side === "client" ? "pyrots" : "python";
  return "python";
}

/** A pyrots program: a script under `examples/pyro4-ports/dist/`, or one of pyrots' commands. */
export type PyrotsProgram = { port: string; args?: readonly string[] } | { bin: "echoserver" | "ns" | "nsc" | "httpgateway"; args?: readonly string[] };

/** One program of an example, in both implementations. */
export interface Role {
  side: Side;
  /** Arguments of `python3`, e.g. `["server.py"]` or `["-m", "Pyro4.test.echoserver"]`. */
  python: readonly string[];
  /** The pyrots port; absent when this side has none (the variant that needs it is not run). */
  pyrots?: PyrotsProgram;
  /** Working folder inside the example's copy (e.g. `phase3`); the example's folder by default. */
  cwd?: string;
}

/** Options of {@link PlayContext.start}. */
export interface StartOptions {
  /** Tells apart several processes of one role (two chat clients); part of the output's name. */
  instance?: string;
  /** Extra command-line arguments, for both implementations. */
  args?: readonly string[];
  /** Written to stdin at once (scripted answers to the example's prompts). */
  input?: string;
  /** Waits until stdout has a line matching this before resolving (a server saying it is ready). */
  ready?: RegExp;
  /** How long to wait for `ready` (default 20 s). */
  readyTimeoutMs?: number;
}

/** A program started by a scenario. */
export interface Program {
  readonly key: string;
  /** Resolves with the first stdout line (past or future) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves once `count` stdout lines match `pattern`. */
  waitForCount(pattern: RegExp, count: number, timeoutMs?: number): Promise<void>;
  /** Writes to stdin. */
  write(text: string): void;
  /** Closes stdin (end of input, as ctrl-D). */
  endInput(): void;
  /** Waits for the program to exit by itself; fails after `timeoutMs` (default 60 s). */
  exited(timeoutMs?: number): Promise<number | null>;
  /** Stops the program (SIGTERM, then SIGKILL), as a user's ctrl-C would; its exit code is then not compared. */
  stop(): Promise<void>;
}

/** What a scenario's `play` can do. */
export interface PlayContext {
  readonly variant: Variant;
  /** The example's copy (cwd of its programs). */
  readonly dir: string;
  /** Starts the name server of the server side (Python's, or pyrots' `pyro-ns`) on 127.0.0.1:9090. */
  nameServer(): Promise<void>;
  /** Starts a role's program in the implementation the variant gives its side. */
  start(role: string, options?: StartOptions): Promise<Program>;
  /**
   * Waits until the name server (on 127.0.0.1:9090) knows `name`: for servers that register their
   * names after the last line they print.
   */
  waitForName(name: string, timeoutMs?: number): Promise<void>;
  /** Waits `ms` milliseconds (for examples that expect a user to wait, e.g. for a server timeout). */
  sleep(ms: number): Promise<void>;
}

/** Which output is being normalized. */
export interface OutputInfo {
  readonly role: string;
  readonly stream: "stdout" | "stderr";
  readonly implementation: "python" | "pyrots";
}

/**
 * A difference a Pyro user sees between Python and pyrots that is by design (each is listed in
 * docs/pyro4-examples.md): in `variant`, program `key` prints `pyrots` where the reference printed
 * what matches `python` (in the normalized text). A pattern that no longer matches the reference
 * fails the check, so a difference that went away does not stay listed.
 */
export interface KnownDifference {
  readonly variant: "pyrots-server" | "pyrots-client";
  readonly key: string;
  /** Which output (default stdout). */
  readonly stream?: "stdout" | "stderr";
  readonly python: RegExp;
  readonly pyrots: string;
  /** Why, in a sentence (for the docs). */
  readonly why: string;
}

/** One of Pyro4's examples as a compatibility scenario. */
export interface Scenario {
  /** Name used in test titles and in docs/pyro4-examples.md, e.g. `warehouse (phase 3)`. */
  readonly name: string;
  /** The example's top-level folder in Pyro4's examples. */
  readonly folder: string;
  readonly roles: Readonly<Record<string, Role>>;
  /** Runs the example as its user would. */
  play(context: PlayContext): Promise<void>;
  /**
   * Removes what legitimately differs from run to run or between implementations (beyond the
   * common rules: temp paths, URIs' ports and ids, uuids, memory addresses).
   */
  normalize?(text: string, info: OutputInfo): string;
  /** Differences by design, see {@link KnownDifference}. */
  readonly knownDifferences?: readonly KnownDifference[];
  /** Python programs whose stderr is a debug log (its lines follow what the other side did), not compared. */
  readonly ignoreStderrOf?: readonly string[];
  /** Stderr of programs that are ported is not compared unless listed here (their logs differ). */
  readonly compareStderrOfPorts?: readonly string[];
  /** A run ends (failing) after this long (default 60 s). */
  readonly timeoutMs?: number;
  /**
   * Why a failed run (a program that crashed or never got ready) is run once more: the example
   * checks its own timing (e.g. within 0.2 s), which a busy machine can miss. Differences in output
   * are never retried.
   */
  readonly timingSensitive?: string;
  /** Relative cost, for scheduling (default 1; CPU-heavy examples more). */
  readonly weight?: number;
  /** Certificates in `certs/` beside the example (the ssl example). */
  readonly certificates?: boolean;
  /** Python modules the example imports beyond Pyro4 (e.g. `pytz`): without them it is skipped (failed under REQUIRE_INTEROP=1). */
  readonly pythonModules?: readonly string[];
  /** Extra example folders to copy beside this one. */
  readonly alsoCopy?: readonly string[];
}
