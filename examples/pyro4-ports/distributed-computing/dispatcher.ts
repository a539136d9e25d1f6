/**
 * Port of Pyro4's `examples/distributed-computing`, the dispatcher: a work queue and a result
 * queue shared by the client and the workers ("pull" model).
 *
 * Python's blocking `queue.get(timeout=5)` becomes an awaited get with a timeout: while one call
 * waits, the daemon serves the others.
 */
import { behavior, expose } from "@pyrots/core";
import { serveSimple } from "../common/serve-simple.js";
import { WORKITEM_CLASSES, type Workitem } from "./workitem.js";

/** A FIFO queue whose `get` waits (up to a timeout) for an item. */
class WaitingQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: ((item: T) => void)[] = [];

  put(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  /** The next item; undefined when none came within `seconds`. */
  get(seconds: number): Promise<T | undefined> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift());
    return new Promise((resolve) => {
      const waiter = (item: T) => {
        clearTimeout(timer);
        resolve(item);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve(undefined);
      }, seconds * 1000);
      this.waiters.push(waiter);
    });
  }

  get size(): number {
    return this.items.length;
  }
}

@expose
@behavior({ instanceMode: "single" })
class DispatcherQueue {
  private readonly workqueue = new WaitingQueue<Workitem>();
  private readonly resultqueue = new WaitingQueue<Workitem>();

  putWork(item: Workitem): void {
    this.workqueue.put(item);
  }

  async getWork(timeout = 5): Promise<Workitem> {
    const item = await this.workqueue.get(timeout);
    if (!item) throw new RangeError("no items in queue");
    return item;
  }

  putResult(item: Workitem): void {
    this.resultqueue.put(item);
  }

  async getResult(timeout = 5): Promise<Workitem> {
    const item = await this.resultqueue.get(timeout);
    if (!item) throw new RangeError("no result available");
    return item;
  }

  workQueueSize(): number {
    return this.workqueue.size;
  }

  resultQueueSize(): number {
    return this.resultqueue.size;
  }
}

await serveSimple([[DispatcherQueue, "example.distributed.dispatcher"]], { dictToClass: WORKITEM_CLASSES });
