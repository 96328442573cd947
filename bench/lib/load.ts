/**
 * The load generator: an in-process HTTP client (node:http with a keep-alive agent, one socket per virtual
 * client) in the bench process, while the server under test runs in its own process. `concurrency` virtual
 * clients each send the next request as soon as the previous answer is complete, for `seconds`.
 */
import http from 'node:http';
import { percentile } from './table.js';

export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
}

export interface LoadSpec {
  url: string;
  concurrency: number;
  seconds: number;
  /** The body of request number i (unique identificaties etc.). */
  body: (i: number) => string;
  headers?: Record<string, string>;
  /** Whether an answer counts as a success (default: HTTP 200). */
  ok?: (status: number, text: string) => boolean;
}

/** POST a SOAP 1.1 body; `localAddress` picks the client address (another loopback address per simulated client). */
export function post(
  agent: http.Agent | false,
  url: URL,
  body: string,
  headers: Record<string, string>,
  localAddress?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        ...(localAddress ? { localAddress } : {}),
        headers: { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const url = new URL(spec.url);
  const ok = spec.ok ?? ((s) => s === 200);
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + spec.seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const body = spec.body(next++);
      const t0 = performance.now();
      try {
        const res = await post(agent, url, body, spec.headers ?? {});
        if (!ok(res.status, res.text)) {
          errors++;
          firstError ??= `${res.status}: ${res.text.slice(0, 400)}`;
          continue;
        }
      } catch (e) {
        errors++;
        firstError ??= String(e);
        continue;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  if (errors > 0 && latencies.length === 0) throw new Error(`every request failed; first: ${firstError}`);
  if (errors > 0) console.error(`  ${errors} failed requests; first: ${firstError}`);
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, errors, rps: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}
