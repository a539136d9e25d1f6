/**
 * Port of Pyro4's `examples/banks`, the client: finds every bank under a name prefix, then does
 * business with each.
 *
 * Remote Python exceptions arrive as `RemoteError` with the Python type (`remoteName` is
 * `ValueError`, `KeyError`...), so a Python `except ValueError` is a check of `remoteName`.
 */
import { Proxy, type Remote, RemoteError, locateNS } from "@pyrots/core";
import { print, repr } from "../common/python.js";

interface Bank {
  name(): string;
  createAccount(name: string): void;
  deleteAccount(name: string): void;
  deposit(name: string, amount: number): void;
  withdraw(name: string, amount: number): void;
  balance(name: string): number;
  allAccounts(): Record<string, number>;
}

/** True when `error` is the remote Python exception `type` (e.g. `ValueError`). */
function isRemote(error: unknown, type: string): error is RemoteError {
  return error instanceof RemoteError && error.remoteName === type;
}

class Client {
  constructor(readonly name: string) {}

  async doBusiness(bank: Remote<Bank>): Promise<void> {
    print(`\n*** ${this.name} is doing business with ${await bank.name()}:`);
    print("Creating account");
    try {
      await bank.createAccount(this.name);
    } catch (x) {
      if (!isRemote(x, "ValueError")) throw x;
      print(`Failed: ${x.message}`);
      print("Removing account and trying again");
      await bank.deleteAccount(this.name);
      await bank.createAccount(this.name);
    }
    print("Deposit money");
    await bank.deposit(this.name, 200.0);
    print("Deposit money");
    await bank.deposit(this.name, 500.75);
    print(`Balance=${(await bank.balance(this.name)).toFixed(2)}`);
    print("Withdraw money");
    await bank.withdraw(this.name, 400.0);
    print("Withdraw money (overdraw)");
    try {
      await bank.withdraw(this.name, 400.0);
    } catch (x) {
      if (!isRemote(x, "ValueError")) throw x;
      print(`Failed: ${x.message}`);
    }
    print(`End balance=${(await bank.balance(this.name)).toFixed(2)}`);

    print("Withdraw money from non-existing account");
    try {
      await bank.withdraw("GOD", 2222.22);
      print("!!! Succeeded?!? That is an error");
    } catch (x) {
      if (!isRemote(x, "KeyError")) throw x;
      // str() of a Python KeyError is the repr of its key.
      print(`Failed as expected: ${repr(x.args[0])}`);
    }

    print("Deleting non-existing account");
    try {
      await bank.deleteAccount("GOD");
      print("!!! Succeeded?!? That is an error");
    } catch (x) {
      if (!isRemote(x, "KeyError")) throw x;
      print(`Failed as expected: ${repr(x.args[0])}`);
    }
  }
}

const ns = await locateNS();
// list the available banks by looking in the name server for the given prefix
const banknames = Object.keys(await ns.list("example.banks."));
if (banknames.length === 0) throw new Error("There are no banks to do business with!");

const banks: Remote<Bank>[] = [];
print();
for (const name of banknames) {
  print(`Contacting bank: ${name}`);
  banks.push(new Proxy<Bank>(await ns.lookup(name)));
}

const irmen = new Client("Irmen");
const suzy = new Client("Suzy");
for (const bank of banks) {
  await irmen.doBusiness(bank);
  await suzy.doBusiness(bank);
}

print();
for (const bank of banks) {
  print(`The accounts in the ${await bank.name()}:`);
  const accounts = await bank.allAccounts();
  for (const name of Object.keys(accounts)) print(`  ${name} : ${accounts[name]!.toFixed(2)}`);
}
