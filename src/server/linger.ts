/**
 * Closing a connection whose request body Zaakpoort answered before reading it to the end (too large, not SOAP,
 * refused credentials, a fault found early). Node destroys such a socket as soon as the answer is flushed; what
 * the client still sends then meets a closed socket, the kernel answers with a reset, and a reset may discard
 * the answer from the client's receive buffer before the client has read it: it sees ECONNRESET instead of the
 * StUF fault. A lingering close avoids that: send the answer and a FIN, keep reading (and discarding) what still
 * arrives until the client closes its side, for at most LINGER_MS, then destroy.
 */
import type { Socket } from 'node:net';
import type { FastifyReply } from 'fastify';

const LINGER_MS = 2_000;

/** Answer with `Connection: close` and close the connection gently after the answer (see above). */
export function closeAfterAnswer(reply: FastifyReply): void {
  reply.header('connection', 'close');
  const socket = reply.raw.socket;
  // Node's HTTP server ends a `Connection: close` exchange with socket.destroySoon(): linger instead.
  if (socket) socket.destroySoon = () => lingeringClose(socket);
}

function lingeringClose(socket: Socket): void {
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  // Once the client has closed its side, destroy as soon as the answer is flushed (never before: that drops it).
  const destroyWhenFlushed = () => (socket.writableFinished ? socket.destroy() : socket.once('finish', () => socket.destroy()));
  if (socket.readableEnded) destroyWhenFlushed();
  else socket.once('end', destroyWhenFlushed);
  socket.end();
  socket.resume();
}
