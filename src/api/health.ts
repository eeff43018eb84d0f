import type { Request, Response } from 'express';

export interface HealthProbe {
  readonly name: 'storage' | 'graph';
  /** What a person should check when it is down: the setting and the address. */
  readonly describe: string;
  probe(options: { abortSignal: AbortSignal }): Promise<void>;
}

export interface HealthReport {
  status: 'ok' | 'unavailable';
  storage: string;
  graph: string;
}

const PROBE_TIMEOUT_IN_MS = 3000;

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}

export async function checkHealth(probes: readonly HealthProbe[]): Promise<HealthReport> {
  const results = await Promise.all(probes.map(async (probe) => {
    try {
      await probe.probe({ abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_IN_MS) });
      return [probe.name, 'ok'] as const;
    } catch (error) {
      return [probe.name, `down (${probe.describe}): ${reasonOf(error)}`] as const;
    }
  }));
  const byName = Object.fromEntries(results) as Record<HealthProbe['name'], string>;
  const allOk = results.every(([, state]) => state === 'ok');
  return { status: allOk ? 'ok' : 'unavailable', storage: byName.storage ?? 'not checked', graph: byName.graph ?? 'not checked' };
}

export function healthHandler(probes: readonly HealthProbe[]) {
  return async (_req: Request, res: Response) => {
    const report = await checkHealth(probes);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  };
}
