import { IANAZone } from 'luxon';
import { findIana } from 'windows-iana';

/**
 * windows-iana gives CLDR's ids first, and CLDR keeps some names IANA has since renamed
 * ("India Standard Time" → Asia/Calcutta); the rest of the app (and people's profiles) use the current ones.
 * The complete list for CLDR's Windows zones, from tzdata's links.
 */
const CURRENT_IANA_NAME: Readonly<Record<string, string>> = {
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Godthab': 'America/Nuuk',
  'Europe/Kiev': 'Europe/Kyiv',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
};

/** Outlook stores Windows zone names ("GMT Standard Time"); the app works in current IANA names ("Europe/London"). Either is accepted; null when unknown. */
export function ianaZoneOf(zone: string): string | null {
  const known = resolvedZones.get(zone);
  if (known !== undefined) return known;
  const resolved = resolveZone(zone);
  // A tenant has a few dozen zone names; every booking and free/busy answer names one, and resolving it builds formatters.
  if (resolvedZones.size < 1_000) resolvedZones.set(zone, resolved);
  return resolved;
}

const resolvedZones = new Map<string, string | null>();

function resolveZone(zone: string): string | null {
  const cldr = zone.includes('/') ? zone : findIana(zone)[0] ?? null;
  if (cldr === null) return null;
  const renamed = CURRENT_IANA_NAME[cldr];
  // An ICU older than the rename knows only the CLDR name.
  return renamed !== undefined && IANAZone.isValidZone(renamed) ? renamed : cldr;
}
