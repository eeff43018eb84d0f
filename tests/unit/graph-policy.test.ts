import { mailboxOf, retryDelayInMs } from '../../src/adapters/graph/policy';

describe('mailboxOf', () => {
  it('finds the mailbox a request is for, so concurrency is capped per mailbox', () => {
    expect(mailboxOf('http://127.0.0.1:5100/v1.0/users/Ana%40contoso.example/events?$top=1')).toBe('ana@contoso.example');
    expect(mailboxOf('https://graph.microsoft.com/v1.0/users/0f8fad5b-d9cb-469f-a165-70867728950e/calendar/getSchedule')).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(mailboxOf('https://graph.microsoft.com/v1.0/chats/19:abc/tabs')).toBeNull();
  });
});

describe('retryDelayInMs', () => {
  it('waits what Retry-After says', () => {
    expect(retryDelayInMs('3', 1, 500)).toBe(3000);
    expect(retryDelayInMs('0', 4, 500)).toBe(0);
  });
  it('backs off exponentially with jitter when the server gives no hint', () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const ceiling = 500 * 2 ** (attempt - 1);
      const delay = retryDelayInMs(null, attempt, 500);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
  it('ignores a Retry-After it cannot read', () => {
    expect(retryDelayInMs('soon', 1, 500)).toBeLessThanOrEqual(500);
  });
});
