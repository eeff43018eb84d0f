import { createServer } from 'node:net';

/** Asks the OS for a free TCP port on 127.0.0.1 (bind to 0, read it, release it). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port the OS gave us'));
      });
    });
  });
}

/** Resolves when something accepts TCP connections on host:port, or rejects after the deadline. */
export async function waitForPort(host: string, port: number, timeoutInMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing is listening on ${host}:${port} after ${timeoutInMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
