/**
 * Port of Pyro4's `examples/messagebus` (`python -m messagebus.server`): a publish/subscribe
 * message bus. Publishers `send(topic, data)`; the bus keeps the messages of each topic and a
 * background loop delivers them to the topic's subscribers (proxies to their own objects), several
 * at once, one by one when a batch is too large, and drops a subscriber it cannot reach.
 *
 * Only the in-memory storage is ported (`-s memory`; Python's default is its sqlite storage).
 */
import { parseArgs } from "node:util";
import { Daemon, MessageTooLargeError, PythonError, type Remote, behavior, expose, locateNS, oneway } from "@pyrots/core";
import { MESSAGE_CLASSES, Message, PYRO_MSGBUS_NAME } from "./message.js";

interface Subscriber {
  incoming_message(topic: string, message: Message): void;
  incoming_messages(topic: string, messages: Message[]): void;
}

/** Topics, their pending messages and subscribers (subscribers are proxies, one per URI). */
class MemoryStorage {
  readonly messages = new Map<string, Message[]>();
  readonly subscribers = new Map<string, Set<Remote<Subscriber>>>();
  private readonly proxies = new Map<string, Remote<Subscriber>>();
  totalMsgCount = 0;

  createTopic(topic: string): void {
    if (this.messages.has(topic)) return;
    this.messages.set(topic, []);
    this.subscribers.set(topic, new Set());
  }

  addSubscriber(topic: string, subscriber: Remote<Subscriber>): void {
    // one proxy per subscriber, whichever topics it subscribes to
    const uri = String(subscriber);
    const cached = this.proxies.get(uri) ?? subscriber;
    this.proxies.set(uri, cached);
    this.subscribers.get(topic)!.add(cached);
  }

  removeSubscriber(topic: string, subscriber: Remote<Subscriber>): void {
    const uri = String(subscriber);
    const cached = this.proxies.get(uri);
    if (cached) this.subscribers.get(topic)?.delete(cached);
  }

  stats(): [number, number, number, number] {
    let subscribers = 0;
    let pending = 0;
    for (const subs of this.subscribers.values()) subscribers += subs.size;
    for (const msgs of this.messages.values()) pending += msgs.length;
    return [this.messages.size, subscribers, pending, this.totalMsgCount];
  }
}

@behavior({ instanceMode: "single" })
@expose
class MessageBus {
  private readonly storage = new MemoryStorage();
  private wakeSender: (() => void) | undefined;

  constructor() {
    void this.sender();
  }

  add_topic(topic: string): void {
    if (typeof topic !== "string") throw new TypeError("topic must be str");
    this.storage.createTopic(topic);
  }

  topics(): Set<string> {
    return new Set(this.storage.messages.keys());
  }

  send(topic: string, data: unknown): void {
    const messages = this.storage.messages.get(topic);
    if (!messages) throw new PythonError("builtins.KeyError", topic);
    messages.push(Message.create(data));
    this.storage.totalMsgCount += 1;
    this.wakeSender?.(); // signal that a new message has arrived
  }

  @oneway
  send_no_ack(topic: string, data: unknown): void {
    this.send(topic, data);
  }

  subscribe(topic: string, subscriber: Remote<Subscriber>): void {
    this.add_topic(topic); // make sure the topic exists
    this.storage.addSubscriber(topic, subscriber);
  }

  unsubscribe(topic: string, subscriber: Remote<Subscriber>): void {
    this.storage.removeSubscriber(topic, subscriber);
  }

  /** Delivers pending messages to subscribers, as they come (or every 2 seconds). */
  private async sender(): Promise<void> {
    let lastStats = 0;
    for (;;) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2010);
        timer.unref();
        this.wakeSender = () => (clearTimeout(timer), resolve());
      });
      this.wakeSender = undefined;
      if (Date.now() - lastStats >= 10_000) {
        lastStats = Date.now();
        this.printStats();
      }
      const deliveries: Promise<void>[] = [];
      for (const [topic, messages] of this.storage.messages) {
        const subscribers = this.storage.subscribers.get(topic)!;
        if (messages.length === 0) continue;
        const batch = messages.splice(0);
        for (const subscriber of subscribers) deliveries.push(this.deliver(topic, subscriber, batch));
      }
      await Promise.all(deliveries);
    }
  }

  private async deliver(topic: string, subscriber: Remote<Subscriber>, messages: Message[]): Promise<void> {
    try {
      try {
        // the batch of messages pending for this topic in one go
        await subscriber.incoming_messages(topic, messages);
      } catch (error) {
        if (!(error instanceof MessageTooLargeError)) throw error;
        // the batch is over the message size limit: one by one instead
        for (const message of messages) await subscriber.incoming_message(topic, message);
      }
    } catch (error) {
      // can't deliver them: drop the subscription
      console.error(`error delivering message(s) for topic=${topic}, subscriber=${String(subscriber)}, error=${String(error)}`);
      for (const subs of this.storage.subscribers.values()) subs.delete(subscriber);
    }
  }

  private printStats(): void {
    const [topics, subscribers, pending, messages] = this.storage.stats();
    const timestamp = new Date().toISOString().slice(0, 19).replace("T", " ");
    process.stdout.write(`\r[${timestamp}] stats: ${topics} topics, ${subscribers} subs, ${pending} pending, ${messages} total     `);
  }
}

const { values } = parseArgs({
  options: {
    host: { type: "string", short: "n", default: "localhost" },
    port: { type: "string", short: "p", default: "0" },
    unixsocket: { type: "string", short: "u" },
    storage: { type: "string", short: "s", default: "sqlite" },
  },
});
if (values.storage !== "memory") throw new Error("this port has the in-memory storage only: run it with -s memory");

const daemon = await Daemon.create({
  host: values.host,
  port: Number(values.port),
  unixSocket: values.unixsocket,
  commTimeout: 20,
  maxMessageSize: 256 * 1024,
  maxRetries: 3,
  dictToClass: MESSAGE_CLASSES,
});
const uri = daemon.register(MessageBus);
console.log("Pyro Message Bus.");
console.log("    uri  =", uri.toString());
const ns = await locateNS();
await ns.register(PYRO_MSGBUS_NAME, uri);
console.log("    name =", PYRO_MSGBUS_NAME);
console.log(`Server running, storage is ${values.storage}.`);
await daemon.requestLoop();
