/**
 * The message browser's pages, rendered on the server. Plain forms and links; the one script (static/beheer.js)
 * only adds conveniences. Content the role lezen may not see is masked before it reaches these functions.
 */
import type { BackendStep } from '../observability/steps.js';
import { Html, html } from './html.js';
import type { Session } from './session.js';
import type { AuditRow, Bericht, BerichtSummary } from './store.js';

export interface PageContext {
  session?: Session;
  /** Formats an epoch-ms instant on the configured wall clock. */
  time: (ms: number) => string;
}

function layout(ctx: PageContext, title: string, body: Html): string {
  const s = ctx.session;
  return html`<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Zaakpoort beheer</title><link rel="stylesheet" href="/beheer/static/beheer.css"><script src="/beheer/static/beheer.js" defer></script></head>
<body><header><a class="brand" href="/beheer">Zaakpoort beheer</a>
${s ? html`<nav><a href="/beheer">Berichten</a><a href="/beheer/audit">Leesaudit</a></nav>
<form class="who" method="post" action="/beheer/logout"><span>${s.username} <em class="role">${s.role}</em></span>
<input type="hidden" name="_csrf" value="${s.csrf}"><button type="submit">Afmelden</button></form>` : ''}
</header><main>${body}</main></body></html>`.value;
}

export interface LoginOptions {
  /** Accounts of its own: show the password form. */
  passwords: boolean;
  /** Label of the OIDC button, when OIDC is configured. */
  oidc?: string;
}

export function loginPage(ctx: PageContext, opts: LoginOptions, error?: string): string {
  return layout(ctx, 'Aanmelden', html`<h1>Aanmelden</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
${opts.passwords ? html`<form class="login" method="post" action="/beheer/login">
<label>Gebruikersnaam <input name="username" autocomplete="username" required autofocus></label>
<label>Wachtwoord <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Aanmelden</button></form>` : ''}
${opts.oidc ? html`<p><a class="button oidc" href="/beheer/oidc/start">Aanmelden met ${opts.oidc}</a></p>` : ''}`);
}

/** After the OIDC callback: a same-site step to the list, so the browser sends the new SameSite=Strict cookie. */
export function loggedInPage(ctx: PageContext): string {
  return layout(ctx, 'Aangemeld', html`<meta http-equiv="refresh" content="0;url=/beheer"><h1>Aangemeld</h1><p><a href="/beheer">Naar de berichten</a></p>`);
}

export function messagePage(ctx: PageContext, title: string, message: string, status = 'error'): string {
  return layout(ctx, title, html`<h1>${title}</h1><p class="${status}">${message}</p><p><a href="/beheer">Naar de berichten</a></p>`);
}

export interface ListView {
  filter: Record<string, string>;
  rows: BerichtSummary[];
  /** Id for the next page (older berichten), when there is one. */
  nextBefore?: number;
  notice?: string;
}

const FILTER_FIELDS: Array<[string, string, string]> = [
  ['zaak', 'Zaak', 'text'],
  ['document', 'Document', 'text'],
  ['besluit', 'Besluit', 'text'],
  ['bsn', 'BSN', 'text'],
  ['zender', 'Zender', 'text'],
  ['operation', 'Operatie', 'text'],
  ['foutcode', 'Foutcode', 'text'],
  ['van', 'Van', 'datetime-local'],
  ['tot', 'Tot', 'datetime-local'],
  ['minMs', 'Duur ≥ ms', 'number'],
];

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function listPage(ctx: PageContext, v: ListView): string {
  const f = v.filter;
  const rows = v.rows.map(
    (r) => html`<tr data-id="${r.id}">
<td><a href="/beheer/berichten/${r.id}">${ctx.time(r.at)}</a></td><td>${r.zender}${r.gebruiker ? html`<br><small>${r.gebruiker}</small>` : ''}</td>
<td>${r.operation}${r.replayOf !== null ? html` <small class="tag">replay van #${r.replayOf}</small>` : ''}</td>
<td><span class="outcome ${r.outcome}">${r.outcome}</span></td><td>${r.foutcode ?? ''}</td>
<td>${r.zaakId ?? ''}</td><td>${r.documentId ?? ''}</td><td>${r.besluitId ?? ''}</td><td class="num">${r.durationMs}</td></tr>`,
  );
  return layout(ctx, 'Berichten', html`<h1>Berichten</h1>
${v.notice ? html`<p class="notice">${v.notice}</p>` : ''}
<form class="filters" method="get" action="/beheer">
${FILTER_FIELDS.map(([name, label, type]) => html`<label>${label} <input name="${name}" type="${type}" value="${f[name] ?? ''}"${type === 'number' ? html` min="0"` : ''}></label>`)}
<label>Uitkomst <select name="outcome">${['', 'ok', 'fault', 'rejected', 'error'].map((o) => html`<option value="${o}"${f.outcome === o ? html` selected` : ''}>${o || 'alle'}</option>`)}</select></label>
<button type="submit">Zoeken</button> <a href="/beheer">Wissen</a></form>
<table class="berichten"><thead><tr><th>Tijd</th><th>Zender</th><th>Operatie</th><th>Uitkomst</th><th>Foutcode</th>
<th>Zaak</th><th>Document</th><th>Besluit</th><th class="num">ms</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="9" class="empty">Geen berichten gevonden.</td></tr>`}</tbody></table>
<p class="pager">${f.before ? html`<a href="/beheer${query({ ...f, before: undefined })}">Nieuwste</a> ` : ''}${v.nextBefore !== undefined ? html`<a rel="next" href="/beheer${query({ ...f, before: v.nextBefore })}">Oudere berichten</a>` : ''}</p>`);
}

