/**
 * Port of the `Message` class of Pyro4's `examples/messagebus/messagebus/messagebus.py`: what the
 * bus delivers, as the Python bus sends it (a class dict `Pyro4.utils.messagebus.message`, its
 * creation time in Python's `isoformat()`), so Python and pyrots publishers, buses and subscribers
 * mix.
 */
import { randomUUID } from "node:crypto";
import type { DictToClass } from "@pyrots/core";

export class Message {
  constructor(
    readonly msgid: string,
    /** Python's `datetime.isoformat()` of the local time: `2025-12-02T02:30:04.293135`. */
    readonly created: string,
    readonly data: unknown,
  ) {}

  /** A new message for `data`, created now. */
  static create(data: unknown): Message {
    return new Message(randomUUID(), isoformatNow(), data);
  }

  toJSON(): Record<string, unknown> {
    return { __class__: "Pyro4.utils.messagebus.message", msgid: this.msgid, created: this.created, data: this.data };
  }

  static fromDict(d: Record<string, unknown>): Message {
    if (typeof d.msgid !== "string" || typeof d.created !== "string") throw new TypeError("invalid message");
    return new Message(d.msgid, d.created, d.data);
  }
}

/** The `dictToClass` option that makes message dicts Messages again. */
export const MESSAGE_CLASSES: Record<string, DictToClass> = { "Pyro4.utils.messagebus.message": (d) => Message.fromDict(d) };

/** Python's `datetime.now().isoformat()` (local time, microseconds). */
function isoformatNow(): string {
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 23);
  return `${local}${String(Math.floor(Math.random() * 1000)).padStart(3, "0")}`;
}

/** The name the bus is registered under in the name server. */
export const PYRO_MSGBUS_NAME = "Pyro.MessageBus";
