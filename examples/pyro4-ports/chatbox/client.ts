/**
 * Port of Pyro4's `examples/chatbox`, the client: reads lines from the user and publishes them,
 * while its own daemon receives everyone's messages (the Python client runs its daemon in a second
 * thread; here the event loop serves it while `input()` waits).
 */
import { Daemon, Proxy, expose, oneway } from "@pyrots/core";
import { EOFError, input, print } from "../common/python.js";

interface ChatBox {
  getChannels(): string[];
  getNicks(): string[];
  join(channel: string, nick: string, callback: Chatter): string[];
  leave(channel: string, nick: string): void;
  publish(channel: string, nick: string, msg: string): void;
}

class Chatter {
  private readonly chatbox = new Proxy<ChatBox>("PYRONAME:example.chatbox.server");
  private nick = "";
  private channel = "";

  @expose
  @oneway
  message(nick: string, msg: string): void {
    if (nick !== this.nick) print(`[${nick}] ${msg}`);
  }

  async start(daemon: Daemon): Promise<void> {
    const nicks = await this.chatbox.getNicks();
    if (nicks.length > 0) print(`The following people are on the server: ${nicks.join(", ")}`);
    const channels = (await this.chatbox.getChannels()).sort();
    if (channels.length > 0) {
      print(`The following channels already exist: ${channels.join(", ")}`);
      this.channel = (await input("Choose a channel or create a new one: ")).trim();
    } else {
      print("The server has no active channels.");
      this.channel = (await input("Name for new channel: ")).trim();
    }
    this.nick = (await input("Choose a nickname: ")).trim();
    const people = await this.chatbox.join(this.channel, this.nick, this);
    print(`Joined channel ${this.channel} as ${this.nick}`);
    print(`People on this channel: ${people.join(", ")}`);
    print("Ready for input! Type /quit to quit");
    try {
      for (;;) {
        const line = (await input("> ")).trim();
        if (line === "/quit") break;
        if (line) await this.chatbox.publish(this.channel, this.nick, line);
      }
    } catch (error) {
      if (!(error instanceof EOFError)) throw error;
    } finally {
      await this.chatbox.leave(this.channel, this.nick);
      await daemon.shutdown();
    }
  }
}

const daemon = await Daemon.create();
const chatter = new Chatter();
daemon.register(chatter);
await chatter.start(daemon);
print("Exit.");
