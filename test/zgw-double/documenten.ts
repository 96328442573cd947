/**
 * Documenten API 1.4 of the ZGW TEST DOUBLE (behaves like Open Zaak 1.12.4 where the recordings show it; README
 * §30–39): identificatie, lock/unlock, a new versie on every change, downloads, bestandsdelen, relations.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { invalid, notFound } from './errors.js';
import { IOT } from './catalogi.js';
import { type Ctx, type Handler, type Reply, type ResourceDef, crud, listItems, listReply, render, standardHandlers } from './resource.js';
import type { Stored } from './store.js';
import { type Content, memory, sizeOf } from './content.js';
import { EIO, OIO, ZIO } from './zaken.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export const BESTANDSDEEL = 'documenten/bestandsdelen';
export const GEBRUIKSRECHTEN = 'documenten/gebruiksrechten';
const BIO = 'besluiten/besluitinformatieobjecten';

/**
 * The name Open Zaak stores a file under, which the download names: `<uuid>.bin` for a base64 upload, and for
 * merged bestandsdelen the bestandsnaam with Django's 7-character suffix (`groot_bzdj4zA.bin`); stable per content.
 */
const storedNames = new WeakMap<Content, string>();
function storedName(c: Content): string {
  let n = storedNames.get(c);
  if (!n) storedNames.set(c, (n = `${randomUUID()}.bin`));
  return n;
}

function mergedName(bestandsnaam: string): string {
  const m = /^(.*?)(\.[^.]*)?$/.exec(bestandsnaam)!;
  const suffix = Array.from(randomBytes(7), (b) => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[b % 62]).join('');
  return `${m[1]}_${suffix}${m[2] ?? ''}`;
}

/** Open Zaak's default DOCUMENTEN_UPLOAD_CHUNK_SIZE (MIN_UPLOAD_SIZE): 4 GiB. */
export const DEFAULT_CHUNK_SIZE = 4 * 1024 ** 3;

/** Open Zaak refuses a document of a concept informatieobjecttype (`not-published`), as a zaak of a concept zaaktype. */
function requirePublished(ctx: Ctx, url: string): void {
  if (ctx.store.byUrlOf(url)?.data.concept !== false) throw invalid('informatieobjecttype', 'not-published', 'Het informatieobjecttype is nog niet gepubliceerd.');
}

function decodeBase64(name: string, value: string): Buffer {
  const clean = value.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
    throw invalid(name, 'invalid-base64', 'Het bestand is geen geldige base64-gecodeerde inhoud.');
  }
  return Buffer.from(clean, 'base64');
}

/** Parts of a large upload: `chunkSize` each, the last one the remainder (README §37). */
function createParts(ctx: Ctx, eio: Stored, size: number): void {
  for (const p of ctx.store.where(BESTANDSDEEL, 'eio', eio.url)) ctx.store.remove(p);
  let volgnummer = 1;
  for (let offset = 0; offset < size; offset += ctx.chunkSize) {
    ctx.store.add(BESTANDSDEEL, { eio: eio.url, volgnummer: volgnummer++, omvang: Math.min(ctx.chunkSize, size - offset), voltooid: false, content: null });
  }
}

function partsOf(ctx: Ctx | undefined, eio: Stored): Stored[] {
  return ctx ? ctx.store.where(BESTANDSDEEL, 'eio', eio.url).sort((a, b) => a.data.volgnummer - b.data.volgnummer) : [];
}

function versionsOf(ctx: Ctx, s: Stored): Array<{ data: Json; content: Content | null; registered: string }> {
  let v = ctx.store.versions.get(s.uuid);
  if (!v) ctx.store.versions.set(s.uuid, (v = []));
  return v;
}

