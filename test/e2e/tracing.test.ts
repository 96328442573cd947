/**
 * OpenTelemetry: a span per bericht with its operation, zender and identificaties, a child span per backend
 * call, an incoming traceparent honoured; exported to an in-memory exporter, and over OTLP/HTTP to a local
 * receiver on 127.0.0.1 when the standard OTEL_* variables say so. Off without them.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { recordStep } from '../../src/observability/steps.js';
import { startTracing, tracingWanted } from '../../src/observability/tracing.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const PARENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  let srv: TestServer;
  before(async () => {
    srv = await startServer({}, { tracing: { exporter } });
  });
  after(async () => {
    await srv.close();
  });

  it('is off unless an OTLP endpoint or exporter is configured', async () => {
    assert.equal(tracingWanted({}), false);
    assert.equal(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }), true);
    assert.equal(tracingWanted({ OTEL_TRACES_EXPORTER: 'otlp' }), true);
    assert.equal(tracingWanted({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }), false);
    assert.equal(tracingWanted({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }), false);
    assert.equal(await startTracing({}), undefined);
    const plain = await startServer();
    try {
      assert.equal(plain.zp.tracing, undefined);
    } finally {
      await plain.close();
    }
  });

  it('makes one span per bericht, a child of the incoming traceparent, with a child span per backend call', async () => {
    exporter.reset();
    const store = srv.zp.backend.store;
    const original = store.getZaak.bind(store);
    // A test double of a backend call, recorded the way the ZGW backend records its HTTP calls.
    store.getZaak = async (id: string) => {
      recordStep({ kind: 'zgw', name: 'GET zaken /zaken', method: 'GET', url: 'http://zgw.test/zaken/api/v1/zaken', status: 200, startedAt: Date.now(), durationMs: 2 });
      return original(id);
    };
    try {
      const res = await fetch(`${srv.url}/zds`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-01` },
        body: envelope(m.geefZaakdetails('12342026T000001', '1.2')),
      });
      const text = await res.text();
      await assertSoapResponseValid(text);
    } finally {
      store.getZaak = original;
    }
    const spans = exporter.getFinishedSpans();
    const bericht = spans.find((s) => s.name === 'zds geefZaakdetails_ZakLv01');
    assert.ok(bericht, `spans: ${spans.map((s) => s.name).join(', ')}`);
    assert.equal(bericht.spanContext().traceId, PARENT_TRACE);
    assert.equal(bericht.parentSpanContext?.spanId, PARENT_SPAN);
    assert.equal(bericht.attributes['zaakpoort.operation'], 'geefZaakdetails_ZakLv01');
    assert.equal(bericht.attributes['zaakpoort.zender'], '1234/SHV');
    assert.equal(bericht.attributes['zaakpoort.zaak.identificatie'], '12342026T000001');
    assert.equal(bericht.attributes['zaakpoort.outcome'], 'fault');
    assert.equal(bericht.attributes['zaakpoort.foutcode'], 'StUF064');
    const child = spans.find((s) => s.name === 'GET zaken /zaken');
    assert.ok(child);
    assert.equal(child.parentSpanContext?.spanId, bericht.spanContext().spanId);
    assert.equal(child.attributes['http.response.status_code'], 200);
    const sql = spans.find((x) => x.name === 'sqlite getZaak');
    assert.ok(sql, 'the SQL backend read is a child span too');
    assert.equal(sql.parentSpanContext?.spanId, bericht.spanContext().spanId);
  });

  it('starts a new trace without traceparent', async () => {
    exporter.reset();
    await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')));
    const span = exporter.getFinishedSpans().find((x) => x.name === 'zds genereerZaakIdentificatie_Di02');
    assert.ok(span);
    assert.notEqual(span.spanContext().traceId, PARENT_TRACE);
    assert.equal(span.parentSpanContext, undefined);
  });
});

describe('tracing over OTLP/HTTP', () => {
  it('exports to the endpoint OTEL_EXPORTER_OTLP_TRACES_ENDPOINT names', async () => {
    const bodies: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        bodies.push(`${req.url} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const addr = receiver.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const saved = { ...process.env };
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `http://127.0.0.1:${port}/v1/traces`;
    process.env.OTEL_SERVICE_NAME = 'zaakpoort-test';
    let srv: TestServer | undefined;
    try {
      srv = await startServer();
      assert.ok(srv.zp.tracing, 'tracing on by the environment');
      await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')));
      await srv.zp.tracing.forceFlush();
      assert.equal(bodies.length, 1);
      assert.match(bodies[0]!, /^\/v1\/traces /);
      assert.match(bodies[0]!, /zds genereerZaakIdentificatie_Di02/);
      assert.match(bodies[0]!, /zaakpoort-test/);
    } finally {
      process.env = saved;
      await srv?.close();
      await new Promise((r) => receiver.close(r));
    }
  });
});
