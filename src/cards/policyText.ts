/**
 * A policy as card lines: one TextBlock per non-empty line (so line breaks survive every host), with
 * more space after a blank line. A short line with no closing punctuation reads as a heading and is
 * bold; "- " lines render as list items through the host's markdown.
 */
export interface PolicyLine {
  readonly text: string;
  readonly spacing: 'Small' | 'Medium';
  readonly weight: 'Default' | 'Bolder';
}

function looksLikeHeading(line: string): boolean {
  return !line.startsWith('- ') && [...line].length <= 80 && !/[.,;:!?)]$/.test(line);
}

export function policyLines(text: string): PolicyLine[] {
  const lines: PolicyLine[] = [];
  let afterBlank = false;
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    if (line.trim() === '') {
      afterBlank = lines.length > 0;
      continue;
    }
    lines.push({ text: line, spacing: afterBlank ? 'Medium' : 'Small', weight: looksLikeHeading(line.trim()) ? 'Bolder' : 'Default' });
    afterBlank = false;
  }
  return lines;
}