function eioDef(): ResourceDef {
  const def: ResourceDef = {
    kind: EIO,
    schemaRef: '#/components/schemas/EnkelvoudigInformatieObject',
    refs: { informatieobjecttype: IOT },
    fixedAfterCreate: ['identificatie', 'informatieobjecttype'],
    create: (ctx, data) => {
      requirePublished(ctx, data.informatieobjecttype);
      ctx.store.assignIdentificatie(EIO, data, 'DOCUMENT', String(data.creatiedatum).slice(0, 4), 'bronorganisatie', 'Deze identificatie bestaat al voor deze bronorganisatie');
      if (data.indicatieGebruiksrecht === true) {
        throw invalid('indicatieGebruiksrecht', 'missing-gebruiksrechten', "De indicatie moet op 'ja' gezet worden door `gebruiksrechten` aan te maken, dit kan niet direct op deze resource.");
      }
      data.vertrouwelijkheidaanduiding ??= ctx.store.byUrlOf(data.informatieobjecttype)?.data.vertrouwelijkheidaanduiding ?? 'openbaar';
      let content: Content | null = null;
      if (typeof data.inhoud === 'string') {
        const bytes = decodeBase64('inhoud', data.inhoud);
        if (data.bestandsomvang !== undefined && data.bestandsomvang !== null && data.bestandsomvang !== bytes.length) {
          throw invalid('nonFieldErrors', 'file-size', 'Het aangeleverde bestand heeft een andere grootte dan opgegeven in bestandsomvang.');
        }
        data.bestandsomvang = bytes.length;
        content = memory(bytes);
      } else if (data.bestandsomvang === 0) content = memory(Buffer.alloc(0));
      else if (data.bestandsomvang === undefined) data.bestandsomvang = null;
      delete data.inhoud;
      delete data.lock;
      data.versie = 1;
      data.beginRegistratie = ctx.store.nowUtc();
      data.__content = content;
    },
    afterCreate: (ctx, s) => {
      const content: Content | null = s.data.__content;
      delete s.data.__content;
      if (content === null && typeof s.data.bestandsomvang === 'number' && s.data.bestandsomvang > 0) {
        s.data.lock = randomBytes(16).toString('hex');
        createParts(ctx, s, s.data.bestandsomvang);
      }
      versionsOf(ctx, s).push({ data: { ...s.data }, content, registered: s.data.beginRegistratie });
    },
    update: (ctx, s, data, changes) => {
      const lock = (ctx.body as Json)?.lock;
      if (!s.data.lock) throw invalid('nonFieldErrors', 'unlocked', 'Unlocked document can\'t be modified');
      if (lock !== s.data.lock) throw invalid('nonFieldErrors', 'incorrect-lock-id', 'Incorrect lock ID is specified');
      const versions = versionsOf(ctx, s);
      let content = versions[versions.length - 1]?.content ?? null;
      let parts = false;
      if ('inhoud' in changes) {
        if (typeof changes.inhoud === 'string') {
          const bytes = decodeBase64('inhoud', changes.inhoud);
          if (changes.bestandsomvang === undefined || changes.bestandsomvang !== bytes.length) {
            throw invalid('nonFieldErrors', 'file-size', 'Het aangeleverde bestand heeft een andere grootte dan opgegeven in bestandsomvang.');
          }
          content = memory(bytes);
        } else if (changes.inhoud === null && typeof changes.bestandsomvang === 'number' && changes.bestandsomvang > 0) {
          content = null;
          parts = true;
        }
      }
      if (changes.indicatieGebruiksrecht === true && s.data.indicatieGebruiksrecht !== true) {
        throw invalid('indicatieGebruiksrecht', 'missing-gebruiksrechten', "De indicatie moet op 'ja' gezet worden door `gebruiksrechten` aan te maken, dit kan niet direct op deze resource.");
      }
      delete data.inhoud;
      delete data.lock;
      data.lock = s.data.lock;
      data.versie = Number(s.data.versie) + 1;
      data.beginRegistratie = ctx.store.nowUtc();
      data.__content = content;
      data.__parts = parts;
    },
    afterUpdate: (ctx, s) => {
      const content: Content | null = s.data.__content;
      const parts: boolean = s.data.__parts;
      delete s.data.__content;
      delete s.data.__parts;
      versionsOf(ctx, s).push({ data: { ...s.data }, content, registered: s.data.beginRegistratie });
      if (parts) createParts(ctx, s, s.data.bestandsomvang);
    },
    destroy: (ctx, s) => {
      if (ctx.store.where(ZIO, 'informatieobject', s.url).length || ctx.store.where(BIO, 'informatieobject', s.url).length) {
        throw invalid('nonFieldErrors', 'pending-relations', 'All relations to the document must be destroyed before destroying the document');
      }
      for (const p of ctx.store.where(BESTANDSDEEL, 'eio', s.url)) ctx.store.remove(p);
      for (const o of ctx.store.where(OIO, 'informatieobject', s.url)) ctx.store.remove(o);
      for (const g of ctx.store.where(GEBRUIKSRECHTEN, 'informatieobject', s.url)) ctx.store.remove(g);
      ctx.store.versions.delete(s.uuid);
    },
    render: (s, ctx) => renderEio(ctx, s, s.data, latestContent(ctx, s) !== null),
  };
  return def;
}

function latestContent(ctx: Ctx | undefined, s: Stored): Content | null {
  const v = ctx?.store.versions.get(s.uuid);
  return v?.[v.length - 1]?.content ?? null;
}

