/** Runs `url` (the compiled program, e.g. `new URL("../dist/bin/ns.js", import.meta.url)`) as the command `command`. */
export declare function launch(command: string, url: URL): Promise<void>;
