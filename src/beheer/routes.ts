/**
 * HTTP routes of the message browser. Every page needs a session (else: to the login page); replay needs the
 * role beheer; every POST carries the session's CSRF token and must not come from another site.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config.js';
import { spendVerificationTime, verifyPassword } from '../server/passwords.js';
import { formatTijdstip, parseTijdstip } from '../stuf/dates.js';
import type { BsnHasher } from './bsn-hash.js';
import { auditCsv } from './csv.js';
import { auditPage, berichtPage, listPage, loggedInPage, loginPage, messagePage, type PageContext, replayConfirmPage, replayResultPage } from './pages.js';
import { OidcLogin, type PendingLogin } from './oidc.js';
import { freshReferentienummer, type LocalReplay, replayRefusal, replayRemote, withReferentienummer } from './replay.js';
import { COOKIE, cookieValue, csrfMatches, type Session, type SessionSigner } from './session.js';
import { STATIC_FILES } from './static.js';
import type { Bericht, BerichtFilter, BerichtStore } from './store.js';
import { maskBsnsInText, prettyXml } from './xml-view.js';

export interface RouteDeps {
  config: Config;
  store: BerichtStore;
  signer: SessionSigner;
  hashBsn: BsnHasher;
  replay: LocalReplay;
}

const PAGE_SIZE = 50;
const MAX_FORM_BYTES = 16 * 1024;
const LOGIN_FAILURES_ALLOWED = 5;
const LOGIN_LOCK_MS = 15 * 60 * 1000;

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

async function readForm(request: FastifyRequest): Promise<URLSearchParams> {
  const input = request.body as IncomingMessage | undefined;
  if (!input || typeof (input as AsyncIterable<Buffer>)[Symbol.asyncIterator] !== 'function') return new URLSearchParams();
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of input as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw Object.assign(new Error('form too large'), { statusCode: 413 });
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function registerBeheerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { config, store, signer } = deps;
  const accounts = config.beheer!.accounts;
  const secure = Boolean(config.tls);
  const failures = new Map<string, { count: number; until: number }>();
  const oidc = config.beheer!.oidc ? new OidcLogin(config.beheer!.oidc) : undefined;
  const loginOptions = { passwords: accounts.length > 0, ...(oidc ? { oidc: oidc.cfg.label } : {}) };

  const time = (ms: number): string => {
    const t = formatTijdstip(new Date(ms), config.timeZone);
    return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)} ${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}`;
  };
  const ctxOf = (session?: Session): PageContext => ({ time, ...(session ? { session } : {}) });

  const page = (reply: FastifyReply, status: number, body: string): FastifyReply =>
    reply.code(status).headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(body);

  const sessionOf = (request: FastifyRequest): Session | undefined => signer.read(cookieValue(request.headers.cookie, COOKIE));

  /** The session, or an answer already sent (login page for a browser, 401 for anything else). */
  const requireSession = (request: FastifyRequest, reply: FastifyReply, role?: 'beheer'): Session | undefined => {
    const session = sessionOf(request);
    if (!session) {
      if (request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) {
        void reply.code(303).headers(SECURITY_HEADERS).header('location', '/beheer/login').send();
      } else {
        void page(reply, 401, messagePage(ctxOf(), 'Niet aangemeld', 'Meld u eerst aan.'));
      }
      return undefined;
    }
    if (role === 'beheer' && session.role !== 'beheer') {
      void page(reply, 403, messagePage(ctxOf(session), 'Geen toegang', 'Hiervoor is de rol beheer nodig.'));
      return undefined;
    }
    return session;
  };

  /** A POST from this site with the session's token; cross-site form posts are refused before anything runs. */
  const checkPost = (request: FastifyRequest, reply: FastifyReply, session: Session, form: URLSearchParams): boolean => {
    if (request.headers['sec-fetch-site'] === 'cross-site' || !csrfMatches(session, form.get('_csrf') ?? undefined)) {
      void page(reply, 403, messagePage(ctxOf(session), 'Geweigerd', 'Het formulier is verlopen of komt niet van deze site. Probeer het opnieuw.'));
      return false;
    }
    return true;
  };

  const cookie = (value: string, maxAgeS: number): string =>
    `${COOKIE}=${value}; Path=/beheer; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;

  app.get('/beheer/static/:file', async (request, reply) => {
    const name = (request.params as { file: string }).file;
    const file = Object.hasOwn(STATIC_FILES, name) ? STATIC_FILES[name] : undefined;
    if (!file) return reply.code(404).send('not found\n');
    return reply.headers(SECURITY_HEADERS).header('cache-control', 'max-age=3600').type(file.type).send(file.body);
  });

  app.get('/beheer/login', async (request, reply) => {
    if (sessionOf(request)) return reply.code(303).header('location', '/beheer').send();
    return page(reply, 200, loginPage(ctxOf(), loginOptions));
  });

  app.post('/beheer/login', async (request, reply) => {
    const form = await readForm(request);
    if (request.headers['sec-fetch-site'] === 'cross-site') return page(reply, 403, loginPage(ctxOf(), loginOptions, 'Aanmelden vanaf een andere site is niet toegestaan.'));
    const username = (form.get('username') ?? '').trim();
    const password = form.get('password') ?? '';
    const lock = failures.get(username);
    if (lock && lock.count >= LOGIN_FAILURES_ALLOWED && lock.until > Date.now()) {
      return page(reply, 429, loginPage(ctxOf(), loginOptions, 'Te veel mislukte pogingen; probeer het over een kwartier opnieuw.'));
    }
    const account = accounts.find((a) => a.username === username);
    const ok = account ? await verifyPassword(password, account.passwordHash) : (await spendVerificationTime(password), false);
    if (!account || !ok) {
      // Failures count within one lock period; after it the count starts again.
      const f = lock && lock.until > Date.now() ? lock : { count: 0, until: 0 };
      failures.set(username, { count: f.count + 1, until: Date.now() + LOGIN_LOCK_MS });
      if (failures.size > 10_000) failures.clear();
      return page(reply, 401, loginPage(ctxOf(), loginOptions, 'Gebruikersnaam of wachtwoord onjuist.'));
    }
    failures.delete(username);
    const issued = signer.issue(account.username, account.role);
    request.log.info({ beheerder: account.username, role: account.role }, 'beheer: aangemeld');
    return reply
      .code(303)
      .header('set-cookie', cookie(issued.cookie, config.beheer!.sessionMinutes * 60))
      .header('location', '/beheer')
      .send();
  });

  const OIDC_COOKIE = 'zaakpoort_oidc';
  app.get('/beheer/oidc/start', async (request, reply) => {
    if (!oidc) return reply.code(404).send('not found\n');
    let started: Awaited<ReturnType<OidcLogin['start']>>;
    try {
      started = await oidc.start();
    } catch (e) {
      request.log.warn({ err: e }, 'beheer: OIDC-provider niet bereikbaar');
      return page(reply, 502, loginPage(ctxOf(), loginOptions, 'De identity provider is niet bereikbaar.'));
    }
    // SameSite=Lax: the provider sends the browser back with a cross-site navigation.
    const pendingCookie = `${OIDC_COOKIE}=${signer.seal(started.pending)}; Path=/beheer/oidc; HttpOnly; SameSite=Lax; Max-Age=600${secure ? '; Secure' : ''}`;
    return reply.code(303).headers(SECURITY_HEADERS).header('set-cookie', pendingCookie).header('location', started.url).send();
  });

  app.get('/beheer/oidc/callback', async (request, reply) => {
    if (!oidc) return reply.code(404).send('not found\n');
    const pending = signer.open<PendingLogin>(cookieValue(request.headers.cookie, OIDC_COOKIE));
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    const outcome = await oidc.finish(query, pending);
    const clear = `${OIDC_COOKIE}=; Path=/beheer/oidc; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
    if (!outcome.ok) return page(reply.header('set-cookie', clear), 401, loginPage(ctxOf(), loginOptions, outcome.reason));
    const issued = signer.issue(outcome.username, outcome.role);
    request.log.info({ beheerder: outcome.username, role: outcome.role, via: 'oidc' }, 'beheer: aangemeld');
    return page(reply.header('set-cookie', [clear, cookie(issued.cookie, config.beheer!.sessionMinutes * 60)]), 200, loggedInPage(ctxOf(issued.session)));
  });

  app.post('/beheer/logout', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    const form = await readForm(request);
    if (!checkPost(request, reply, session, form)) return reply;
    return reply.code(303).header('set-cookie', cookie('', 0)).header('location', '/beheer/login').send();
  });

  app.get('/beheer', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    const q = request.query as Record<string, string>;
    const filter: Record<string, string> = {};
    for (const [k, v] of Object.entries(q)) if (typeof v === 'string' && v.trim() !== '') filter[k] = v.trim();
    const { filter: f, notice } = berichtFilter(filter, config.timeZone, deps.hashBsn);
    const rows = await store.list({ ...f, limit: PAGE_SIZE + 1 });
    const more = rows.length > PAGE_SIZE;
    const shown = rows.slice(0, PAGE_SIZE);
    return page(reply, 200, listPage(ctxOf(session), { filter, rows: shown, ...(more ? { nextBefore: shown[shown.length - 1]!.id } : {}), ...(notice ? { notice } : {}) }));
  });

  const loadBericht = async (request: FastifyRequest, reply: FastifyReply, session: Session): Promise<Bericht | undefined> => {
    const id = Number((request.params as { id: string }).id);
    const b = Number.isSafeInteger(id) && id > 0 ? await store.get(id) : undefined;
    if (!b) void page(reply, 404, messagePage(ctxOf(session), 'Niet gevonden', 'Dit bericht bestaat niet (meer).'));
    return b;
  };

  /** The session and the bericht of a GET page about one bericht, or undefined when an answer was sent. */
  const openBericht = async (request: FastifyRequest, reply: FastifyReply, role?: 'beheer'): Promise<{ session: Session; b: Bericht } | undefined> => {
    const session = requireSession(request, reply, role);
    const b = session && (await loadBericht(request, reply, session));
    return session && b ? { session, b } : undefined;
  };

  app.get('/beheer/berichten/:id', async (request, reply) => {
    const opened = await openBericht(request, reply);
    if (!opened) return reply;
    const { session, b } = opened;
    const v = viewFor(b, session);
    const refusal = replayRefusal(b);
    return page(reply, 200, berichtPage(ctxOf(session), {
      bericht: b,
      ...(v.request !== undefined ? { requestXml: v.request } : {}),
      ...(v.response !== undefined ? { responseXml: v.response } : {}),
      steps: v.steps,
      canReplay: session.role === 'beheer' && !refusal,
      ...(session.role === 'beheer' && refusal ? { replayRefusal: refusal } : {}),
    }));
  });

  app.get('/beheer/berichten/:id/download', async (request, reply) => {
    const opened = await openBericht(request, reply);
    if (!opened) return reply;
    const { session, b } = opened;
    const v = viewFor(b, session);
    const file = {
      id: b.id,
      tijd: new Date(b.at).toISOString(),
      zender: b.zender,
      gebruiker: b.gebruiker,
      operatie: b.operation,
      uitkomst: b.outcome,
      foutcode: b.foutcode,
      referentienummer: b.referentienummer,
      duurMs: b.durationMs,
      replayVan: b.replayOf,
      objecten: b.detail.identificaties,
      bsn: b.detail.bsnsMasked,
      documentinhoud: b.detail.documents,
      gemaskeerd: session.role !== 'beheer',
      verzoek: v.request,
      antwoord: v.response,
      stappen: v.steps,
    };
    return reply
      .headers(SECURITY_HEADERS)
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="bericht-${b.id}.json"`)
      .send(JSON.stringify(file, null, 2));
  });

  app.get('/beheer/berichten/:id/replay', async (request, reply) => {
    const opened = await openBericht(request, reply, 'beheer');
    if (!opened) return reply;
    const { session, b } = opened;
    const refusal = replayRefusal(b);
    if (refusal) return page(reply, 409, messagePage(ctxOf(session), 'Opnieuw versturen', refusal));
    return page(reply, 200, replayConfirmPage(ctxOf(session), b, config.beheer!.replayTargets, freshReferentienummer()));
  });

  app.post('/beheer/berichten/:id/replay', async (request, reply) => {
    const session = requireSession(request, reply, 'beheer');
    if (!session) return reply;
    const form = await readForm(request);
    if (!checkPost(request, reply, session, form)) return reply;
    const b = await loadBericht(request, reply, session);
    if (!b) return reply;
    const refusal = replayRefusal(b);
    if (refusal) return page(reply, 409, messagePage(ctxOf(session), 'Opnieuw versturen', refusal));
    if (form.get('confirm') !== 'yes') return page(reply, 400, messagePage(ctxOf(session), 'Opnieuw versturen', 'Bevestig eerst dat het bericht opnieuw wordt verwerkt.'));
    const target = form.get('target') ?? '';
    if (target && !(config.beheer!.replayTargets).includes(target)) {
      return page(reply, 400, messagePage(ctxOf(session), 'Opnieuw versturen', 'Dit adres staat niet in beheer.replayTargets.'));
    }
    const ref = /^ZPR[0-9A-Z]{10,30}$/.test(form.get('referentienummer') ?? '') ? form.get('referentienummer')! : freshReferentienummer();
    const envelope = withReferentienummer(b.detail.request!, ref);
    request.log.info({ beheerder: session.username, bericht: b.id, target: target || 'local' }, 'beheer: bericht opnieuw verstuurd');
    const answer = target
      ? await replayRemote(target, envelope, b.detail.soapVersion, b.detail.soapAction)
      : await deps.replay(envelope, b.detail.soapVersion, b.detail.soapAction, b.id);
    return page(reply, 200, replayResultPage(ctxOf(session), {
      original: b,
      target: target || 'deze Zaakpoort',
      originalAnswer: b.detail.response !== undefined ? prettyXml(b.detail.response, { mask: false }) : '(niet bewaard)',
      newAnswer: prettyXml(answer.xml, { mask: false }),
      newStatus: answer.status,
      ...(answer.newId !== undefined ? { newId: answer.newId } : {}),
    }));
  });

  const auditQuery = (request: FastifyRequest): { filter: Record<string, string>; from?: number; to?: number; beforeId?: number } => {
    const q = request.query as Record<string, string>;
    const filter: Record<string, string> = {};
    for (const k of ['identificatie', 'gebruiker', 'zender', 'van', 'tot', 'before']) if (typeof q[k] === 'string' && q[k]!.trim()) filter[k] = q[k]!.trim();
    const from = localTime(filter.van, config.timeZone, false);
    const to = localTime(filter.tot, config.timeZone, true);
    const before = Number(filter.before);
    return { filter, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...(Number.isSafeInteger(before) && before > 0 ? { beforeId: before } : {}) };
  };

  app.get('/beheer/audit', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    const { filter, from, to, beforeId } = auditQuery(request);
    const rows = await store.listAudit({ ...pick(filter), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...(beforeId ? { beforeId } : {}), limit: PAGE_SIZE + 1 });
    const shown = rows.slice(0, PAGE_SIZE);
    return page(reply, 200, auditPage(ctxOf(session), filter, shown, rows.length > PAGE_SIZE ? shown[shown.length - 1]!.id : undefined));
  });

  app.get('/beheer/audit.csv', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    const { filter, from, to } = auditQuery(request);
    const rows = await store.listAudit({ ...pick(filter), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), limit: 100_000 });
    return reply
      .headers(SECURITY_HEADERS)
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="leesaudit.csv"')
      .send(auditCsv(rows, time));
  });

  /** What the role may see: beheer the stored text, lezen the same with every BSN masked. */
  function viewFor(b: Bericht, session: Session): { request?: string; response?: string; steps: Bericht['detail']['steps'] } {
    const mask = session.role !== 'beheer';
    const d = b.detail;
    const steps = mask
      ? d.steps.map((s) => ({
          ...s,
          ...(s.requestBody !== undefined ? { requestBody: maskBsnsInText(s.requestBody) } : {}),
          ...(s.responseBody !== undefined ? { responseBody: maskBsnsInText(s.responseBody) } : {}),
          ...(s.url !== undefined ? { url: maskBsnsInText(s.url) } : {}),
        }))
      : d.steps;
    return {
      ...(d.request !== undefined ? { request: prettyXml(d.request, { mask }) } : {}),
      ...(d.response !== undefined ? { response: prettyXml(d.response, { mask }) } : {}),
      steps,
    };
  }
}

function pick(f: Record<string, string>): { identificatie?: string; gebruiker?: string; zender?: string } {
  return {
    ...(f.identificatie ? { identificatie: f.identificatie } : {}),
    ...(f.gebruiker ? { gebruiker: f.gebruiker } : {}),
    ...(f.zender ? { zender: f.zender } : {}),
  };
}

/** A datetime-local value (yyyy-mm-ddThh:mm[:ss]) on the configured wall clock; `end` makes it inclusive. */
function localTime(v: string | undefined, timeZone: string, end: boolean): number | undefined {
  if (!v) return undefined;
  const digits = v.replace(/[-T:]/g, '');
  if (!/^\d{12}(\d{2})?$/.test(digits)) return undefined;
  try {
    const t = parseTijdstip(digits, timeZone).getTime();
    return end ? t + (digits.length === 12 ? 59_999 : 999) : t;
  } catch {
    return undefined;
  }
}

/** The list filter from the query string; a BSN is searched by its hash. */
function berichtFilter(q: Record<string, string>, timeZone: string, hashBsn: BsnHasher): { filter: Omit<BerichtFilter, 'limit'>; notice?: string } {
  const f: Omit<BerichtFilter, 'limit'> = {};
  let notice: string | undefined;
  for (const [key, field] of [['zender', 'zender'], ['operation', 'operation'], ['outcome', 'outcome'], ['foutcode', 'foutcode'], ['zaak', 'zaak'], ['document', 'document'], ['besluit', 'besluit']] as const) {
    if (q[key]) f[field] = q[key];
  }
  const from = localTime(q.van, timeZone, false);
  const to = localTime(q.tot, timeZone, true);
  if (from !== undefined) f.from = from;
  if (to !== undefined) f.to = to;
  if ((q.van && from === undefined) || (q.tot && to === undefined)) notice = 'Een tijdstip is niet herkend en is genegeerd.';
  const minMs = Number(q.minMs);
  if (q.minMs && Number.isFinite(minMs) && minMs >= 0) f.minDurationMs = minMs;
  if (q.bsn) {
    const digits = q.bsn.replace(/\D/g, '');
    if (/^\d{8,9}$/.test(digits)) f.bsnHash = hashBsn(digits);
    else notice = 'Een BSN bestaat uit 9 cijfers; het BSN-filter is genegeerd.';
  }
  const before = Number(q.before);
  if (Number.isSafeInteger(before) && before > 0) f.beforeId = before;
  return { filter: f, ...(notice ? { notice } : {}) };
}
