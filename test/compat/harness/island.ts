/**
 * A private network namespace per run ("island", made by `tools/netns.sh island`): nothing but a
 * loopback interface, whose default route leads back into it. Each run gets its own 127.0.0.1, so
 * examples keep their fixed ports (the name server's 9090, the autoreconnect server's 7777) while
 * many run at once, and whatever an example sends (a Pyro4 client broadcasting for a name server
 * it cannot find, say) never reaches the machine's network.
 */
import { NETNS_SCRIPT } from "../../support/netns.js";
import { runProcess } from "@pyrots/test-support";

let counter = 0;

/** A namespace made for one run; `remove()` deletes it (after its processes have ended). */
export interface Island {
  readonly name: string;
  remove(): Promise<void>;
}

/** Makes a new island namespace with a name no other run (in this process or another) uses. */
export async function makeIsland(): Promise<Island> {
  const prefix = `pyx${process.pid.toString(36)}n${(counter++).toString(36)}`;
  const made = await runProcess("bash", [NETNS_SCRIPT, "island", prefix], { timeoutMs: 20_000 });
  if (made.code !== 0) throw new Error(`netns.sh island ${prefix} failed (code ${made.code}): ${made.stdout}${made.stderr}`);
  const name = made.stdout.trim();
  return {
    name,
    remove: async () => {
      await runProcess("bash", [NETNS_SCRIPT, "down", prefix], { timeoutMs: 20_000 });
    },
  };
}