function renderEio(ctx: Ctx | undefined, s: Stored, data: Json, hasContent: boolean): Json {
  const parts = partsOf(ctx, s).map((p) => ({ url: p.url, volgnummer: p.data.volgnummer, omvang: p.data.omvang, voltooid: p.data.voltooid, lock: s.data.lock ?? '' }));
  return {
    ...withoutInternal(data),
    inhoud: hasContent ? `${s.url}/download?versie=${data.versie}` : null,
    locked: !!s.data.lock,
    bestandsdelen: parts,
  };
}

function withoutInternal(data: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(data)) if (!k.startsWith('__') && k !== 'lock') out[k] = v;
  return out;
}

/** The version a `?versie=` / `?registratieOp=` read asks for (404 when there is none). */
function pickVersion(ctx: Ctx, s: Stored): { data: Json; content: Content | null } {
  const versions = versionsOf(ctx, s);
  const versie = ctx.query.get('versie');
  if (versie !== null) {
    const v = versions[Number(versie) - 1];
    if (!v) throw notFound();
    return v;
  }
  const op = ctx.query.get('registratieOp');
  if (op !== null) {
    const at = Date.parse(op);
    const v = [...versions].reverse().find((x) => Date.parse(x.registered) <= at);
    if (!v) throw notFound();
    return v;
  }
  return versions[versions.length - 1] ?? { data: s.data, content: null };
}

/**
 * Gebruiksrechten (not in the recordings; as the Documenten API standard describes): creating one sets the
 * document's `indicatieGebruiksrecht` to true, deleting the last one sets it back to null.
 */
function gebruiksrechtenDef(): ResourceDef {
  const setIndicatie = (ctx: Ctx, eioUrl: string, value: boolean | null): void => {
    const eio = ctx.store.byUrlOf(eioUrl);
    if (eio) eio.data.indicatieGebruiksrecht = value;
  };
  return {
    kind: GEBRUIKSRECHTEN,
    schemaRef: '#/components/schemas/Gebruiksrechten',
    refs: { informatieobject: EIO },
    afterCreate: (ctx, s) => setIndicatie(ctx, s.data.informatieobject, true),
    destroy: (ctx, s) => {
      if (ctx.store.where(GEBRUIKSRECHTEN, 'informatieobject', s.data.informatieobject).length === 1) setIndicatie(ctx, s.data.informatieobject, null);
    },
  };
}

export function documentenDefs(): ResourceDef[] {
  const oio: ResourceDef = { kind: OIO, schemaRef: '#/components/schemas/ObjectInformatieObject', refs: { informatieobject: EIO } };
  const deel: ResourceDef = { kind: BESTANDSDEEL, schemaRef: '#/components/schemas/BestandsDeel' };
  return [eioDef(), oio, deel, gebruiksrechtenDef()];
}

