/**
 * Request counters and durations in Prometheus text format. Deliberately tiny (no client library): one
 * counter and one histogram, labelled by operation (the Body's root element) and outcome.
 */

/** ok = normal answer; fault = SOAP Fault with a StUF code; rejected = refused before dispatch (415/413). */
export type Outcome = 'ok' | 'fault' | 'rejected' | 'error';

export interface RequestSample {
  operation: string;
  outcome: Outcome;
  /** StUF foutcode of a fault, '' otherwise. */
  code: string;
  seconds: number;
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Caps label cardinality: operation names come from client input. */
const MAX_OPERATIONS = 100;
const NAME_RE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const CODE_RE = /^StUF\d{3}$/;

interface Series {
  count: number;
  sum: number;
  buckets: number[];
}

export class Metrics {
  private readonly counts = new Map<string, number>();
  private readonly durations = new Map<string, Series>();
  private readonly operations = new Set<string>();

  record(sample: RequestSample): void {
    const operation = this.operationLabel(sample.operation);
    const code = CODE_RE.test(sample.code) ? sample.code : sample.code ? 'other' : '';
    const key = `operation="${operation}",outcome="${sample.outcome}",code="${code}"`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    const dkey = `operation="${operation}"`;
    let s = this.durations.get(dkey);
    if (!s) {
      s = { count: 0, sum: 0, buckets: BUCKETS.map(() => 0) };
      this.durations.set(dkey, s);
    }
    s.count++;
    s.sum += sample.seconds;
    for (let i = 0; i < BUCKETS.length; i++) if (sample.seconds <= BUCKETS[i]!) s.buckets[i]!++;
  }

  render(): string {
    const out: string[] = [
      '# HELP zaakpoort_requests_total SOAP requests handled, by operation, outcome and StUF foutcode.',
      '# TYPE zaakpoort_requests_total counter',
    ];
    for (const [k, v] of this.counts) out.push(`zaakpoort_requests_total{${k}} ${v}`);
    out.push(
      '# HELP zaakpoort_request_duration_seconds Time from request start to the end of the answer.',
      '# TYPE zaakpoort_request_duration_seconds histogram',
    );
    for (const [k, s] of this.durations) {
      BUCKETS.forEach((le, i) => out.push(`zaakpoort_request_duration_seconds_bucket{${k},le="${le}"} ${s.buckets[i]}`));
      out.push(`zaakpoort_request_duration_seconds_bucket{${k},le="+Inf"} ${s.count}`);
      out.push(`zaakpoort_request_duration_seconds_sum{${k}} ${s.sum}`);
      out.push(`zaakpoort_request_duration_seconds_count{${k}} ${s.count}`);
    }
    return out.join('\n') + '\n';
  }

  private operationLabel(name: string): string {
    if (!NAME_RE.test(name)) return 'unknown';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATIONS) return 'other';
    this.operations.add(name);
    return name;
  }
}

/** The StUF foutcode inside a fault's Fo0xBericht (for the metrics label only). */
export function faultCode(detailXml: string): string {
  return /<(?:[\w.-]+:)?code>\s*([^<\s]{1,16})\s*</.exec(detailXml)?.[1] ?? '';
}
