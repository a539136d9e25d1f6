/**
 * Malformed and out-of-order messages sent over a raw socket. The same suite runs against a
 * pyrots daemon and, as the reference, a real Python Pyro4 daemon (skipped without Python Pyro4),
 * so the expected answers are Pyro4's own.
 */
import { expect } from "chai";
import { Daemon, expose } from "@pyrots/core";
import { describeInterop, startPythonDaemon } from "../support/python.js";
import { FLAG, MSG, RawConnection, type RawMessage, SERIALIZER, decodeMarshalString, frame, json } from "../support/wire.js";

const HOST = "127.0.0.1";

@expose
class Echo {
  echo(value: unknown) {
    return value;
  }
}

interface Target {
  port: number;
  stop(): Promise<void>;
}

const targets: { name: string; needsPython: boolean; start(): Promise<Target> }[] = [
  {
    name: "a pyrots daemon",
    needsPython: false,
    async start() {
      const daemon = await Daemon.create({ host: HOST });
      daemon.register(Echo, "interop.lab");
      return { port: daemon.port!, stop: () => daemon.shutdown() };
    },
  },
  {
    name: "a Python Pyro4 daemon (the reference)",
    needsPython: true,
    async start() {
      const python = await startPythonDaemon("json");
      return { port: Number(/:(\d+)$/.exec(python.uris.lab!)![1]), stop: () => python.stop() };
    },
  },
];

const connectJson = (seq = 0, object = "interop.lab") =>
  frame({ type: MSG.CONNECT, serializerId: SERIALIZER.JSON, flags: FLAG.META_ON_CONNECT, seq, payload: json({ handshake: "hello", object }) });

for (const target of targets) {
  (target.needsPython ? describeInterop : describe)(`bad input to ${target.name}`, function () {
    let server: Target | undefined;
    const connections: RawConnection[] = [];
    const open = async () => {
      const connection = await RawConnection.open(HOST, server!.port);
      connections.push(connection);
      return connection;
    };

    /** Sends `bytes` on a new connection; expects one CONNECTFAIL with a marshal text, then the close. */
    async function expectConnectFail(bytes: Buffer, seq: number, text: string): Promise<void> {
      const connection = await open();
      connection.send(bytes);
      const reply = await connection.read();
      expect({ type: reply.type, seq: reply.seq, serializerId: reply.serializerId }).to.deep.equal({
        type: MSG.CONNECTFAIL,
        seq,
        serializerId: SERIALIZER.MARSHAL,
      });
      expect(decodeMarshalString(reply.payload)).to.equal(text);
      expect(await connection.closesWithin(), "the daemon closes the connection").to.equal(true);
    }

    /** A connection after a successful json handshake. */
    async function handshaken(): Promise<RawConnection> {
      const connection = await open();
      connection.send(connectJson());
      const reply = await connection.read();
      expect(reply.type, reply.payload.toString()).to.equal(MSG.CONNECTOK);
      return connection;
    }

    async function invokeEcho(connection: RawConnection, seq: number, value: unknown): Promise<RawMessage> {
      connection.send(
        frame({ type: MSG.INVOKE, serializerId: SERIALIZER.JSON, seq, payload: json({ object: "interop.lab", method: "echo", params: [value], kwargs: {} }) }),
      );
      return connection.read();
    }

    before(async function () {
      this.timeout(30_000);
      server = await target.start();
    });

    afterEach(() => {
      for (const connection of connections.splice(0)) connection.destroy();
    });

    after(async () => {
      await server?.stop();
    });

    it("answers protocol version 47 with CONNECTFAIL 'invalid data or unsupported protocol version' and closes", async () => {
      await expectConnectFail(
        frame({ type: MSG.CONNECT, serializerId: SERIALIZER.JSON, version: 47, payload: json({ handshake: "hello" }) }),
        0,
        "invalid data or unsupported protocol version",
      );
    });

    it("answers a wrong header checksum with CONNECTFAIL 'header checksum mismatch' and closes", async () => {
      await expectConnectFail(
        frame({ type: MSG.CONNECT, serializerId: SERIALIZER.JSON, seq: 3, checksumDelta: 1, payload: json({ handshake: "hello" }) }),
        0,
        "header checksum mismatch",
      );
    });

    it("answers INVOKE before CONNECT with CONNECTFAIL 'invalid msg type 4 received' (seq 0) and closes", async () => {
      const invoke = frame({
        type: MSG.INVOKE,
        serializerId: SERIALIZER.JSON,
        seq: 5,
        payload: json({ object: "interop.lab", method: "echo", params: [1], kwargs: {} }),
      });
      // Pyro4 answers with seq 0 here: the request seq is only taken once a CONNECT was read.
      await expectConnectFail(invoke, 0, "invalid msg type 4 received");
    });

    it("answers a CONNECT in pickle (id 4) with CONNECTFAIL 'message used serializer that is not accepted: 4' and closes", async () => {
      await expectConnectFail(
        frame({ type: MSG.CONNECT, serializerId: SERIALIZER.PICKLE, seq: 7, payload: Buffer.from([0x80, 0x04, 0x2e]) }),
        7,
        "message used serializer that is not accepted: 4",
      );
    });

    it("answers a CONNECT for an unknown object with CONNECTFAIL 'unknown object' in the client's serializer", async () => {
      const connection = await open();
      connection.send(connectJson(9, "interop.nosuch"));
      const reply = await connection.read();
      expect({ type: reply.type, seq: reply.seq, serializerId: reply.serializerId }).to.deep.equal({
        type: MSG.CONNECTFAIL,
        seq: 9,
        serializerId: SERIALIZER.JSON,
      });
      expect(JSON.parse(reply.payload.toString("utf8"))).to.equal("unknown object");
      expect(await connection.closesWithin()).to.equal(true);
    });

    it("answers a PING after the handshake with 'pong', the same seq and serializer id", async () => {
      const connection = await handshaken();
      connection.send(frame({ type: MSG.PING, serializerId: 42, seq: 77, payload: Buffer.from("ping") }));
      const reply = await connection.read();
      expect({ type: reply.type, seq: reply.seq, serializerId: reply.serializerId, payload: reply.payload.toString() }).to.deep.equal({
        type: MSG.PING,
        seq: 77,
        serializerId: 42,
        payload: "pong",
      });
    });

    it("answers a json INVOKE whose payload is not json with an exception RESULT", async () => {
      const connection = await handshaken();
      connection.send(frame({ type: MSG.INVOKE, serializerId: SERIALIZER.JSON, seq: 1, payload: Buffer.from("{not json") }));
      const reply = await connection.read();
      expect({ type: reply.type, seq: reply.seq, exception: (reply.flags & FLAG.EXCEPTION) !== 0 }).to.deep.equal({
        type: MSG.RESULT,
        seq: 1,
        exception: true,
      });
      expect(JSON.parse(reply.payload.toString("utf8"))).to.include({ __exception__: true });
    });

    it("still serves a well-formed client after all of the above", async () => {
      const connection = await handshaken();
      const reply = await invokeEcho(connection, 1, { still: "serving" });
      expect({ type: reply.type, seq: reply.seq, flags: reply.flags }).to.deep.equal({ type: MSG.RESULT, seq: 1, flags: 0 });
      expect(JSON.parse(reply.payload.toString("utf8"))).to.deep.equal({ still: "serving" });
    });
  });
}
