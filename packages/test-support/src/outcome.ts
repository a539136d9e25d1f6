/** Assertions on how a promise ends, shared by the suites of every package. */

/** The error `promise` rejects with; throws if it resolves instead. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure, but the promise resolved");
}
