import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

/**
 * Draws the two Teams app icons (appPackage/color.png and appPackage/outline.png) from code, so they can be
 * regenerated after a colour or shape change: `npx tsx tools/icons.ts`.
 *
 * The mark is a "practice loop": a clockwise circular arrow around a small dot (the friction point you keep
 * coming back to). Teams rules: color.png is 192×192 full colour; outline.png is 32×32 and may hold only
 * white and transparent pixels (partial alpha is allowed, other colours are not).
 */

/** The manifest's accentColor; the colour icon's background uses the same value so the two match in Teams. */
export const ACCENT_COLOR = '#3B5BDB';

export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;

interface Rgb { r: number; g: number; b: number }

/** Geometry in units of the icon's width (0..1), so one description serves both sizes. */
interface LoopGlyph {
  ringRadius: number;
  strokeWidth: number;
  dotRadius: number;
  /** Arc start and end in degrees, measured clockwise from 3 o'clock (image y points down). */
  arcStartDeg: number;
  arcEndDeg: number;
  arrowHalfWidth: number;
  arrowLength: number;
}

// The colour icon keeps the glyph inside the middle ~60% (Teams crops and rounds the tile);
// the outline icon is tiny, so its strokes are relatively thicker to stay legible at 32 px.
const COLOR_GLYPH: LoopGlyph = { ringRadius: 0.25, strokeWidth: 0.075, dotRadius: 0.055, arcStartDeg: -20, arcEndDeg: 255, arrowHalfWidth: 0.085, arrowLength: 0.1 };
const OUTLINE_GLYPH: LoopGlyph = { ringRadius: 0.3, strokeWidth: 0.115, dotRadius: 0.085, arcStartDeg: -20, arcEndDeg: 255, arrowHalfWidth: 0.13, arrowLength: 0.15 };

const SAMPLES_PER_AXIS = 4; // 4×4 supersampling gives smooth (anti-aliased) edges without a vector renderer

type Shape = (x: number, y: number) => boolean;

function parseHexColor(hex: string): Rgb {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`Expected a colour like #3B5BDB, got "${hex}"`);
  const [, r, g, b] = match;
  return { r: parseInt(r ?? '0', 16), g: parseInt(g ?? '0', 16), b: parseInt(b ?? '0', 16) };
}

const toRadians = (deg: number) => (deg * Math.PI) / 180;

/** Angle of (dx, dy) in degrees, clockwise from 3 o'clock, normalised to [start, start + 360). */
function angleFrom(start: number, dx: number, dy: number): number {
  const deg = (Math.atan2(dy, dx) * 180) / Math.PI;
  return ((((deg - start) % 360) + 360) % 360) + start;
}

function insideTriangle(px: number, py: number, a: [number, number], b: [number, number], c: [number, number]): boolean {
  const side = (p: [number, number], q: [number, number]) => (q[0] - p[0]) * (py - p[1]) - (q[1] - p[1]) * (px - p[0]);
  const d1 = side(a, b);
  const d2 = side(b, c);
  const d3 = side(c, a);
  const hasNegative = d1 < 0 || d2 < 0 || d3 < 0;
  const hasPositive = d1 > 0 || d2 > 0 || d3 > 0;
  return !(hasNegative && hasPositive);
}

/** The loop: an arc with a round tail, an arrowhead at the clockwise end, and a dot in the middle. */
function loopGlyphShape(glyph: LoopGlyph): Shape {
  const centre = 0.5;
  const half = glyph.strokeWidth / 2;
  const pointOnRing = (deg: number): [number, number] => [centre + glyph.ringRadius * Math.cos(toRadians(deg)), centre + glyph.ringRadius * Math.sin(toRadians(deg))];
  const [tailX, tailY] = pointOnRing(glyph.arcStartDeg);
  const [headX, headY] = pointOnRing(glyph.arcEndDeg);
  // Direction of travel at the head (clockwise tangent) and the outward radial direction there.
  const tangent: [number, number] = [-Math.sin(toRadians(glyph.arcEndDeg)), Math.cos(toRadians(glyph.arcEndDeg))];
  const radial: [number, number] = [Math.cos(toRadians(glyph.arcEndDeg)), Math.sin(toRadians(glyph.arcEndDeg))];
  const arrowTip: [number, number] = [headX + tangent[0] * glyph.arrowLength, headY + tangent[1] * glyph.arrowLength];
  const arrowOuter: [number, number] = [headX + radial[0] * glyph.arrowHalfWidth, headY + radial[1] * glyph.arrowHalfWidth];
  const arrowInner: [number, number] = [headX - radial[0] * glyph.arrowHalfWidth, headY - radial[1] * glyph.arrowHalfWidth];

  return (x, y) => {
    const dx = x - centre;
    const dy = y - centre;
    const distance = Math.hypot(dx, dy);
    const onArc = Math.abs(distance - glyph.ringRadius) <= half && angleFrom(glyph.arcStartDeg, dx, dy) <= glyph.arcEndDeg;
    const onTail = Math.hypot(x - tailX, y - tailY) <= half;
    const onArrow = insideTriangle(x, y, arrowTip, arrowOuter, arrowInner);
    const onDot = distance <= glyph.dotRadius;
    return onArc || onTail || onArrow || onDot;
  };
}

