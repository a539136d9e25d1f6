/**
 * Port of Pyro4's `examples/ssl`, the server: 2-way TLS (the client must present a certificate),
 * and a handshake check of that certificate.
 *
 * Pyro4's `SSL*` config items are the same items in pyrots (`ssl`, `sslServerCert`, ...; or
 * `PYRO_SSL...` variables); the client's certificate is in the `validateHandshake` hook's
 * `client.certificate` (Pyro4: `conn.getpeercert()`).
 */
import { CommunicationError, Daemon, expose } from "@pyrots/core";
import { print } from "../common/python.js";

class Safe {
  @expose
  echo(message: string): string {
    print("got message:", message);
    return "hi!";
  }
}

print("SSL enabled (2-way).");

await using daemon = await Daemon.create({
  ssl: true,
  sslRequireClientCert: true, // enable 2-way ssl
  sslServerCert: "../../certs/server_cert.pem",
  sslServerKey: "../../certs/server_key.pem",
  sslCaCerts: "../../certs/client_cert.pem", // to make ssl accept the self-signed client cert
  validateHandshake(client, _data) {
    const cert = client.certificate;
    if (!cert || !cert.serialNumber) throw new CommunicationError("client cert missing");
    // hostname and expiry date validation is already done by the TLS layer itself
    if (cert.serialNumber !== "9BFD9872D96F066C") throw new CommunicationError("cert serial number incorrect");
    if (cert.issuer.O !== "Razorvine.net") throw new CommunicationError("cert not issued by Razorvine.net");
    if (cert.subject.C !== "NL") throw new CommunicationError("cert not for country NL");
    if (cert.subject.O !== "Razorvine.net") throw new CommunicationError("cert not for Razorvine.net");
    print(`(SSL client cert is ok: serial=${cert.serialNumber}, subject=${cert.subject.O})`);
    return "hello"; // Pyro's default handshake response
  },
});
const uri = daemon.register(Safe);
print("server uri:", uri.toString());
await daemon.requestLoop();
