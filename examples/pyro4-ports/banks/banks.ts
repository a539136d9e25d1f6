/**
 * Port of Pyro4's `examples/banks/banks.py`: accounts, and two banks that differ in whether an
 * account may be overdrawn.
 *
 * Errors for Python clients: a JS `RangeError` arrives as Python's `ValueError`, and
 * `PythonError("builtins.KeyError", ...)` as a `KeyError`.
 */
import { PythonError, behavior, expose } from "@pyrots/core";

/** An account that may be overdrawn. */
class Account {
  protected balanceValue = 0.0;

  withdraw(amount: number): void {
    this.balanceValue -= amount;
  }

  deposit(amount: number): void {
    this.balanceValue += amount;
  }

  balance(): number {
    return this.balanceValue;
  }
}

/** An account that may not be overdrawn. */
class RestrictedAccount extends Account {
  override withdraw(amount: number): void {
    if (amount > this.balanceValue) throw new RangeError("insufficent balance");
    this.balanceValue -= amount;
  }
}

/** What both banks do; `name` and `createAccount` are theirs. */
@expose
@behavior({ instanceMode: "single" })
export abstract class Bank {
  protected readonly accounts = new Map<string, Account>();

  abstract name(): string;
  abstract createAccount(name: string): void;

  deleteAccount(name: string): void {
    this.account(name);
    this.accounts.delete(name);
  }

  deposit(name: string, amount: number): void {
    this.account(name).deposit(amount);
  }

  withdraw(name: string, amount: number): void {
    this.account(name).withdraw(amount);
  }

  balance(name: string): number {
    return this.account(name).balance();
  }

  allAccounts(): Record<string, number> {
    return Object.fromEntries([...this.accounts].map(([name, account]) => [name, account.balance()]));
  }

  protected open(name: string, account: Account): void {
    if (this.accounts.has(name)) throw new RangeError("Account already exists");
    this.accounts.set(name, account);
  }

  private account(name: string): Account {
    const account = this.accounts.get(name);
    if (!account) throw new PythonError("builtins.KeyError", "unknown account");
    return account;
  }
}

/** Unrestricted accounts. */
@expose
export class Rabobank extends Bank {
  name(): string {
    return "Rabobank";
  }

  createAccount(name: string): void {
    this.open(name, new Account());
  }
}

/** Restricted accounts. */
@expose
export class ABN extends Bank {
  name(): string {
    return "ABN bank";
  }

  createAccount(name: string): void {
    this.open(name, new RestrictedAccount());
  }
}
