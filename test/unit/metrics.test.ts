/** The prom-client metrics: labels from requests and backend steps, the ZGW API from the URL, capped label values. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metrics } from '../../src/server/metrics.js';

describe('metrics', () => {
  it('counts backend calls per kind, operation, ZGW API and status', async () => {
    const m = new Metrics();
    m.recordStep({ kind: 'zgw', name: 'POST zaken', method: 'POST', url: 'http://oz.test/zaken/api/v1/zaken', status: 201, startedAt: 0, durationMs: 12 });
    m.recordStep({ kind: 'zgw', name: 'GET enkelvoudiginformatieobjecten', url: 'http://oz.test/documenten/api/v1/enkelvoudiginformatieobjecten?x=1', status: 200, startedAt: 0, durationMs: 3 });
    m.recordStep({ kind: 'sql', name: 'sqlite transaction', startedAt: 0, durationMs: 1, error: 'SqliteError' });
    const text = await m.render();
    assert.match(text, /zaakpoort_backend_calls_total\{kind="zgw",operation="POST zaken",api="zaken",status="201"\} 1/);
    assert.match(text, /zaakpoort_backend_calls_total\{kind="zgw",operation="GET enkelvoudiginformatieobjecten",api="documenten",status="200"\} 1/);
    assert.match(text, /zaakpoort_backend_calls_total\{kind="sql",operation="sqlite transaction",api="",status="error"\} 1/);
    assert.match(text, /zaakpoort_backend_call_duration_seconds_sum\{kind="zgw",operation="POST zaken",api="zaken",status="201"\} 0\.012/);
  });

  it('caps operation labels from client input and counts document bytes', async () => {
    const m = new Metrics();
    for (let i = 0; i < 150; i++) m.record({ operation: `op${i}`, outcome: 'ok', code: '', seconds: 0.01 });
    m.record({ operation: 'not a name!', outcome: 'fault', code: 'StUF055', seconds: 0.01 });
    m.record({ operation: 'op1', outcome: 'fault', code: '<script>', seconds: 0.01 });
    m.documents('in', 1000);
    m.documents('out', 250);
    const text = await m.render();
    assert.match(text, /zaakpoort_requests_total\{operation="op99",outcome="ok",code=""\} 1/);
    assert.match(text, /zaakpoort_requests_total\{operation="other",outcome="ok",code=""\} 50/);
    assert.match(text, /zaakpoort_requests_total\{operation="unknown",outcome="fault",code="StUF055"\} 1/);
    assert.match(text, /zaakpoort_requests_total\{operation="op1",outcome="fault",code="other"\} 1/);
    assert.match(text, /zaakpoort_document_bytes_total\{direction="in"\} 1000/);
    assert.match(text, /zaakpoort_document_bytes_total\{direction="out"\} 250/);
  });
});
