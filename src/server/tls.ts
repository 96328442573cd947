/**
 * HTTPS and two-sided TLS, Digikoppeling style. With `tls.ca` the server asks for a client certificate and
 * verifies it against that CA; with `requireClientCert` a connection without a valid one never gets to HTTP.
 * A verified certificate is bound to a registered application by its subject: the CN (`certificateSubject`)
 * and/or the OIN (`oin`), read from subject serialNumber (PKIoverheid) or organizationIdentifier.
 */
import { readFileSync } from 'node:fs';
import type { ServerOptions } from 'node:https';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { ConfigError, type SenderConfig, type TlsConfig } from '../config.js';

export function httpsOptions(tls: TlsConfig): ServerOptions {
  const read = (what: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new ConfigError(`tls.${what} (${file}) kan niet worden gelezen: ${(e as Error).message}`);
    }
  };
  return {
    cert: read('cert', tls.cert),
    key: read('key', tls.key),
    ...(tls.ca ? { ca: read('ca', tls.ca), requestCert: true } : {}),
    rejectUnauthorized: tls.requireClientCert === true,
    minVersion: 'TLSv1.2',
  };
}

export interface CertificateSubject {
  cn?: string;
  serialNumber?: string;
  organizationIdentifier?: string;
}

type NameValue = string | string[] | undefined;
const first = (v: NameValue): string | undefined => (Array.isArray(v) ? v[0] : v);

/** The subject of the client certificate, when one was presented and verified against the CA. */
export function verifiedClientCertificate(socket: Socket | undefined): CertificateSubject | undefined {
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  const subject = socket.getPeerCertificate()?.subject as unknown as Record<string, NameValue> | undefined;
  if (!subject) return undefined;
  const out: CertificateSubject = {};
  const cn = first(subject.CN);
  const serialNumber = first(subject.serialNumber);
  const organizationIdentifier = first(subject.organizationIdentifier);
  if (cn) out.cn = cn;
  if (serialNumber) out.serialNumber = serialNumber;
  if (organizationIdentifier) out.organizationIdentifier = organizationIdentifier;
  return out;
}

/** The OIN matches subject serialNumber, or organizationIdentifier with or without a registry prefix ("...-<OIN>"). */
function hasOin(cert: CertificateSubject, oin: string): boolean {
  const orgId = cert.organizationIdentifier;
  return cert.serialNumber === oin || orgId === oin || (orgId?.endsWith(`-${oin}`) ?? false);
}

/** Whether this application's certificate binding matches: every configured part (CN, OIN), at least one. */
export function certificateBelongsTo(sender: SenderConfig, cert: CertificateSubject): boolean {
  if (!sender.certificateSubject && !sender.oin) return false;
  if (sender.certificateSubject && sender.certificateSubject !== cert.cn) return false;
  return !sender.oin || hasOin(cert, sender.oin);
}

export function describeCertificate(cert: CertificateSubject): string {
  const oin = cert.serialNumber ?? cert.organizationIdentifier;
  return [cert.cn ? `CN=${cert.cn}` : '', oin ? `OIN ${oin}` : ''].filter(Boolean).join(', ') || '(zonder CN of OIN)';
}
