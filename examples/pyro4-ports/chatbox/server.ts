/**
 * Port of Pyro4's `examples/chatbox`, the server: channels, nicknames, and every message published
 * to everyone on its channel through their callback objects (oneway calls).
 */
import { CommunicationError, type Remote, behavior, expose } from "@pyrots/core";
import { serveSimple } from "../common/serve-simple.js";

/** A chatter's callback object (in the client). */
interface Chatter {
  message(nick: string, msg: string): void;
}

@expose
@behavior({ instanceMode: "single" })
class ChatBox {
  /** channel → (nick, callback) pairs */
  private readonly channels = new Map<string, [string, Remote<Chatter>][]>();
  /** all registered nicks on this server */
  private readonly nicks: string[] = [];

  getChannels(): string[] {
    return [...this.channels.keys()];
  }

  getNicks(): string[] {
    return this.nicks;
  }

  async join(channel: string, nick: string, callback: Remote<Chatter>): Promise<string[]> {
    if (!channel || !nick) throw new RangeError("invalid channel or nick name");
    if (this.nicks.includes(nick)) throw new RangeError("this nick is already in use");
    if (!this.channels.has(channel)) {
      console.log(`CREATING NEW CHANNEL ${channel}`);
      this.channels.set(channel, []);
    }
    this.channels.get(channel)!.push([nick, callback]);
    this.nicks.push(nick);
    console.log(`${nick} JOINED ${channel}`);
    await this.publish(channel, "SERVER", `** ${nick} joined **`);
    return this.channels.get(channel)!.map(([n]) => n); // all nicks in this channel
  }

  async leave(channel: string, nick: string): Promise<void> {
    const members = this.channels.get(channel);
    if (!members) {
      console.log(`IGNORED UNKNOWN CHANNEL ${channel}`);
      return;
    }
    const index = members.findIndex(([n]) => n === nick);
    if (index >= 0) members.splice(index, 1);
    await this.publish(channel, "SERVER", `** ${nick} left **`);
    if (members.length < 1) {
      this.channels.delete(channel);
      console.log(`REMOVED CHANNEL ${channel}`);
    }
    this.nicks.splice(this.nicks.indexOf(nick), 1);
    console.log(`${nick} LEFT ${channel}`);
  }

  async publish(channel: string, nick: string, msg: string): Promise<void> {
    const members = this.channels.get(channel);
    if (!members) {
      console.log(`IGNORED UNKNOWN CHANNEL ${channel}`);
      return;
    }
    for (const member of [...members]) {
      const [n, callback] = member;
      try {
        await callback.message(nick, msg); // oneway call
      } catch (error) {
        if (!(error instanceof CommunicationError)) throw error;
        // connection dropped: remove the listener if it's still there
        const index = members.indexOf(member);
        if (index >= 0) {
          members.splice(index, 1);
          console.log(`Removed dead listener ${n} ${String(callback)}`);
        }
      }
    }
  }
}

await serveSimple([[ChatBox, "example.chatbox.server"]]);
