/**
 * Our own WSDL documents (wsdl/*.wsdl), templated with the public base URL at serve time. The templates are
 * read once at start-up and split on the placeholder, so serving one is a join.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_ROOT } from '../app-root.js';
import type { FastifyRequest } from 'fastify';
import type { Port } from '../zds/operation.js';
import { escapeAttr } from '../xml/escape.js';

export const BASE_URL_PLACEHOLDER = '{{BASE_URL}}';
export const PORTS: readonly Port[] = ['BeantwoordVraag', 'OntvangAsynchroon', 'VerwerkSynchroonVrijBericht'];

/** 'all' = the combined document served at /zds?wsdl. */
export type WsdlName = Port | 'all';

const WSDL_DIR = pathToFileURL(path.join(APP_ROOT, 'wsdl') + path.sep);
const FILES: Record<WsdlName, string> = {
  all: 'zaakpoort.wsdl',
  BeantwoordVraag: 'BeantwoordVraag.wsdl',
  OntvangAsynchroon: 'OntvangAsynchroon.wsdl',
  VerwerkSynchroonVrijBericht: 'VerwerkSynchroonVrijBericht.wsdl',
};

export class WsdlTemplates {
  private constructor(private readonly parts: Record<WsdlName, string[]>) {}

  static load(dir: URL = WSDL_DIR): WsdlTemplates {
    const parts = {} as Record<WsdlName, string[]>;
    for (const [name, file] of Object.entries(FILES) as Array<[WsdlName, string]>) {
      parts[name] = readFileSync(new URL(file, dir), 'utf8').split(BASE_URL_PLACEHOLDER);
    }
    return new WsdlTemplates(parts);
  }

  /** The WSDL with every address and schemaLocation under baseUrl (no trailing slash). */
  render(name: WsdlName, baseUrl: string): string {
    return this.parts[name].join(escapeAttr(baseUrl));
  }
}

/** A Host header we are willing to echo into a document: host name or IP literal, optional port. */
const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * The base URL clients should use: the configured public URL, else what the client used to reach us
 * (protocol honours X-Forwarded-Proto only when fastify's trustProxy is on). A malformed Host header falls
 * back to the listen address rather than being written into the WSDL.
 */
export function baseUrlFor(req: FastifyRequest, publicUrl: string | undefined, fallbackHost: string): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const host = req.headers.host && HOST_RE.test(req.headers.host) ? req.headers.host : fallbackHost;
  return `${req.protocol === 'https' ? 'https' : 'http'}://${host}`;
}

/** True for `?wsdl`, `?WSDL`, `?wsdl=` and the like. */
export function wantsWsdl(query: unknown): boolean {
  if (!query || typeof query !== 'object') return false;
  return Object.keys(query).some((k) => k.toLowerCase() === 'wsdl');
}
