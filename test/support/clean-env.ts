/**
 * The environment for a child process that must not inherit this run's pyrots settings.
 */

/** `process.env` without `PYRO_*` and `DEBUG`, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PYRO_") && key !== "DEBUG")), ...extra };
}
