/**
 * Examples with several clients at once: messagebus (publish/subscribe through a bus that calls
 * its subscribers back) and chatbox (people chatting through a server that calls them back).
 */
import { dropLines } from "../harness/normalize.js";
import type { Scenario } from "../harness/scenario.js";

const MESSAGES = 5;

/** The first `count` messages a subscriber printed (it prints more until it is stopped). */
function firstMessages(text: string, count: number): string {
  const blocks = text.split(/(?=\nGOT MESSAGE:\n)/);
  return blocks.slice(0, count + 1).join("");
}

export const messagebus: Scenario = {
  name: "messagebus",
  folder: "messagebus",
  roles: {
    server: { side: "server", python: ["-m", "messagebus.server", "-s", "memory"], pyrots: { port: "messagebus/server.js", args: ["-s", "memory"] } },
    subscriber: { side: "client", python: ["subscriber.py"], pyrots: { port: "messagebus/subscriber.js" } },
    publisher: { side: "client", python: ["publisher.py"], pyrots: { port: "messagebus/publisher.js" } },
  },
  async play(run) {
    await run.nameServer();
    await run.start("server", { ready: /Server running, storage is memory\.$/ });
    const subscriber = await run.start("subscriber", { input: "\n", ready: /^Subscribed on weather-forecast$/ });
    const publisher = await run.start("publisher", { input: "Amsterdam\n" });
    await subscriber.waitForCount(/^GOT MESSAGE:$/, MESSAGES, 30_000);
    await publisher.stop();
    await subscriber.stop();
  },
  // Forecasts are random and come every 10 ms until the publisher is stopped: the first few are
  // compared. Each message has a new id and a time; the bus prints its statistics every 10 s. A
  // forecast is a Python tuple, which travels as a list through pyrots (JavaScript has no tuples).
  normalize: (text, info) => {
    const out = text
      .replace(/\('Amsterdam', '\w+'\)|\['Amsterdam', '\w+'\]/g, "('Amsterdam', <weather>)")
      .replace(/^( created:) .*$/gm, "$1 <time>")
      .replace(/^( {3}msgid:) .*$/gm, "$1 <new id>")
      .replace(/^\[[^\]]*\] stats: .*$/gm, "")
      // serpent sends an empty set as an empty tuple, which pyrots reads as an empty list
      .replace(/^(hostname to bind on \(empty=localhost\): Topics on the bus: {2})(?:\(\)|\[\]|set\(\))$/m, "$1<none>");
    if (info.role === "publisher") return out.split("\n").slice(0, MESSAGES).join("\n");
    if (info.role === "subscriber") return firstMessages(out, MESSAGES);
    return dropLines(out, /^$/);
  },
};

export const chatbox: Scenario = {
  name: "chatbox",
  folder: "chatbox",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "chatbox/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "chatbox/client.js" } },
  },
  async play(run) {
    await run.nameServer();
    await run.start("server", { ready: /^Pyro daemon running\.$/ });
    // People type their answers once asked (the Python client registers its callback object in a
    // second thread: typed-ahead answers could make it join before that).
    const alice = await run.start("client", { instance: "alice", ready: /^The server has no active channels\.$/ });
    await run.sleep(300);
    alice.write("room\nalice\n");
    await alice.waitFor(/Ready for input!/);
    const bob = await run.start("client", { instance: "bob", ready: /^The following channels already exist: room$/ });
    await run.sleep(300);
    bob.write("room\nbob\n");
    await bob.waitFor(/Ready for input!/);
    await alice.waitFor(/\[SERVER\] \*\* bob joined \*\*/);
    bob.write("hello alice\n");
    await alice.waitFor(/\[bob\] hello alice/);
    alice.write("hi bob\n");
    await bob.waitFor(/\[alice\] hi bob/);
    bob.write("/quit\n");
    await bob.exited();
    await alice.waitFor(/\[SERVER\] \*\* bob left \*\*/);
    alice.write("/quit\n");
    await alice.exited();
  },
  // The "> " prompt is printed whenever the client waits for a line, which may be before or after
  // a message arrives: prompts are not compared.
  // Joining announces the newcomer to everyone on the channel, the newcomer too, while it is still
  // printing its welcome: where that line lands is chance (even between a line's text and its
  // newline), so it is moved after the welcome.
  normalize: (text, info) => {
    const out = dropLines(text.replace(/^(?:> )+/gm, "").replace(/> $/gm, ""), /^$/);
    const joined = /^Joined channel \w+ as (\w+?)(?:\[SERVER\] .*)?$/m;
    const nick = info.role === "client" ? joined.exec(out.replace(/^.*?(?=Joined channel)/m, ""))?.[1] : undefined;
    if (!nick) return out;
    const announcement = `[SERVER] ** ${nick} joined **`;
    if (!out.includes(announcement)) return out;
    // Printed right after another line's text (before that line's newline): on a line of its own.
    const escaped = announcement.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return out
      .replace(new RegExp(`(?<=\\S)${escaped}`), `\n${announcement}`)
      .replace(announcement + "\n", "")
      .replace(announcement, "")
      .replace(/(: )\n(?=Joined channel)/, "$1")
      .replace(/^(Ready for input! Type \/quit to quit)$/m, `$1\n${announcement} (to themselves too)`);
  },
};
