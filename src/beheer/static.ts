/**
 * The browser's only static files, kept in the code so the bundle needs nothing beside it and no CDN is ever
 * asked: a stylesheet and a small enhancer (the pages work without it).
 */
const CSS = `
:root { --fg: #1d2330; --muted: #5b6475; --line: #d9dee7; --accent: #154273; --ok: #1c7c3a; --fault: #b3261e; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.2rem; background: var(--accent); color: #fff; }
header a { color: #fff; text-decoration: none; }
header .brand { font-weight: 600; font-size: 1.05rem; }
header nav { display: flex; gap: 1rem; flex: 1; }
header .who { display: flex; gap: .6rem; align-items: center; margin: 0; }
header .role { font-style: normal; background: rgba(255,255,255,.2); padding: 0 .4rem; border-radius: 3px; }
main { padding: 1rem 1.2rem 3rem; }
h1 small { color: var(--muted); font-weight: normal; font-size: .7em; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem .8rem; align-items: end; background: #fff; padding: .7rem; border: 1px solid var(--line); border-radius: 4px; }
form.filters label { display: flex; flex-direction: column; font-size: .8rem; color: var(--muted); }
form.filters input, form.filters select { font: inherit; padding: .25rem .35rem; min-width: 9rem; border: 1px solid var(--line); border-radius: 3px; }
form.login { display: grid; gap: .7rem; max-width: 22rem; background: #fff; padding: 1rem; border: 1px solid var(--line); border-radius: 4px; }
form.login label { display: grid; gap: .2rem; }
input, button, select { font: inherit; }
button, a.button { background: var(--accent); color: #fff; border: 0; padding: .35rem .8rem; border-radius: 3px; cursor: pointer; text-decoration: none; display: inline-block; }
header button { background: rgba(255,255,255,.2); }
table { width: 100%; border-collapse: collapse; margin-top: 1rem; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.num, th.num { text-align: right; }
tr[data-id]:hover { background: #f0f4fa; cursor: pointer; }
.outcome { padding: 0 .4rem; border-radius: 3px; color: #fff; }
.outcome.ok { background: var(--ok); }
.outcome.fault, .outcome.error { background: var(--fault); }
.outcome.rejected { background: #8a5a00; }
.tag, .chip { background: #e7ecf3; padding: 0 .35rem; border-radius: 3px; margin-right: .3rem; }
.empty { color: var(--muted); text-align: center; }
.error { color: var(--fault); }
.notice { background: #fff4ce; padding: .4rem .6rem; border-radius: 3px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; background: #fff; padding: .7rem; border: 1px solid var(--line); border-radius: 4px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
ol.steps { padding-left: 1.4rem; }
li.step { margin: .3rem 0; background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: .3rem .5rem; }
li.step summary { cursor: pointer; }
li.step .kind { color: var(--muted); text-transform: uppercase; font-size: .75rem; }
li.step .ms { color: var(--muted); }
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; }
.pair > section { min-width: 0; }
pre { background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: .6rem; overflow: auto; max-height: 36rem; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre; }
.pager a { margin-right: 1rem; }
.actions { display: flex; gap: .6rem; align-items: center; }
form.confirm { display: grid; gap: .6rem; max-width: 40rem; }
fieldset { border: 1px solid var(--line); background: #fff; }
fieldset label { display: block; }
@media (max-width: 900px) { .pair { grid-template-columns: 1fr; } }
`;

const JS = `
// Rows open their bericht on click; the step list gets an "open all" toggle. Everything works without this.
document.addEventListener('click', function (e) {
  var row = e.target.closest && e.target.closest('tr[data-id]');
  if (row && !e.target.closest('a')) location.href = '/beheer/berichten/' + row.getAttribute('data-id');
});
document.addEventListener('DOMContentLoaded', function () {
  var steps = document.querySelector('ol.steps');
  if (!steps) return;
  var b = document.createElement('button');
  b.type = 'button';
  b.textContent = 'Alle stappen openen';
  b.className = 'toggle-steps';
  b.addEventListener('click', function () {
    var all = steps.querySelectorAll('details');
    var open = !all[0] || !all[0].open;
    all.forEach(function (d) { d.open = open; });
    b.textContent = open ? 'Alle stappen sluiten' : 'Alle stappen openen';
  });
  steps.parentNode.insertBefore(b, steps);
});
`;

export const STATIC_FILES: Record<string, { type: string; body: string }> = {
  'beheer.css': { type: 'text/css; charset=utf-8', body: CSS },
  'beheer.js': { type: 'text/javascript; charset=utf-8', body: JS },
};