function roundedSquareShape(cornerRadius: number): Shape {
  return (x, y) => {
    const nearestX = Math.min(Math.max(x, cornerRadius), 1 - cornerRadius);
    const nearestY = Math.min(Math.max(y, cornerRadius), 1 - cornerRadius);
    return Math.hypot(x - nearestX, y - nearestY) <= cornerRadius;
  };
}

/** Fraction (0..1) of a pixel covered by a shape, by sampling a grid of points inside it. */
function coverage(shape: Shape, px: number, py: number, size: number): number {
  let hits = 0;
  for (let sy = 0; sy < SAMPLES_PER_AXIS; sy++) {
    for (let sx = 0; sx < SAMPLES_PER_AXIS; sx++) {
      const x = (px + (sx + 0.5) / SAMPLES_PER_AXIS) / size;
      const y = (py + (sy + 0.5) / SAMPLES_PER_AXIS) / size;
      if (shape(x, y)) hits++;
    }
  }
  return hits / (SAMPLES_PER_AXIS * SAMPLES_PER_AXIS);
}

function setPixel(png: PNG, x: number, y: number, color: Rgb, alpha: number): void {
  const offset = (y * png.width + x) * 4;
  png.data[offset] = color.r;
  png.data[offset + 1] = color.g;
  png.data[offset + 2] = color.b;
  png.data[offset + 3] = Math.round(alpha * 255);
}

const WHITE: Rgb = { r: 255, g: 255, b: 255 };

/** 192×192: the accent-coloured rounded tile with the white loop on it. */
export function renderColorIcon(accentColor: string = ACCENT_COLOR): PNG {
  const size = COLOR_ICON_SIZE;
  const accent = parseHexColor(accentColor);
  const tile = roundedSquareShape(0.18);
  const glyph = loopGlyphShape(COLOR_GLYPH);
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const tileAlpha = coverage(tile, x, y, size);
      const glyphShare = coverage(glyph, x, y, size);
      // White glyph blended over the accent tile; the glyph never reaches the rounded corners.
      const mix = (channel: keyof Rgb) => Math.round(accent[channel] * (1 - glyphShare) + WHITE[channel] * glyphShare);
      setPixel(png, x, y, { r: mix('r'), g: mix('g'), b: mix('b') }, tileAlpha);
    }
  }
  return png;
}

/** 32×32: the loop alone, white on transparent (every pixel is white; only alpha varies). */
export function renderOutlineIcon(): PNG {
  const size = OUTLINE_ICON_SIZE;
  const glyph = loopGlyphShape(OUTLINE_GLYPH);
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) setPixel(png, x, y, WHITE, coverage(glyph, x, y, size));
  }
  return png;
}

export function writeIcons(appPackageDir: string): { colorPath: string; outlinePath: string } {
  mkdirSync(appPackageDir, { recursive: true });
  const colorPath = join(appPackageDir, 'color.png');
  const outlinePath = join(appPackageDir, 'outline.png');
  writeFileSync(colorPath, PNG.sync.write(renderColorIcon()));
  writeFileSync(outlinePath, PNG.sync.write(renderOutlineIcon()));
  return { colorPath, outlinePath };
}

if (require.main === module) {
  const { colorPath, outlinePath } = writeIcons(join(__dirname, '..', 'appPackage'));
  console.log(`Wrote ${colorPath} and ${outlinePath}`);
}
