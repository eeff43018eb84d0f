import { lintSource } from '@secretlint/core';
import { creator as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';
import { findPhoneNumbersInText } from 'libphonenumber-js';
import { maskExcerpt, passesLuhn, SENSITIVE_LABELS, type SensitiveFinding, type SensitiveKind } from '../../domain/sensitiveData';
import type { SensitiveDataScanner } from '../../ports/sensitiveDataScanner';

/*
 * The safe-use check, from maintained detectors where one exists:
 *  - API keys, tokens and private keys: secretlint's recommended preset (AWS, GCP, GitHub, Slack, npm, OpenAI,
 *    Anthropic, SendGrid, private keys, basic-auth URLs …), run in memory on each field.
 *  - Phone numbers: libphonenumber-js `findPhoneNumbersInText` (international numbers, and numbers in the
 *    default region's national format), which rejects digit runs that are not valid numbers.
 *  - Payment cards: 13–19 digits (spaces or dashes between groups) that pass the Luhn check, so order and
 *    ticket numbers rarely match.
 *  - E-mail addresses: one pattern (the only hand-written one; RFC 5322 in full would accept more noise).
 *  - The round's own words (client names): whole-word, case-insensitive.
 * @secretlint/* is ESM-only: Node 20.20 loads it through require(esm); Jest transforms it with @swc/jest
 * (see transformIgnorePatterns in jest.config.js).
 */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;

const SECRETLINT_CONFIG = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommendedRules }] };

function finding(field: string, kind: SensitiveKind, text: string, start: number, end: number): SensitiveFinding {
  return { field, kind, label: SENSITIVE_LABELS[kind], excerpt: maskExcerpt(text.slice(start, end)), start, end };
}

async function secrets(field: string, text: string): Promise<SensitiveFinding[]> {
  const result = await lintSource({
    source: { content: text, filePath: `/${field}.txt`, contentType: 'text' },
    options: { config: SECRETLINT_CONFIG, maskSecrets: true, noPhysicFilePath: true },
  });
  return result.messages.map((message) => {
    const [start, end] = message.range;
    const isKey = /private.?key/i.test(`${message.ruleId} ${message.messageId}`);
    return finding(field, isKey ? 'private_key' : 'secret', text, start, end);
  });
}

const count = (text: string, char: string): number => text.split(char).length - 1;

/**
 * libphonenumber's match may start on the bracket that opens the sentence's aside: in "contact (+91 98300 12345) says"
 * it spans "(+91 98300 12345)" without its ")", and redacting it ate the "(". A bracket at either end that
 * has no partner inside the match belongs to the prose, so it stays out; "(020) 7946 0958" keeps its area code's pair.
 */
function withoutUnpairedBrackets(text: string, start: number, end: number): { start: number; end: number } {
  let from = start;
  let to = end;
  for (;;) {
    const matched = text.slice(from, to);
    if (matched.startsWith('(') && count(matched, '(') > count(matched, ')')) from += 1;
    else if (matched.endsWith(')') && count(matched, ')') > count(matched, '(')) to -= 1;
    else break;
    while (from < to && /\s/.test(text[from]!)) from += 1;
    while (to > from && /\s/.test(text[to - 1]!)) to -= 1;
  }
  return { start: from, end: to };
}

function phones(field: string, text: string, defaultCountry: Parameters<typeof findPhoneNumbersInText>[1]): SensitiveFinding[] {
  return findPhoneNumbersInText(text, defaultCountry).map((match) => {
    const { start, end } = withoutUnpairedBrackets(text, match.startsAt, match.endsAt);
    return finding(field, 'phone', text, start, end);
  });
}

function cards(field: string, text: string): SensitiveFinding[] {
  const out: SensitiveFinding[] = [];
  for (const match of text.matchAll(CARD_CANDIDATE)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && passesLuhn(digits)) out.push(finding(field, 'payment_card', text, match.index, match.index + match[0].length));
  }
  return out;
}

function emails(field: string, text: string): SensitiveFinding[] {
  return [...text.matchAll(EMAIL)].map((match) => finding(field, 'email', text, match.index, match.index + match[0].length));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function terms(field: string, text: string, words: readonly string[]): SensitiveFinding[] {
  const out: SensitiveFinding[] = [];
  for (const word of words) {
    const trimmed = word.trim();
    if (trimmed.length < 2) continue;
    // Whole words (letters and digits in any script), case-insensitive: "Acme" finds "ACME Ltd", not "Acmeist".
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(trimmed)}(?![\\p{L}\\p{N}])`, 'giu');
    for (const match of text.matchAll(pattern)) out.push(finding(field, 'round_term', text, match.index, match.index + match[0].length));
  }
  return out;
}

/** A card number is also a run of digits libphonenumber may read as a phone number: the more specific finding wins. */
function withoutShadowed(findings: SensitiveFinding[]): SensitiveFinding[] {
  const strong = findings.filter((f) => f.kind !== 'phone');
  return findings.filter((f) => f.kind !== 'phone' || !strong.some((s) => s.field === f.field && s.start < f.end && f.start < s.end));
}

export function createSensitiveDataScanner(options: { defaultCountry?: string } = {}): SensitiveDataScanner {
  const country = (options.defaultCountry ?? 'GB') as Parameters<typeof findPhoneNumbersInText>[1];
  return {
    async scan(fields, roundTerms) {
      const all: SensitiveFinding[] = [];
      for (const [field, text] of Object.entries(fields)) {
        if (!text) continue;
        all.push(...await secrets(field, text), ...cards(field, text), ...phones(field, text, country), ...emails(field, text), ...terms(field, text, roundTerms));
      }
      return withoutShadowed(all).sort((a, b) => a.field.localeCompare(b.field) || a.start - b.start);
    },
  };
}