export function documentenHandlers(defs: Map<string, ResourceDef>): Record<string, Handler> {
  const eio = defs.get(EIO)!;
  const c = crud(eio);
  const out: Record<string, Handler> = {
    ...standardHandlers('documenten', 'enkelvoudiginformatieobject', eio),
    ...standardHandlers('documenten', 'objectinformatieobject', defs.get(OIO)!),
    ...standardHandlers('documenten', 'gebruiksrechten', defs.get(GEBRUIKSRECHTEN)!),
  };
  out['documenten:enkelvoudiginformatieobject_create'] = (ctx) => {
    const r = c.create(ctx) as { status: number; body: Json; headers: Record<string, string> };
    const s = ctx.store.byUrlOf(r.body.url)!;
    // only the create answer has a top-level lock: the lock of a large upload, "" otherwise (README §37)
    r.body.lock = s.data.lock ?? '';
    return r;
  };
  // the answer to a large-file update lists no parts yet; a later GET does (README §38)
  for (const op of ['update', 'partial_update']) {
    out[`documenten:enkelvoudiginformatieobject_${op}`] = async (ctx) => {
      const r = await c.update(ctx);
      const body = ctx.body as Json;
      if (r.status === 200 && body?.inhoud === null && Number(body?.bestandsomvang) > 0) r.body.bestandsdelen = [];
      return r;
    };
  }
  out['documenten:enkelvoudiginformatieobject_read'] = (ctx) => {
    const s = ctx.store.mustGet(EIO, ctx.params.uuid!);
    if (ctx.query.has('versie') || ctx.query.has('registratieOp')) {
      const v = pickVersion(ctx, s);
      return { status: 200, body: render({ ...eio, render: () => renderEio(ctx, s, v.data, v.content !== null) }, s, ctx) };
    }
    return { status: 200, body: render(eio, s, ctx) };
  };
  // every error of a download is answered with the 24-byte text `application/octet-stream` (README §35)
  const downloadError = (status: number): Reply => ({ status, raw: { data: Buffer.from('application/octet-stream'), contentType: 'application/octet-stream' } });
  out['documenten:enkelvoudiginformatieobject_download'] = (ctx) => {
    const s = ctx.store.get(EIO, ctx.params.uuid!);
    if (!s) return downloadError(404);
    const accept = String(ctx.headers.accept ?? '*/*');
    if (!/application\/octet-stream|\*\/\*|application\/\*/.test(accept)) return downloadError(406);
    let v: { data: Json; content: Content | null };
    try {
      v = pickVersion(ctx, s);
    } catch {
      return downloadError(404);
    }
    if (v.content === null) return downloadError(500);
    return {
      status: 200,
      headers: {
        'Content-Disposition': `attachment; filename="${storedName(v.content)}"`,
        'Last-Modified': new Date(Date.parse(v.data.beginRegistratie)).toUTCString(),
        'API-version': '',
      },
      raw: v.content.kind === 'memory' ? { data: v.content.data, contentType: 'application/octet-stream' } : { file: v.content.path, size: v.content.size, contentType: 'application/octet-stream' },
    };
  };
  out['documenten:enkelvoudiginformatieobject_lock'] = (ctx) => {
    const s = ctx.store.mustGet(EIO, ctx.params.uuid!);
    if (s.data.lock) throw invalid('nonFieldErrors', 'existing-lock', 'Het document is al gelocked.');
    s.data.lock = randomBytes(16).toString('hex');
    return { status: 200, body: { lock: s.data.lock } };
  };
  out['documenten:enkelvoudiginformatieobject_unlock'] = async (ctx) => {
    const s = ctx.store.mustGet(EIO, ctx.params.uuid!);
    const lock = (ctx.body as Json)?.lock;
    const forced = ctx.can('documenten.geforceerd-unlock');
    const parts = partsOf(ctx, s);
    if (!forced) {
      if (!s.data.lock || lock !== s.data.lock) throw invalid('nonFieldErrors', 'incorrect-lock-id', 'Incorrect lock ID is specified');
      if (parts.length && parts.every((p) => !p.data.voltooid)) {
        throw invalid('nonFieldErrors', 'file-size', 'Je moet een bestand uploaden of de bestandsomvang op 0 zetten');
      }
      if (parts.some((p) => !p.data.voltooid)) throw invalid('nonFieldErrors', 'incomplete-upload', 'Nog niet alle bestandsdelen zijn volledig geüpload');
    }
    if (parts.length && parts.every((p) => p.data.voltooid)) {
      const versions = versionsOf(ctx, s);
      const merged = await ctx.store.files.concat(parts.map((p) => p.data.content as Content));
      if (s.data.bestandsnaam) storedNames.set(merged, mergedName(s.data.bestandsnaam));
      versions[versions.length - 1]!.content = merged;
      for (const p of parts) ctx.store.remove(p);
    }
    // a forced unlock of an unfinished upload leaves the parts (without lock) and no content (README §33)
    delete s.data.lock;
    return { status: 204 };
  };
  // EIO list results carry `_expand: {}` like zaken
  const withExpand = (j: Json): Json => ({ ...j, _expand: {} });
  out['documenten:enkelvoudiginformatieobject_list'] = (ctx) => listReply(ctx, eio, listItems(ctx, eio, ctx.store.all(EIO), ctx.query), withExpand);
  out['documenten:enkelvoudiginformatieobject__zoek'] = (ctx) => {
    const body: Json = ctx.body ?? {};
    const uuids: string[] = body.uuid__in ?? [];
    const items = listItems(ctx, eio, ctx.store.all(EIO).filter((s) => uuids.includes(s.uuid)), new URLSearchParams());
    return listReply(ctx, eio, items, withExpand);
  };
  out['documenten:bestandsdeel_update'] = (ctx) => {
    const p = ctx.store.mustGet(BESTANDSDEEL, ctx.params.uuid!);
    const s = ctx.store.byUrlOf(p.data.eio)!;
    const lock = ctx.form?.fields.lock;
    if (!s.data.lock || lock !== s.data.lock) throw invalid('nonFieldErrors', 'incorrect-lock-id', 'Incorrect lock ID is specified');
    const file = ctx.form?.files.inhoud ?? memory(Buffer.alloc(0));
    if (sizeOf(file) !== p.data.omvang) {
      throw invalid('nonFieldErrors', 'file-size', `Het aangeleverde bestand heeft een andere grootte dan verwacht: ${p.data.omvang} bytes verwacht, ${sizeOf(file)} bytes ontvangen.`);
    }
    p.data.content = file;
    p.data.voltooid = true;
    return { status: 200, body: { url: p.url, volgnummer: p.data.volgnummer, omvang: p.data.omvang, voltooid: true, lock: s.data.lock } };
  };
  return out;
}
