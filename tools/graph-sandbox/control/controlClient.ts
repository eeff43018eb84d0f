import type { InjectFaultsOptions, RemoteSandboxControl, SandboxRequestRecord, ActivityNotificationRecord } from './sandboxControl';

/** Controls a Graph sandbox running elsewhere (e.g. `npm run graph-sandbox`) through /_sandbox. */
export function connectSandboxControl(sandboxUrl: string): RemoteSandboxControl {
  const base = `${sandboxUrl.replace(/\/$/, '')}/_sandbox`;
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`Graph sandbox control ${method} ${path} failed: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };
  // The sandbox is ours: its control answers are trusted to have the documented shapes.
  return {
    health: async () => (await call('GET', '/health')) as { status: 'ok' },
    injectFaults: async (options: InjectFaultsOptions) => { await call('POST', '/faults', options); },
    requests: async () => (await call('GET', '/requests')) as SandboxRequestRecord[],
    invalidRequests: async () => (await call('GET', '/requests/invalid')) as SandboxRequestRecord[],
    reset: async () => { await call('POST', '/reset'); },
    events: async (mailbox: string) => (await call('GET', `/mailboxes/${encodeURIComponent(mailbox)}/events`)) as Record<string, unknown>[],
    setServiceTime: async (serviceTimeInMs: number) => { await call('PUT', '/service-time', { serviceTimeInMs }); },
    activityNotifications: async (mailbox?: string) =>
      (await call('GET', `/activity-notifications${mailbox ? `?mailbox=${encodeURIComponent(mailbox)}` : ''}`)) as ActivityNotificationRecord[],
  };
}
