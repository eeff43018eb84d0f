import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import type { JSONSchemaType } from 'ajv';
import type { Archiver, ZipOptions } from 'archiver';
import { PNG } from 'pngjs';
import { z } from 'zod';
import archiverPackage = require('archiver');
import { COLOR_ICON_SIZE, OUTLINE_ICON_SIZE } from './icons';
import { parse as parseDotenv } from 'dotenv';

/**
 * Builds the Teams app package for one environment, offline:
 *   npm run package -- --env dev      (default env: local)
 *
 * 1. reads env/.env.<env> (then env/.env.<env>.user, then process.env: later sources win),
 * 2. fills every ${{NAME}} in appPackage/manifest.json, naming any placeholder left without a value,
 * 3. validates the filled manifest against the Teams schema bundled in @microsoft/app-manifest (no network),
 * 4. checks the icons (sizes; outline only white/transparent),
 * 5. writes build/appPackage/manifest.<env>.json and build/appPackage/appPackage.<env>.zip.
 *
 * The output matches what the Agents Toolkit's teamsApp/zipAppPackage produces, so a package can be built
 * and checked in CI without a toolkit login.
 */

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Names that may legitimately be empty: a production environment has no name suffix. */
const MAY_BE_EMPTY = ['APP_NAME_SUFFIX'] as const;

/** ZIP entries carry this date so that the same inputs give a byte-identical package. */
const FIXED_ZIP_DATE = new Date('2020-01-01T00:00:00Z');

export class PackageAppError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The app package was not built:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'PackageAppError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Placeholders and env files (pure)

export function placeholderNames(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))].sort();
}

export interface FillPlaceholdersOptions {
  /** Names that count as set even when their value is the empty string. */
  mayBeEmpty?: readonly string[];
}

export interface FilledTemplate {
  text: string;
  /** Placeholders with no value, sorted; the text still holds them as ${{NAME}}. */
  missing: string[];
}

/**
 * Replaces ${{NAME}} with the value of NAME. The manifest is JSON and every placeholder sits inside a string,
 * so values are JSON-escaped: a quote or backslash in a value cannot break the document.
 */
