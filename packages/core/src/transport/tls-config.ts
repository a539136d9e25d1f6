/**
 * TLS options from Pyro's `SSL_*` config items (file paths), for daemons and proxies that were
 * not given `node:tls` options directly.
 */
import { readFileSync } from "node:fs";
import type tls from "node:tls";
import type { PyroConfig } from "../config.js";
import { PyroError, SecurityError } from "../errors.js";

function read(path: string, item: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new PyroError(`cannot read ${item} file ${JSON.stringify(path)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      cause: error,
    });
  }
}

/** Server-side TLS options from config, or undefined when `SSL` is off. */
export function serverTlsFromConfig(config: PyroConfig): tls.TlsOptions | undefined {
  if (!config.ssl) return undefined;
  if (!config.sslServerCert || !config.sslServerKey) throw new PyroError("SSL is on but SSL_SERVERCERT and SSL_SERVERKEY are not both set");
  if (config.sslRequireClientCert && !config.sslCaCerts) {
    throw new SecurityError(
      "SSL_REQUIRECLIENTCERT is on but SSL_CACERTS is not set: client certificates would be checked against the public root CAs, so anyone with a certificate from a public CA could connect. Set SSL_CACERTS to the CA file that signs your clients' certificates.",
    );
  }
  return {
    cert: read(config.sslServerCert, "SSL_SERVERCERT"),
    key: read(config.sslServerKey, "SSL_SERVERKEY"),
    passphrase: config.sslServerKeyPasswd || undefined,
    ca: config.sslCaCerts ? read(config.sslCaCerts, "SSL_CACERTS") : undefined,
    requestCert: config.sslRequireClientCert,
    rejectUnauthorized: config.sslRequireClientCert,
  };
}

/** Client-side TLS options from config, or undefined when `SSL` is off. */
export function clientTlsFromConfig(config: PyroConfig): tls.ConnectionOptions | undefined {
  if (!config.ssl) return undefined;
  return {
    ca: config.sslCaCerts ? read(config.sslCaCerts, "SSL_CACERTS") : undefined,
    cert: config.sslClientCert ? read(config.sslClientCert, "SSL_CLIENTCERT") : undefined,
    key: config.sslClientKey ? read(config.sslClientKey, "SSL_CLIENTKEY") : undefined,
    passphrase: config.sslClientKeyPasswd || undefined,
  };
}

/**
 * Refuses server TLS options that ask for client certificates without naming the CAs to check
 * them against: node would then trust its bundled public root CAs, admitting anyone who holds a
 * certificate from a public CA.
 */
export function checkServerTls(options: tls.TlsOptions | undefined): void {
  if (!options?.requestCert) return;
  const ca = options.ca;
  const hasCa = Array.isArray(ca) ? ca.length > 0 : ca !== undefined && ca !== null && String(ca).length > 0;
  if (hasCa || options.pfx !== undefined || options.secureContext !== undefined) return;
  throw new SecurityError(
    "TLS options ask for client certificates (requestCert) but name no CA to check them against (ca): node would trust its public root CAs, so anyone with a certificate from a public CA could connect. Pass ca: the certificate(s) of the CA that signs your clients' certificates.",
  );
}
