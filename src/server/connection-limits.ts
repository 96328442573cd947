/**
 * Connection limits against idle or half-sent connections (each one holds a file descriptor): at most
 * `maxConnections` in total (Node closes any beyond at once) and at most `maxConnectionsPerAddress` from one
 * client address (closed here, before a byte is read), so one client cannot take every descriptor, and the
 * well-behaved ones keep being served. The header, request and keep-alive timeouts free the rest in time.
 */
import type { Server } from 'node:net';
import type { Config } from '../config.js';

export function limitConnections(server: Server, config: Pick<Config, 'maxConnections' | 'maxConnectionsPerAddress'>, onRefused?: (address: string) => void): void {
  server.maxConnections = config.maxConnections;
  const open = new Map<string, number>();
  // Ahead of the HTTP (and TLS) handling, so a refused socket is never parsed.
  server.prependListener('connection', (socket) => {
    const address = socket.remoteAddress ?? '';
    const n = (open.get(address) ?? 0) + 1;
    if (n > config.maxConnectionsPerAddress) {
      onRefused?.(address);
      socket.destroy();
      return;
    }
    open.set(address, n);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
