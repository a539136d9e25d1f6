/**
 * Scenario normalizers on outputs seen in real runs: every order a race can print lines in must
 * normalize to the same text, or the suite fails by chance.
 */
import { expect } from "chai";
import { asyncCallchain, asyncClient, callcontext } from "./scenarios/calls.js";
import { chatbox } from "./scenarios/messaging.js";
import { resourcetracking } from "./scenarios/reconnects.js";

const INFO = { role: "client", stream: "stdout", implementation: "python" } as const;

/** A chatbox client's output up to its welcome, with the self-announcement `[SERVER] ** alice joined **` placed by `layout`. */
function aliceOutput(layout: "after welcome" | "glued to the joined line" | "on the prompt line" | "glued to the people line"): string {
  const announcement = "[SERVER] ** alice joined **";
  const prompts = "The server has no active channels.\nName for new channel: Choose a nickname: ";
  const welcome = "People on this channel: alice\nReady for input! Type /quit to quit\n";
  const rest = "[SERVER] ** bob joined **\n[bob] hello alice\nExit.\n";
  switch (layout) {
    case "after welcome":
      return `${prompts}Joined channel room as alice\n${welcome}${announcement}\n${rest}`;
    // The announcing thread wrote between the text of print() and its newline.
    case "glued to the joined line":
      return `${prompts}Joined channel room as alice${announcement}\n\n${welcome}${rest}`;
    case "on the prompt line":
      return `${prompts}${announcement}\nJoined channel room as alice\n${welcome}${rest}`;
    case "glued to the people line":
      return `${prompts}Joined channel room as alice\nPeople on this channel: alice${announcement}\n\nReady for input! Type /quit to quit\n${rest}`;
  }
}

describe("compat scenario normalizers", () => {
  it("async: the server's lines compare alike when Python's threads print into each other's lines", () => {
    const SERVER = { role: "server", stream: "stdout", implementation: "python" } as const;
    const banner = "Object <class '__main__.Thingy'>:\n    uri = PYRO:example.async@localhost:4000\nPyro daemon running.\n";
    const apart = `${banner}dividing 100 by 7 after a slight delay\ndividing 100 by 5 after a slight delay\nmultiply 5 by 20, no delay\n`;
    const glued = `${banner}dividing 100 by 5 after a slight delaydividing 100 by 7 after a slight delay\n\nmultiply 5 by 20, no delay\n`;
    const expected = asyncClient.normalize!(apart, SERVER);
    expect(expected.split("\n")).to.have.length(6);
    expect(asyncClient.normalize!(glued, SERVER)).to.equal(expected);
  });

  it("async callchain: callbacks printing into the main thread's line compare alike (seen in CI)", () => {
    const section = (middle: string) =>
      `\n* async call with call chain, where calls have extra arguments:\n${middle}back from sleep\nfinal value= 36\n\ndone.\n`;
    const callbacks = [1, 2, 3].map(
      (b) => `>>> async func called with some arguments: a=${[30, 31, 33][b - 1]}, b=${b}, extra=${["None", "42", "last one"][b - 1]}`,
    );
    const apart = section(`sleeping 1 second\n${callbacks.join("\n")}\n`);
    // The callback thread wrote between the text of print("sleeping 1 second") and its newline.
    const glued = section(`sleeping 1 second${callbacks.join("\n")}\n\n`);
    const early = section(`${callbacks.join("\n")}\nsleeping 1 second\n`);
    const expected = asyncCallchain.normalize!(apart, INFO);
    expect(expected).to.include("sleeping 1 second\nback from sleep").and.to.include(callbacks.join("\n"));
    expect(asyncCallchain.normalize!(glued, INFO)).to.equal(expected);
    expect(asyncCallchain.normalize!(early, INFO)).to.equal(expected);
    expect(asyncCallchain.normalize!(section(`sleeping 1 second\n${[...callbacks].reverse().join("\n")}\n`), INFO)).not.to.equal(expected);
  });

  it("chatbox: the newcomer's own announcement normalizes alike wherever the race printed it", () => {
    const expected = chatbox.normalize!(aliceOutput("after welcome"), INFO);
    expect(expected).to.include("Joined channel room as alice\n").and.to.include("[SERVER] ** alice joined ** (to themselves too)");
    expect(chatbox.normalize!(aliceOutput("glued to the joined line"), INFO)).to.equal(expected);
    expect(chatbox.normalize!(aliceOutput("on the prompt line"), INFO)).to.equal(expected);
    expect(chatbox.normalize!(aliceOutput("glued to the people line"), INFO)).to.equal(expected);
  });

  it("callcontext: the annotations dict of a reply compares alike in either order", () => {
    const line = (entries: string) => `Annotations in response were:  {${entries}}\n`;
    const ddaa = "'DDAA': b'custom response annotation set by the daemon'";
    const pythonOrder = callcontext.normalize!(line(`'CORR': b'\\x01\\x02', ${ddaa}, 'HMAC': b'\\x03'`), INFO);
    expect(pythonOrder).to.equal(line(`'CORR': <bytes>, ${ddaa}, 'HMAC': <bytes>`));
    expect(callcontext.normalize!(line(`${ddaa}, 'CORR': b'\\x01\\x02', 'HMAC': b'\\x03'`), INFO)).to.equal(pythonOrder);
  });

  it('resourcetracking: a resource name of Python\'s hex() below 0x1000 ("xe10") is a name like the others', () => {
    const server = (a: string, b: string) =>
      `Pyro daemon running.\nservice: allocated resource ${a}  for client ('127.0.0.1', 5000)\nservice: allocated resource ${b}  for client ('127.0.0.1', 5000)\n` +
      `Resource: closing ${a}\nResource: closing ${b}\nclient disconnects: ('127.0.0.1', 5000)\n    resources:  ['${b}', '${a}']\n`;
    const info = { role: "server", stream: "stdout", implementation: "pyrots" } as const;
    const expected = resourcetracking.normalize!(server("3f2a", "0c1d"), info);
    expect(expected).to.include("allocated resource <name 1> ").and.to.include("resources:  ['<name 1>', '<name 2>']");
    expect(resourcetracking.normalize!(server("xe10", "0c1d"), info)).to.equal(expected);
  });
});
