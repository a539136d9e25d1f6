/**
 * Port of Pyro4's `examples/ssl`, the client: 2-way TLS, and a check of the server's certificate
 * in the handshake (Pyro4: a Proxy subclass overriding `_pyroValidateHandshake`; pyrots: the
 * proxy option `validateHandshake`, whose second argument holds the daemon's certificate).
 */
import type { PeerCertificate } from "node:tls";
import { CommunicationError, Proxy } from "@pyrots/core";
import { input, print } from "../common/python.js";

const tlsConfig = {
  ssl: true,
  sslCaCerts: "../../certs/server_cert.pem", // to make ssl accept the self-signed server cert
  sslClientCert: "../../certs/client_cert.pem",
  sslClientKey: "../../certs/client_key.pem",
};
print("SSL enabled (2-way).");

function verifyCert(cert: PeerCertificate | undefined): void {
  if (!cert || !cert.serialNumber) throw new CommunicationError("cert missing");
  // hostname and expiry date validation is already done by the TLS layer itself
  if (cert.serialNumber !== "D163AB82B8B74DE6") throw new CommunicationError("cert serial number incorrect");
  if (cert.issuer.O !== "Razorvine.net") throw new CommunicationError("cert not issued by Razorvine.net");
  if (cert.subject.C !== "NL") throw new CommunicationError("cert not for country NL");
  if (cert.subject.O !== "Razorvine.net") throw new CommunicationError("cert not for Razorvine.net");
  print(`(SSL server cert is ok: serial=${cert.serialNumber}, subject=${cert.subject.O})`);
}

const uri = (await input("Server uri: ")).trim();
await using p = new Proxy<{ echo(message: string): string }>(uri, {
  ...tlsConfig,
  validateHandshake: (_response, daemon) => verifyCert(daemon.certificate),
});
const response = await p.echo("client speaking");
print("response:", response);
