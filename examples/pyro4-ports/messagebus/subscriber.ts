/**
 * Port of Pyro4's `examples/messagebus/subscriber.py`: subscribes an object of its own to the
 * weather forecasts; the bus calls it with each batch of messages.
 *
 * The Python Subscriber queues incoming messages for a consumer thread; here the messages are
 * consumed as they arrive (each call from the bus is handled on the event loop).
 */
import { Daemon, Proxy, expose } from "@pyrots/core";
import { input, print, repr } from "../common/python.js";
import { MESSAGE_CLASSES, type Message, PYRO_MSGBUS_NAME } from "./message.js";

interface Bus {
  topics(): Set<string>;
  subscribe(topic: string, subscriber: Subber): void;
}

@expose
class Subber {
  incoming_message(topic: string, message: Message): void {
    this.consume_message(topic, message);
  }

  incoming_messages(topic: string, messages: Message[]): void {
    for (const message of messages) this.consume_message(topic, message);
  }

  consume_message(topic: string, message: Message): void {
    print("\nGOT MESSAGE:");
    print("   topic:", topic);
    print("   msgid:", message.msgid);
    print(" created:", message.created.replace("T", " ")); // as Python prints a datetime
    print("    data:", repr(message.data));
  }
}

const hostname = (await input("hostname to bind on (empty=localhost): ")).trim() || "localhost";
const subber = new Subber();
const d = await Daemon.create({ host: hostname, dictToClass: MESSAGE_CLASSES });
d.register(subber);
const bus = new Proxy<Bus>(`PYRONAME:${PYRO_MSGBUS_NAME}`);
print("Topics on the bus: ", await bus.topics());
print("Subscribing to weather-forecast.");
// subscribing *after* registering the subber makes pyrots send a proxy for it
await bus.subscribe("weather-forecast", subber);
print("Subscribed on weather-forecast");
await d.requestLoop();