function stepView(s: BackendStep, i: number, t: (ms: number) => string): Html {
  return html`<li class="step"><details><summary><span class="kind">${s.kind}</span> <strong>${s.name}</strong>
${s.method ? html` <code>${s.method}</code>` : ''} ${s.url ? html`<code class="url">${s.url}</code>` : ''}
${s.status !== undefined ? html` <span class="status">${s.status}</span>` : ''} <span class="ms">${s.durationMs < 10 ? s.durationMs.toFixed(1) : Math.round(s.durationMs)} ms</span>${s.error ? html` <span class="error">${s.error}</span>` : ''}</summary>
<p><small>Stap ${i + 1}, begonnen ${t(s.startedAt)}</small></p>
${s.attributes ? html`<p><small>${Object.entries(s.attributes).map(([k, v]) => `${k}=${v}`).join(', ')}</small></p>` : ''}
${s.requestBody !== undefined ? html`<h4>Verzoek</h4><pre>${s.requestBody}</pre>` : ''}
${s.responseBody !== undefined ? html`<h4>Antwoord</h4><pre>${s.responseBody}</pre>` : ''}</details></li>`;
}

export interface BerichtView {
  bericht: Bericht;
  /** Pretty (and, for lezen, masked) XML. */
  requestXml?: string;
  responseXml?: string;
  steps: BackendStep[];
  canReplay: boolean;
  replayRefusal?: string;
}

export function berichtPage(ctx: PageContext, v: BerichtView): string {
  const b = v.bericht;
  const d = b.detail;
  const ids = (['zaak', 'document', 'besluit'] as const).flatMap((k) => d.identificaties[k].map((id) => html`<span class="chip">${k} ${id}</span>`));
  return layout(ctx, `Bericht ${b.id}`, html`<h1>Bericht ${b.id} <small>${b.operation}</small></h1>
<dl class="meta"><dt>Tijd</dt><dd>${ctx.time(b.at)}</dd><dt>Zender</dt><dd>${b.zender}${b.gebruiker ? ` (gebruiker ${b.gebruiker})` : ''}</dd>
<dt>Uitkomst</dt><dd><span class="outcome ${b.outcome}">${b.outcome}</span> ${b.foutcode ?? ''} ${d.faultstring ?? ''} (HTTP ${d.httpStatus})</dd>
<dt>Referentienummer</dt><dd>${b.referentienummer ?? ''}</dd><dt>Duur</dt><dd>${b.durationMs} ms</dd>
<dt>Objecten</dt><dd>${ids.length ? ids : '–'}</dd><dt>BSN</dt><dd class="bsn">${d.bsnsMasked.join(', ') || '–'}</dd>
<dt>Grootte</dt><dd>verzoek ${d.requestBytes} bytes, antwoord ${d.responseBytes} bytes${d.truncated.request || d.truncated.response ? ' (ingekort: begin en eind bewaard)' : ''}</dd>
${d.documents.length ? html`<dt>Documentinhoud</dt><dd>${d.documents.map((x) => html`<div>${x.direction === 'in' ? 'ontvangen' : 'verzonden'}: ${x.size} bytes${x.sha256 ? html`, SHA-256 <code>${x.sha256}</code>` : ''} (inhoud niet bewaard)</div>`)}</dd>` : ''}
${d.traceId ? html`<dt>Trace</dt><dd><code>${d.traceId}</code></dd>` : ''}
${b.replayOf !== null ? html`<dt>Replay van</dt><dd><a href="/beheer/berichten/${b.replayOf}">bericht ${b.replayOf}</a></dd>` : ''}</dl>
<p class="actions"><a class="button" href="/beheer/berichten/${b.id}/download" download>Downloaden</a>
${v.canReplay ? html`<a class="button" href="/beheer/berichten/${b.id}/replay">Opnieuw versturen…</a>` : v.replayRefusal ? html`<small>${v.replayRefusal}</small>` : ''}</p>
<h2>Stappen (${v.steps.length})</h2>
${v.steps.length ? html`<ol class="steps">${v.steps.map((s, i) => stepView(s, i, ctx.time))}</ol>` : html`<p>Geen backend-aanroepen vastgelegd.</p>`}
<div class="pair"><section><h2>Verzoek</h2>${v.requestXml !== undefined ? html`<pre class="xml request">${v.requestXml}</pre>` : html`<p>Niet bewaard.</p>`}</section>
<section><h2>Antwoord</h2>${v.responseXml !== undefined ? html`<pre class="xml response">${v.responseXml}</pre>` : html`<p>Niet bewaard.</p>`}</section></div>`);
}

