import { expect } from "chai";
import { ConfigError, type PyroConfig, configTable, defaultConfig, explainConfig, loadConfig, mergeConfig, toleratedEnvNames } from "@pyrots/core/internal";

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    // A PyroError: travels as Pyro4's base error class.
    expect(error).to.have.property("pyroName", "Pyro4.errors.PyroError");
    expect(error).to.have.property("name", "ConfigError");
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

const envError = (env: Record<string, string>): ConfigError => configError(() => loadConfig({}, env));

describe("config", () => {
  describe("table", () => {
    it("lists each item once, with PYRO_ + name and a camelCase key", () => {
      const names = configTable.map((item) => item.name);
      const keys = configTable.map((item) => item.key);
      expect(new Set(names).size).to.equal(names.length);
      expect(new Set(keys).size).to.equal(keys.length);
      for (const item of configTable) {
        expect(item.envName).to.equal(`PYRO_${item.name}`);
        expect(item.key).to.match(/^[a-z][a-zA-Z]*$/);
        expect(item.description).to.match(/^[A-Z].*\.$/);
      }
    });

    it("has Pyro's names for the documented items", () => {
      const byName = new Map(configTable.map((item) => [item.name, item]));
      const expected: Record<string, [keyof PyroConfig, unknown]> = {
        HOST: ["host", "localhost"],
        NS_HOST: ["nsHost", "localhost"],
        NS_PORT: ["nsPort", 9090],
        NS_BCPORT: ["nsBcPort", 9091],
        NS_BCHOST: ["nsBcHost", null],
        NATHOST: ["natHost", null],
        NATPORT: ["natPort", 0],
        COMMTIMEOUT: ["commTimeout", 0],
        MAX_MESSAGE_SIZE: ["maxMessageSize", 1073741824],
        BROADCAST_ADDRS: ["broadcastAddrs", ["<broadcast>", "0.0.0.0"]],
        PREFER_IP_VERSION: ["preferIpVersion", 4],
        SERIALIZER: ["serializer", "msgpack"],
        SERIALIZERS_ACCEPTED: ["serializersAccepted", ["msgpack", "json", "serpent"]],
        SSL_SERVERCERT: ["sslServerCert", ""],
        HMAC_KEY: ["hmacKey", null],
        ITER_STREAM_LINGER: ["iterStreamLinger", 30],
      };
      for (const [name, [key, value]] of Object.entries(expected)) {
        expect(byName.get(name)?.key, name).to.equal(key);
        expect(byName.get(name)?.default, name).to.deep.equal(value);
      }
    });

    it("is frozen", () => {
      expect(Object.isFrozen(configTable)).to.equal(true);
      expect(Object.isFrozen(configTable[0])).to.equal(true);
    });
  });

  describe("defaultConfig", () => {
    it("holds every default, frozen down to its lists", () => {
      for (const item of configTable) expect(defaultConfig[item.key], item.name).to.deep.equal(item.default);
      expect(Object.keys(defaultConfig)).to.have.length(configTable.length);
      expect(Object.isFrozen(defaultConfig)).to.equal(true);
      expect(Object.isFrozen(defaultConfig.broadcastAddrs)).to.equal(true);
    });
  });

  describe("loadConfig", () => {
    it("gives the defaults for an empty environment", () => {
      expect(loadConfig({}, {})).to.deep.equal(defaultConfig);
      expect(loadConfig(undefined, {})).to.deep.equal(defaultConfig);
    });

    it("reads only the env it is given", () => {
      const saved = process.env.PYRO_NS_PORT;
      process.env.PYRO_NS_PORT = "1234";
      try {
        expect(loadConfig({}, {}).nsPort).to.equal(9090);
        expect(loadConfig({}).nsPort).to.equal(1234);
      } finally {
        if (saved === undefined) delete process.env.PYRO_NS_PORT;
        else process.env.PYRO_NS_PORT = saved;
      }
    });

    it("applies defaults < environment < options", () => {
      const env = { PYRO_NS_PORT: "1111", PYRO_HOST: "0.0.0.0" };
      const config = loadConfig({ nsPort: 2222, commTimeout: 1.5 }, env);
      expect(config.nsPort).to.equal(2222);
      expect(config.host).to.equal("0.0.0.0");
      expect(config.commTimeout).to.equal(1.5);
      expect(config.nsBcPort).to.equal(9091);
    });

    it("returns a frozen object with frozen lists, without freezing the caller's array", () => {
      const addrs = ["10.0.0.255"];
      const config = loadConfig({ broadcastAddrs: addrs }, { PYRO_SERIALIZERS_ACCEPTED: "json" });
      expect(Object.isFrozen(config)).to.equal(true);
      expect(Object.isFrozen(config.broadcastAddrs)).to.equal(true);
      expect(Object.isFrozen(config.serializersAccepted)).to.equal(true);
      expect(Object.isFrozen(addrs)).to.equal(false);
      expect(config.broadcastAddrs).to.deep.equal(["10.0.0.255"]);
    });

    it("ignores undefined options and non-PYRO variables", () => {
      const config = loadConfig({ nsPort: undefined }, { PYRO_NS_PORT: "7", HOME: "/root", pyro_host: "x", PYRO_HOST: undefined } as Record<
        string,
        string | undefined
      >);
      expect(config.nsPort).to.equal(7);
      expect(config.host).to.equal("localhost");
    });
  });

  describe("explainConfig", () => {
    it("tells where each value came from", () => {
      const rows = explainConfig({ nsPort: 5 }, { PYRO_NS_PORT: "6", PYRO_NS_HOST: "ns.local" });
      expect(rows).to.have.length(configTable.length);
      const byKey = new Map(rows.map((row) => [row.key, row]));
      expect(byKey.get("nsPort")).to.deep.equal({ name: "NS_PORT", envName: "PYRO_NS_PORT", key: "nsPort", value: 5, source: "option" });
      expect(byKey.get("nsHost")).to.deep.equal({ name: "NS_HOST", envName: "PYRO_NS_HOST", key: "nsHost", value: "ns.local", source: "environment" });
      expect(byKey.get("host")).to.deep.equal({ name: "HOST", envName: "PYRO_HOST", key: "host", value: "localhost", source: "default" });
    });
  });

  describe("environment values", () => {
    it("parses booleans as Pyro does, case-insensitively", () => {
      for (const word of ["1", "yes", "on", "true", "TRUE", "Yes", "On"]) expect(loadConfig({}, { PYRO_COMPRESSION: word }).compression, word).to.equal(true);
      for (const word of ["0", "no", "off", "false", "FALSE", "No", "OFF"])
        expect(loadConfig({}, { PYRO_COMPRESSION: word }).compression, word).to.equal(false);
    });

    it("refuses other boolean words, naming the variable and the value", () => {
      for (const word of ["maybe", "", "2", "y"]) {
        const error = envError({ PYRO_SSL: word });
        expect(error.message).to.equal(`invalid value for PYRO_SSL: ${JSON.stringify(word)} is not a boolean (1/yes/on/true or 0/no/off/false)`);
        expect(error.item).to.equal("PYRO_SSL");
      }
    });

    it("parses integers and refuses anything else", () => {
      expect(loadConfig({}, { PYRO_NS_PORT: " 9999 " }).nsPort).to.equal(9999);
      expect(loadConfig({}, { PYRO_MAX_MESSAGE_SIZE: "0" }).maxMessageSize).to.equal(0);
      for (const bad of ["12.5", "abc", "", "0x10", "1e3", "99999999999999999999"]) {
        expect(envError({ PYRO_NS_PORT: bad }).message).to.equal(`invalid value for PYRO_NS_PORT: ${JSON.stringify(bad)} is not an integer`);
      }
    });

    it("parses floats in decimal notation and refuses anything else", () => {
      const cases: Record<string, number> = { "1.5": 1.5, "2": 2, ".5": 0.5, "1e3": 1000, "3.": 3 };
      for (const [text, value] of Object.entries(cases)) expect(loadConfig({}, { PYRO_COMMTIMEOUT: text }).commTimeout).to.equal(value);
      for (const bad of ["abc", "0x10", "inf", "Infinity", "NaN", "", "1,5"]) {
        expect(envError({ PYRO_COMMTIMEOUT: bad }).message).to.equal(`invalid value for PYRO_COMMTIMEOUT: ${JSON.stringify(bad)} is not a number`);
      }
    });

    it("checks ranges and allowed values", () => {
      expect(envError({ PYRO_NS_PORT: "-1" }).message).to.equal('invalid value for PYRO_NS_PORT: "-1" (must be at least 0)');
      expect(envError({ PYRO_COMMTIMEOUT: "-0.5" }).message).to.contain("must be at least 0");
      expect(envError({ PYRO_PREFER_IP_VERSION: "5" }).message).to.equal('invalid value for PYRO_PREFER_IP_VERSION: "5" (allowed: 0, 4, 6)');
      expect(envError({ PYRO_SERIALIZER: "yaml" }).message).to.equal('invalid value for PYRO_SERIALIZER: "yaml" (allowed: msgpack, json, serpent)');
      expect(envError({ PYRO_SERIALIZERS_ACCEPTED: "msgpack,yaml" }).message).to.contain("allowed: msgpack, json, serpent");
      expect(loadConfig({}, { PYRO_SERIALIZER: "serpent" }).serializer).to.equal("serpent");
      expect(loadConfig({}, { PYRO_PREFER_IP_VERSION: "6" }).preferIpVersion).to.equal(6);
    });

    it("splits lists on commas, trimming, dropping blanks, '' meaning the empty string", () => {
      expect(loadConfig({}, { PYRO_BROADCAST_ADDRS: " 10.0.0.255 , '' ,, 192.168.1.255, " }).broadcastAddrs).to.deep.equal(["10.0.0.255", "", "192.168.1.255"]);
      expect(loadConfig({}, { PYRO_SERIALIZERS_ACCEPTED: "json" }).serializersAccepted).to.deep.equal(["json"]);
      expect(loadConfig({}, { PYRO_SERIALIZERS_ACCEPTED: "" }).serializersAccepted).to.deep.equal([]);
    });

    it("keeps strings as given; an empty optional string means none", () => {
      expect(loadConfig({}, { PYRO_SSL_SERVERCERT: " cert.pem" }).sslServerCert).to.equal(" cert.pem");
      expect(loadConfig({}, { PYRO_NATHOST: "" }).natHost).to.equal(null);
      expect(loadConfig({}, { PYRO_NATHOST: "example.org" }).natHost).to.equal("example.org");
      expect(loadConfig({}, { PYRO_HMAC_KEY: "secret" }).hmacKey).to.equal("secret");
    });
  });

  describe("unknown environment variables", () => {
    it("are an error that suggests the closest known name", () => {
      const cases: Record<string, string> = {
        PYRO_NS_PROT: "PYRO_NS_PORT",
        PYRO_NSHOST: "PYRO_NS_HOST",
        PYRO_HOSTS: "PYRO_HOST",
        PYRO_COMM_TIMEOUT: "PYRO_COMMTIMEOUT",
        PYRO_SERIALISER: "PYRO_SERIALIZER",
        PYRO_MAX_MESSAGESIZE: "PYRO_MAX_MESSAGE_SIZE",
      };
      for (const [name, suggestion] of Object.entries(cases)) {
        const error = envError({ [name]: "x" });
        expect(error.message).to.equal(`unknown config environment variable ${name}; did you mean ${suggestion}?`);
        expect(error.item).to.equal(name);
        expect(error.suggestion).to.equal(suggestion);
      }
    });

    it("without a near name, point to the documentation", () => {
      const error = envError({ PYRO_COMPLETELY_DIFFERENT_THING: "1" });
      expect(error.message).to.equal("unknown config environment variable PYRO_COMPLETELY_DIFFERENT_THING (see docs/configuration.md for the known names)");
      expect(error.suggestion).to.equal(undefined);
    });

    it("ignore Pyro4 settings that pyrots does not use, with one warning each (Python programs may share the environment)", () => {
      const warnings: string[] = [];
      const env = { PYRO_SERVERTYPE: "multiplex", PYRO_THREADPOOL_SIZE: "80", PYRO_REQUIRE_EXPOSE: "1", PYRO_ONEWAY_THREADED: "0" };
      expect(loadConfig({}, env, (w) => warnings.push(w))).to.deep.equal(defaultConfig);
      expect(warnings.sort()).to.deep.equal(
        ["ONEWAY_THREADED", "REQUIRE_EXPOSE", "SERVERTYPE", "THREADPOOL_SIZE"].map((n) => `PYRO_${n} is a Pyro4 setting that pyrots does not use; ignored`),
      );
    });

    it("drop serializers that Pyro has and pyrots does not speak, with a warning; refuse invalid ones", () => {
      const warnings: string[] = [];
      const warn = (w: string) => warnings.push(w);
      const config = loadConfig({}, { PYRO_SERIALIZERS_ACCEPTED: "marshal,json,pickle,msgpack", PYRO_SERIALIZER: "pickle" }, warn);
      expect(config.serializersAccepted).to.deep.equal(["json", "msgpack"]);
      expect(config.serializer).to.equal("msgpack");
      expect(warnings.sort()).to.deep.equal([
        "PYRO_SERIALIZER=pickle: pyrots does not speak pickle; this program uses msgpack",
        "PYRO_SERIALIZERS_ACCEPTED=marshal,json,pickle,msgpack: pyrots does not speak marshal, pickle; ignored here (this program uses json, msgpack)",
      ]);
      expect(envError({ PYRO_SERIALIZERS_ACCEPTED: "json,yaml" }).message).to.match(/invalid value for PYRO_SERIALIZERS_ACCEPTED/);
      expect(envError({ PYRO_SERIALIZERS_ACCEPTED: "pickle,marshal" }).message).to.match(/pyrots speaks none of these/);
      // From code, a value pyrots cannot use is still an error: nobody else shares a program's options.
      expect(() => loadConfig({ serializer: "pickle" as never }, {})).to.throw(ConfigError);
    });

    it("accept POLLTIMEOUT, SOCK_REUSE, SOCK_NODELAY and DETAILED_TRACEBACK, warning when a value asks for what pyrots does not do", () => {
      const warnings: string[] = [];
      const warn = (w: string) => warnings.push(w);
      // Values pyrots already behaves as are silent: a shared environment set up for Python stays quiet.
      loadConfig({}, { PYRO_SOCK_REUSE: "1", PYRO_SOCK_NODELAY: "true", PYRO_DETAILED_TRACEBACK: "0" }, warn);
      expect(warnings).to.deep.equal([]);
      const config = loadConfig({}, { PYRO_POLLTIMEOUT: "0.5", PYRO_SOCK_REUSE: "0", PYRO_SOCK_NODELAY: "off", PYRO_DETAILED_TRACEBACK: "yes" }, warn);
      expect(config).to.include({ pollTimeout: 0.5, sockReuse: false, sockNoDelay: false, detailedTraceback: true });
      expect(warnings.sort()).to.deep.equal([
        "PYRO_DETAILED_TRACEBACK=true is accepted for Pyro compatibility and ignored: JavaScript cannot show a frame's local variables, which is what it adds to Pyro's tracebacks",
        "PYRO_POLLTIMEOUT=0.5 is accepted for Pyro compatibility and ignored: pyrots daemons react to events and never poll",
        "PYRO_SOCK_NODELAY=false is accepted for Pyro compatibility and ignored: pyrots sets TCP_NODELAY on every socket, so that small calls never wait",
        "PYRO_SOCK_REUSE=false is accepted for Pyro compatibility and ignored: Node always sets SO_REUSEADDR on listening sockets",
      ]);
      warnings.length = 0;
      loadConfig({ pollTimeout: 1, sockNoDelay: true }, {}, warn);
      expect(warnings).to.deep.equal(["option pollTimeout: 1 is accepted for Pyro compatibility and ignored: pyrots daemons react to events and never poll"]);
      expect(defaultConfig.sockNoDelay, "the default says what pyrots does").to.equal(true);
    });

    it("tolerate variables read by Pyro's tools", () => {
      expect([...toleratedEnvNames].sort()).to.deep.equal(["PYRO_HTTPGATEWAY_KEY", "PYRO_LOGFILE", "PYRO_LOGLEVEL"]);
      expect(loadConfig({}, { PYRO_LOGLEVEL: "DEBUG", PYRO_LOGFILE: "{stderr}", PYRO_HTTPGATEWAY_KEY: "k" })).to.deep.equal(defaultConfig);
    });
  });

  describe("options", () => {
    it("refuse unknown keys, suggesting the closest one", () => {
      const cases: Record<string, string> = {
        nsport: "nsPort",
        NS_PORT: "nsPort",
        commtimeout: "commTimeout",
        serializerAccepted: "serializersAccepted",
        hots: "host",
      };
      for (const [key, suggestion] of Object.entries(cases)) {
        const error = configError(() => loadConfig({ [key]: 1 } as Partial<PyroConfig>, {}));
        expect(error.message).to.equal(`unknown config option ${key}; did you mean ${suggestion}?`);
        expect(error.suggestion).to.equal(suggestion);
      }
    });

    it("refuse values of the wrong type, naming the key and the value", () => {
      const bad: [Partial<Record<keyof PyroConfig, unknown>>, string][] = [
        [{ nsPort: "9090" }, 'invalid value for option nsPort: "9090" (expected an integer)'],
        [{ nsPort: 1.5 }, "invalid value for option nsPort: 1.5 (expected an integer)"],
        [{ commTimeout: Number.POSITIVE_INFINITY }, "invalid value for option commTimeout: Infinity (expected a finite number)"],
        [{ compression: "yes" }, 'invalid value for option compression: "yes" (expected a boolean)'],
        [{ host: 42 }, "invalid value for option host: 42 (expected a string)"],
        [{ host: null }, "invalid value for option host: null (expected a string)"],
        [{ natHost: 1 }, "invalid value for option natHost: 1 (expected a string or null)"],
        [{ broadcastAddrs: "a,b" }, 'invalid value for option broadcastAddrs: "a,b" (expected an array of strings)'],
        [{ broadcastAddrs: [1] }, "invalid value for option broadcastAddrs: an array (expected an array of strings)"],
        [{ serializer: "pickle" }, 'invalid value for option serializer: "pickle" (allowed: msgpack, json, serpent)'],
        [{ maxRetries: -1 }, "invalid value for option maxRetries: -1 (must be at least 0)"],
      ];
      for (const [options, message] of bad) {
        expect(configError(() => loadConfig(options as Partial<PyroConfig>, {})).message).to.equal(message);
      }
    });

    it("accept null for optional strings", () => {
      expect(loadConfig({ natHost: null }, { PYRO_NATHOST: "ext" }).natHost).to.equal(null);
    });

    it("refuse a non-object", () => {
      expect(configError(() => loadConfig("x" as unknown as Partial<PyroConfig>, {})).message).to.equal("config options must be an object");
    });
  });

  describe("mergeConfig", () => {
    it("lays validated options over a loaded config", () => {
      const base = loadConfig({ nsPort: 1 }, { PYRO_HOST: "h" });
      const merged = mergeConfig(base, { nsPort: 2, maxRetries: undefined });
      expect(merged.nsPort).to.equal(2);
      expect(merged.host).to.equal("h");
      expect(Object.isFrozen(merged)).to.equal(true);
      expect(mergeConfig(base)).to.equal(base);
      expect(() => mergeConfig(base, { nsprot: 3 } as Partial<PyroConfig>)).to.throw(ConfigError, "did you mean nsPort?");
    });
  });
});
