import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../tools/free-port';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs `tsx src/server.ts` with exactly this environment (plus PATH) and collects how it ended. */
function runServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, ['src/server.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => { clearTimeout(timer); resolve({ code, stderr }); });
  });
}

describe('the service process', () => {
  it('exits non-zero with one line per invalid setting', async () => {
    const { code, stderr } = await runServer({ PORT: 'eighty', AUTH_MODE: 'sometimes', GRAPH_BASE_URL: 'http://127.0.0.1:1' });
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid configuration:');
    expect(stderr).toMatch(/- PORT must be a port number/);
    expect(stderr).toMatch(/- AUTH_MODE /);
  });

  it('exits non-zero with one clear line when storage and Graph are unreachable', async () => {
    const dead = await freePort();
    const { code, stderr } = await runServer({
      PORT: '0', HOST: '127.0.0.1', GRAPH_BASE_URL: `http://127.0.0.1:${dead}`,
      STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0;TableEndpoint=http://127.0.0.1:${dead}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${dead}/devstoreaccount1;`,
    });
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Cannot start: down \\(STORAGE_CONNECTION_STRING → http://127\\.0\\.0\\.1:${dead}/devstoreaccount1\\).*; down \\(GRAPH_BASE_URL → http://127\\.0\\.0\\.1:${dead}\\)`));
    expect(stderr).not.toContain('c2VjcmV0');
  });
});
