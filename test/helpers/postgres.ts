/** Test databases: find a reachable PostgreSQL, name per-run schemas, drop them afterwards. */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Whether a PostgreSQL server answers at this URL within a second. */
export async function isReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The test database URL when a database answers within a second, else undefined. */
export async function findTestDatabase(): Promise<string | undefined> {
  const url = process.env.ZAAKPOORT_TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  return (await isReachable(url)) ? url : undefined;
}

const RUN = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;

/** zp_test_<run>_<suffix>: unique per test process, so test files can run side by side. */
export function testSchemaName(suffix: string): string {
  return `zp_test_${RUN}_${suffix.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
}

export async function dropSchemas(url: string, schemas: Iterable<string>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Records the text of every statement any pg client in this process sends until stop() (tests that count
 * round trips). A test double around the real driver: the statements still go to the database.
 */
export function recordStatements(): { sent: string[]; stop(): void } {
  const sent: string[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const q = args[0] as string | { text?: string };
    sent.push((typeof q === 'string' ? q : q.text ?? '').trim().replace(/\s+/g, ' '));
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  return { sent, stop: () => void (pg.Client.prototype.query = query) };
}

/** A TCP relay in front of PostgreSQL that the test can cut and restore, to play "the database went away". */
export class CuttableProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => this.sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server!.address() as net.AddressInfo).port;
  }

  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

export function withPort(u: string, port: number): string {
  const parsed = new URL(u);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString();
}