export function fillPlaceholders(
  template: string,
  values: Readonly<Record<string, string | undefined>>,
  options: FillPlaceholdersOptions = {},
): FilledTemplate {
  const mayBeEmpty = new Set(options.mayBeEmpty ?? MAY_BE_EMPTY);
  const missing = new Set<string>();
  const text = template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    if (value === undefined || (value === '' && !mayBeEmpty.has(name))) {
      missing.add(name);
      return whole;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  return { text, missing: [...missing].sort() };
}

/** Parses a dotenv file the way the Agents Toolkit writes them (dotenv's own parser). */
export function parseEnvFile(text: string): Record<string, string> {
  return parseDotenv(text);
}

export interface LoadEnvironmentOptions {
  processEnv?: Readonly<Record<string, string | undefined>>;
}

/** env/.env.<name>, then env/.env.<name>.user (secrets, git-ignored), then process.env; later sources win. */
export function loadEnvironment(rootDir: string, envName: string, options: LoadEnvironmentOptions = {}): Record<string, string> {
  const envFile = join(rootDir, 'env', `.env.${envName}`);
  if (!existsSync(envFile)) throw new PackageAppError([`${envFile} does not exist: create it or pick another --env`]);
  const userFile = `${envFile}.user`;
  const fromProcess = Object.fromEntries(
    Object.entries(options.processEnv ?? process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return {
    ...parseEnvFile(readFileSync(envFile, 'utf8')),
    ...(existsSync(userFile) ? parseEnvFile(readFileSync(userFile, 'utf8')) : {}),
    ...fromProcess,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Validation (offline)

// Only the fields the packager itself relies on; the Teams schema checks everything else.
const manifestEssentials = z.object({
  $schema: z.string().optional(),
  manifestVersion: z.string(),
  icons: z.object({ color: z.string(), outline: z.string() }),
});

function bundledSchemaPath(manifestVersion: string): string {
  const packageRoot = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  return join(packageRoot, 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
}

/**
 * Validates a filled manifest against the Teams schema of its own manifestVersion, loaded from the copy
 * bundled in @microsoft/app-manifest and passed in explicitly: validateAgainstSchema would otherwise fall back
 * to downloading the $schema URL, and this must work offline. Returns one line per problem, each with its path.
 */
export async function validateManifest(manifest: unknown): Promise<string[]> {
  const essentials = manifestEssentials.safeParse(manifest);
  if (!essentials.success) {
    return essentials.error.issues.map((issue) => `/${issue.path.join('/')} ${issue.message}`);
  }
  const { manifestVersion, $schema } = essentials.data;
  const schemaPath = bundledSchemaPath(manifestVersion);
  if (!existsSync(schemaPath)) {
    return [`/manifestVersion "${manifestVersion}" has no schema bundled in @microsoft/app-manifest (looked for ${schemaPath})`];
  }
  const problems: string[] = [];
  if ($schema !== undefined && !$schema.includes(`/v${manifestVersion}/`) && !(manifestVersion === 'devPreview' && $schema.includes('DevPreview'))) {
    problems.push(`/$schema ${$schema} does not match manifestVersion ${manifestVersion}`);
  }
  const schemaJson: unknown = JSON.parse(readFileSync(schemaPath, 'utf8'));
  // The library types both arguments with its generated manifest types; the schema itself decides what is
  // valid at run time, so these two casts only satisfy the signature (the manifest was zod-checked above).
  const schemaErrors = await AppManifestUtils.validateAgainstSchema(manifest as AppManifest, schemaJson as JSONSchemaType<AppManifest>);
  // Errors start with the JSON pointer of the offending value; an empty pointer means the document root.
  return [...problems, ...schemaErrors.map((error) => (error.startsWith(' ') ? `(root)${error}` : error))];
}

export interface IconPaths {
  color: string;
  outline: string;
}

function readPng(path: string, label: string, problems: string[]): PNG | undefined {
  if (!existsSync(path)) {
    problems.push(`${label} icon ${path} does not exist (regenerate with: npx tsx tools/icons.ts)`);
    return undefined;
  }
  try {
    return PNG.sync.read(readFileSync(path));
  } catch (error) {
    problems.push(`${label} icon ${path} is not a readable PNG: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function countNonWhitePixels(png: PNG): number {
  let count = 0;
  for (let offset = 0; offset < png.data.length; offset += 4) {
    const [r, g, b, alpha] = [png.data[offset], png.data[offset + 1], png.data[offset + 2], png.data[offset + 3]];
    if (alpha !== 0 && (r !== 255 || g !== 255 || b !== 255)) count++;
  }
  return count;
}

/** Teams' icon rules: colour 192×192; outline 32×32 with only white or fully transparent pixels. */
export function checkIcons(paths: IconPaths): string[] {
  const problems: string[] = [];
  const color = readPng(paths.color, 'colour', problems);
  if (color && (color.width !== COLOR_ICON_SIZE || color.height !== COLOR_ICON_SIZE)) {
    problems.push(`colour icon ${paths.color} is ${color.width}×${color.height}; Teams wants ${COLOR_ICON_SIZE}×${COLOR_ICON_SIZE}`);
  }
  const outline = readPng(paths.outline, 'outline', problems);
  if (outline && (outline.width !== OUTLINE_ICON_SIZE || outline.height !== OUTLINE_ICON_SIZE)) {
    problems.push(`outline icon ${paths.outline} is ${outline.width}×${outline.height}; Teams wants ${OUTLINE_ICON_SIZE}×${OUTLINE_ICON_SIZE}`);
  }
  const nonWhite = outline ? countNonWhitePixels(outline) : 0;
  if (nonWhite > 0) problems.push(`outline icon ${paths.outline} has ${nonWhite} visible pixels that are not white; Teams allows only white and transparent`);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Packaging

export interface PackageAppOptions {
  /** Which env/.env.<env> to read; default "local". */
  env?: string;
  /** Repository root holding appPackage/ and env/; default the parent of tools/. */
  rootDir?: string;
  /** Where manifest.<env>.json and appPackage.<env>.zip go; default <rootDir>/build/appPackage. */
  outDir?: string;
  /** Values that override the env files; default process.env. */
  processEnv?: Readonly<Record<string, string | undefined>>;
}

export interface PackagedApp {
  env: string;
  manifestPath: string;
  zipPath: string;
  /** The filled manifest as written to manifestPath and into the zip. */
  manifestText: string;
}

export async function packageApp(options: PackageAppOptions = {}): Promise<PackagedApp> {
  const env = options.env ?? 'local';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(env)) throw new PackageAppError([`--env "${env}" is not a plain environment name such as local or dev`]);
  const rootDir = resolve(options.rootDir ?? join(__dirname, '..'));
  const appPackageDir = join(rootDir, 'appPackage');
  const outDir = resolve(options.outDir ?? join(rootDir, 'build', 'appPackage'));

  const values = loadEnvironment(rootDir, env, { processEnv: options.processEnv });
  const filled = fillPlaceholders(readFileSync(join(appPackageDir, 'manifest.json'), 'utf8'), values);
  if (filled.missing.length > 0) {
    throw new PackageAppError(filled.missing.map((name) => `\${{${name}}} has no value: set ${name} in env/.env.${env} (or the environment)`));
  }
  const manifest: unknown = JSON.parse(filled.text);
  const schemaProblems = await validateManifest(manifest);
  if (schemaProblems.length > 0) throw new PackageAppError(schemaProblems.map((problem) => `manifest ${problem}`));

  const { icons } = manifestEssentials.parse(manifest);
  const iconPaths = { color: join(appPackageDir, icons.color), outline: join(appPackageDir, icons.outline) };
  const iconProblems = checkIcons(iconPaths);
  if (iconProblems.length > 0) throw new PackageAppError(iconProblems);

  mkdirSync(outDir, { recursive: true });
  const manifestPath = join(outDir, `manifest.${env}.json`);
  const zipPath = join(outDir, `appPackage.${env}.zip`);
  writeFileSync(manifestPath, filled.text);
  await writeZip(zipPath, [
    { name: 'manifest.json', content: Buffer.from(filled.text, 'utf8') },
    { name: icons.color, content: readFileSync(iconPaths.color) },
    { name: icons.outline, content: readFileSync(iconPaths.outline) },
  ]);
  return { env, manifestPath, zipPath, manifestText: filled.text };
}

interface ZipEntry {
  name: string;
  content: Buffer;
}

// archiver 7 exports a factory function, while the installed @types/archiver (8.x) describes archiver 8's
// class API; this is the one place that bridges the two. The returned object has the Archiver methods used here.
type CreateZipArchive = (format: 'zip', options: ZipOptions) => Archiver;
const createZipArchive = archiverPackage as unknown as CreateZipArchive;

async function writeZip(zipPath: string, entries: readonly ZipEntry[]): Promise<void> {
  const output = createWriteStream(zipPath);
  const archive = createZipArchive('zip', { zlib: { level: 9 } });
  const written = new Promise<void>((resolveWritten, rejectWritten) => {
    output.once('close', () => resolveWritten());
    output.once('error', rejectWritten);
    archive.on('error', rejectWritten);
    archive.on('warning', rejectWritten); // e.g. a missing file: never ship a package with a hole in it
  });
  archive.pipe(output);
  for (const entry of entries) archive.append(entry.content, { name: entry.name, date: FIXED_ZIP_DATE });
  await archive.finalize();
  await written;
}

// ---------------------------------------------------------------------------------------------------------
// Command line

export function parseEnvArgument(args: readonly string[]): string {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--env') return args[index + 1] ?? '';
    if (arg.startsWith('--env=')) return arg.slice('--env='.length);
  }
  return 'local';
}

async function main(): Promise<void> {
  try {
    const packaged = await packageApp({ env: parseEnvArgument(process.argv.slice(2)) });
    console.log(`Teams app package for "${packaged.env}":\n  ${packaged.zipPath}\n  ${packaged.manifestPath}`);
  } catch (error) {
    if (!(error instanceof PackageAppError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