export function replayConfirmPage(ctx: PageContext, b: Bericht, targets: string[], referentienummer: string): string {
  return layout(ctx, `Bericht ${b.id} opnieuw versturen`, html`<h1>Bericht ${b.id} opnieuw versturen</h1>
<p>${b.operation} van ${b.zender}, ontvangen ${ctx.time(b.at)}. Het bericht wordt als nieuw bericht verstuurd met referentienummer
<code>${referentienummer}</code>. Een kennisgeving wordt dan opnieuw verwerkt.</p>
<form method="post" action="/beheer/berichten/${b.id}/replay" class="confirm"><input type="hidden" name="_csrf" value="${ctx.session?.csrf ?? ''}">
<input type="hidden" name="referentienummer" value="${referentienummer}">
<fieldset><legend>Naar</legend><label><input type="radio" name="target" value="" checked> deze Zaakpoort</label>
${targets.map((t) => html`<label><input type="radio" name="target" value="${t}"> ${t}</label>`)}</fieldset>
<label><input type="checkbox" name="confirm" value="yes" required> Ik weet dat dit bericht opnieuw wordt verwerkt</label>
<button type="submit">Versturen</button> <a href="/beheer/berichten/${b.id}">Annuleren</a></form>`);
}

export interface ReplayView {
  original: Bericht;
  target: string;
  originalAnswer: string;
  newAnswer: string;
  newStatus: number;
  newId?: number;
}

export function replayResultPage(ctx: PageContext, v: ReplayView): string {
  return layout(ctx, `Replay van bericht ${v.original.id}`, html`<h1>Replay van bericht ${v.original.id}</h1>
<p>Verstuurd naar ${v.target}: HTTP ${v.newStatus}.${v.newId !== undefined ? html` Vastgelegd als <a href="/beheer/berichten/${v.newId}">bericht ${v.newId}</a>.` : ''}</p>
<div class="pair"><section><h2>Oorspronkelijk antwoord</h2><pre class="xml original">${v.originalAnswer}</pre></section>
<section><h2>Nieuw antwoord</h2><pre class="xml replayed">${v.newAnswer}</pre></section></div>`);
}

export function auditPage(ctx: PageContext, filter: Record<string, string>, rows: AuditRow[], nextBefore?: number): string {
  return layout(ctx, 'Leesaudit', html`<h1>Leesaudit</h1>
<p>Wie welke zaak, welk document of welk besluit heeft gelezen (zender en gebruiker uit de stuurgegevens).</p>
<form class="filters" method="get" action="/beheer/audit">
<label>Identificatie <input name="identificatie" value="${filter.identificatie ?? ''}"></label>
<label>Gebruiker <input name="gebruiker" value="${filter.gebruiker ?? ''}"></label>
<label>Zender <input name="zender" value="${filter.zender ?? ''}"></label>
<label>Van <input name="van" type="datetime-local" value="${filter.van ?? ''}"></label>
<label>Tot <input name="tot" type="datetime-local" value="${filter.tot ?? ''}"></label>
<button type="submit">Zoeken</button> <a class="button" href="/beheer/audit.csv${query({ ...filter, before: undefined })}">CSV</a></form>
<table class="audit"><thead><tr><th>Tijd</th><th>Zender</th><th>Gebruiker</th><th>Operatie</th><th>Soort</th><th>Identificatie</th><th>Bericht</th></tr></thead>
<tbody>${rows.length ? rows.map((r) => html`<tr><td>${ctx.time(r.at)}</td><td>${r.zender}</td><td>${r.gebruiker ?? ''}</td><td>${r.operation}</td><td>${r.kind}</td><td>${r.identificatie}</td>
<td>${r.berichtId !== null ? html`<a href="/beheer/berichten/${r.berichtId}">${r.berichtId}</a>` : ''}</td></tr>`) : html`<tr><td colspan="7" class="empty">Niets gevonden.</td></tr>`}</tbody></table>
${nextBefore !== undefined ? html`<p class="pager"><a rel="next" href="/beheer/audit${query({ ...filter, before: nextBefore })}">Ouder</a></p>` : ''}`);
}
