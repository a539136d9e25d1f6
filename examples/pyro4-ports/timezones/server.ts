/**
 * Port of Pyro4's `examples/timezones`, the server: echoes dates, and makes dates in a time zone.
 *
 * Dates do not travel as dates between Pyro implementations: serpent and json send a Python
 * datetime as ISO text (so do Python servers), and pyrots sends a JS `Date` as ISO text too. Only
 * Python's pickle keeps datetimes with their time zone objects, and pyrots never speaks pickle
 * (unpickling runs code the peer chose).
 */
import { expose } from "@pyrots/core";
import { print, repr } from "../common/python.js";
import { serveSimple } from "../common/serve-simple.js";

@expose
class Server {
  echo(date: unknown): unknown {
    print("ECHO:");
    print(" [raw] ", repr(date));
    if (date instanceof Date) print(" [iso] ", date.toISOString());
    return date;
  }

  /** Now, in Amsterdam's time zone (Python: pytz). */
  pytz(): Date {
    return new Date();
  }

  /** Now, in Amsterdam's time zone (Python: dateutil). */
  dateutil(): Date {
    return new Date();
  }
}

await serveSimple([[Server, "example.timezones"]], { ns: false });
