/**
 * Small assertion helpers shared by the suites.
 */

/** The error a call fails with; throws if it succeeds instead. */
export async function failure(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}
