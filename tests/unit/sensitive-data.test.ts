import { createSensitiveDataScanner } from '../../src/adapters/scanning/sensitiveDataScanner';
import { maskExcerpt, passesLuhn, redactFields, redactText } from '../../src/domain/sensitiveData';

const scanner = createSensitiveDataScanner();
const kindsIn = async (text: string, terms: string[] = []) => (await scanner.scan({ text }, terms)).map((f) => f.kind);

// A syntactically valid PEM block (random base64, not a real key): secretlint wants ≥ 100 characters of body.
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u', '+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQz', '-----END RSA PRIVATE KEY-----'].join('\n');

describe('the sensitive-data check', () => {
  it.each([
    ['an e-mail address', 'Ask dana.smith@contoso.com for the file', 'email'],
    ['an international phone number', 'Call me on +44 20 7946 0958 tomorrow', 'phone'],
    ['a national (GB) phone number', 'My mobile is 07911 123456', 'phone'],
    ['a card number that passes Luhn', 'Paid with 4539 1488 0343 6467 last week', 'payment_card'],
    ['a GitHub token', 'token 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', 'secret'],
    ['a Slack bot token', 'xoxb-123456789012-1234567890123-abcdefghijABCDEFGHIJabcd', 'secret'],
    ['a private key', `here:\n${PEM}\n`, 'private_key'],
  ])('finds %s', async (_name, text, kind) => {
    expect(await kindsIn(text)).toContain(kind);
  });

  it.each([
    ['an order number that fails Luhn', 'Order 4539 1488 0343 6468 shipped'],
    ['a year range and a version', 'From 2019-2024 we used v3.2.1 of the tool'],
    ['a short number', 'We saved 45 minutes on 12 tickets'],
    ['an at-sign that is not an address', 'Meet @ noon, cost was 3 @ £4'],
    ['a word that only contains a listed term', 'Acmeist thinking, not Acme-free'],
    ['plain prose about keys', 'I rotated the API key and stored it in the vault'],
  ])('leaves %s alone', async (_name, text) => {
    const found = await scanner.scan({ text }, ['Acme Corp', 'Globex']);
    expect(found).toEqual([]);
  });

  it('finds words from the round\'s own list, whole words, any case', async () => {
    const found = await scanner.scan({ improved: 'Drafted the GLOBEX renewal; acme corp next' }, ['Acme Corp', 'Globex']);
    expect(found.map((f) => [f.field, f.kind, f.start, f.end])).toEqual([['improved', 'round_term', 12, 18], ['improved', 'round_term', 28, 37]]);
  });

  it('shows a masked excerpt, never the whole secret', async () => {
    const [found] = await scanner.scan({ content: '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' }, []);
    expect(found?.excerpt).not.toContain('wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx');
    expect(maskExcerpt('abc')).toBe('•••');
  });

  it('redacts every finding with a placeholder and keeps the rest', async () => {
    const fields = { a: 'Mail dana@contoso.com or call +44 20 7946 0958.', b: 'nothing here' };
    const found = await scanner.scan(fields, []);
    expect(redactFields(fields, found)).toEqual({ a: 'Mail [redacted e-mail address] or call [redacted phone number].', b: 'nothing here' });
    expect(redactText('abcdef', [{ start: 1, end: 4, kind: 'email', label: 'x' }, { start: 2, end: 5, kind: 'email', label: 'y' }])).toBe('a[redacted x]f');
  });

  it.each([
    ['a number in brackets', 'contact (+91 98300 12345) says', 'contact ([redacted phone number]) says'],
    ['a national number with its area code in brackets', 'call (020) 7946 0958 today', 'call [redacted phone number] today'],
    ['a number in brackets with an area code in brackets', 'desk ((020) 7946 0958) now', 'desk ([redacted phone number]) now'],
  ])('keeps the brackets around %s', async (_name, text, redacted) => {
    const found = await scanner.scan({ text }, []);
    expect(found.map((f) => f.kind)).toEqual(['phone']);
    expect(redactFields({ text }, found)).toEqual({ text: redacted });
  });

  it('checks Luhn', () => {
    expect(passesLuhn('4539148803436467')).toBe(true);
    expect(passesLuhn('4539148803436468')).toBe(false);
    expect(passesLuhn('12')).toBe(false);
  });
});
