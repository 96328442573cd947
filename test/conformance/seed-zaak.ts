/** Seeding the zaak an updateZaak / actualiseerZaakstatus fixture changes, as its old object describes it. */
import assert from 'node:assert/strict';
import * as m from '../helpers/messages.js';
import { type TestServer, envelope } from '../helpers/zaakpoort.js';
import type { FixtureRow } from './fixture-index.js';

const firstMatch = (xml: string, re: RegExp): string | undefined => re.exec(xml)?.[1]?.trim();

/** Zaak changes whose zaak is deliberately left out (the fixture tests an unknown zaak). */
const NOT_SEEDED = new Set(['updateZaak_ZakLk01__haarlem-maykin__3.xml']);
const ROL_ORDER = ['heeftAlsBelanghebbende', 'heeftAlsGemachtigde', 'heeftAlsInitiator', 'heeftAlsUitvoerende', 'heeftAlsVerantwoordelijke', 'heeftAlsOverigBetrokkene'];

/**
 * updateZaak / actualiseerZaakstatus change a zaak that must exist as the old object describes it: with its
 * zaaktype (isVan) and with the rollen the old object changes, ends, removes or replaces (W/E/V/R) — created
 * through creeerZaak, with those rollen added as new relations (without their end dates).
 */
export async function seedWijziging(srv: TestServer, row: Pick<FixtureRow, 'operation' | 'file'>, xml: string): Promise<void> {
  if (!['updateZaak_ZakLk01', 'actualiseerZaakstatus_ZakLk01'].includes(row.operation) || NOT_SEEDED.has(row.file)) return;
  const oud = /<(\w+:)?object[\s>][\s\S]*?<\/\1object>/.exec(xml)?.[0] ?? '';
  const id = firstMatch(oud, /<(?:\w+:)?identificatie>([^<]+)</);
  assert.ok(id, `seed: no zaak identificatie in ${row.file}`);
  const zaaktype = firstMatch(xml, /<(?:\w+:)?isVan[\s\S]*?<(?:\w+:)?code>([^<]+)</);
  const rollen = [...oud.matchAll(/<ZKN:(heeftAls\w+)\b[^>]*?StUF:verwerkingssoort="[RVEW]"[^>]*?(?<!\/)>[\s\S]*?<\/ZKN:\1>/g)].map((x) => ({
    type: x[1]!,
    xml: x[0]
      .replace(/StUF:verwerkingssoort="[RVEW]"/, 'StUF:verwerkingssoort="T"')
      .replace(/<StUF:(tijdvakRelatie|tijdvakGeldigheid)>[\s\S]*?<\/StUF:\1>/g, '')
      .replace(/<StUF:tijdstipRegistratie[^>]*?(?:\/>|>[^<]*<\/StUF:tijdstipRegistratie>)/g, ''),
  }));
  const zaaktypeOmschrijving = firstMatch(xml, /<(?:\w+:)?isVan[\s\S]*?<(?:\w+:)?gerelateerde[^>]*>\s*<(?:\w+:)?omschrijving>([^<]+)</);
  let body = m.creeerZaak({ identificatie: id!, ...(zaaktype ? { zaaktype } : {}) }, '1.2');
  // The zaaktype as the fixture names it (code and omschrijving), not the helper's default omschrijving.
  if (zaaktypeOmschrijving) body = body.replace('<ZKN:omschrijving>Schuldhulpverlening</ZKN:omschrijving>', `<ZKN:omschrijving>${zaaktypeOmschrijving}</ZKN:omschrijving>`);
  // Take out the standard rollen; keep the standard initiator unless the fixture names its own.
  const initiator = /<ZKN:heeftAlsInitiator[\s\S]*?<\/ZKN:heeftAlsInitiator>/.exec(body)![0];
  body = body.replace(initiator, '').replace(/<ZKN:heeftAlsUitvoerende[\s\S]*?<\/ZKN:heeftAlsUitvoerende>/, '');
  if (!rollen.some((r) => r.type === 'heeftAlsInitiator')) rollen.push({ type: 'heeftAlsInitiator', xml: initiator });
  rollen.sort((a, b) => ROL_ORDER.indexOf(a.type) - ROL_ORDER.indexOf(b.type));
  body = body.replace('<ZKN:heeft ', rollen.map((r) => r.xml).join('') + '<ZKN:heeft ');
  const res = await srv.post(envelope(body));
  assert.equal(res.status, 200, `seed zaak ${id}: ${res.text}`);
}

