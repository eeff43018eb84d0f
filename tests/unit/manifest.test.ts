import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import type { JSONSchemaType } from 'ajv';
import { PNG } from 'pngjs';
import { z } from 'zod';
import { ACCENT_COLOR, COLOR_ICON_SIZE, OUTLINE_ICON_SIZE, renderColorIcon, renderOutlineIcon } from '../../tools/icons';
import {
  checkIcons,
  fillPlaceholders,
  packageApp,
  PackageAppError,
  parseEnvArgument,
  parseEnvFile,
  placeholderNames,
  validateManifest,
} from '../../tools/package-app';

const ROOT = join(__dirname, '..', '..');
const APP_PACKAGE = join(ROOT, 'appPackage');
const TEMPLATE = readFileSync(join(APP_PACKAGE, 'manifest.json'), 'utf8');

// What `atk provision --env dev` would have written into env/.env.dev.
const SAMPLE = {
  TEAMS_APP_ID: '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b',
  BOT_ID: '0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
  AAD_APP_CLIENT_ID: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  TAB_ENDPOINT: 'https://practiceloopab12cd-x7y8z9.azurewebsites.net',
  TAB_DOMAIN: 'practiceloopab12cd-x7y8z9.azurewebsites.net',
  APP_NAME_SUFFIX: '-dev',
} as const;

function filledSample(values: Readonly<Record<string, string | undefined>> = SAMPLE): unknown {
  const filled = fillPlaceholders(TEMPLATE, values);
  expect(filled.missing).toEqual([]);
  return JSON.parse(filled.text);
}

function bundledSchema(manifestVersion: string): JSONSchemaType<AppManifest> {
  const packageRoot = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  const path = join(packageRoot, 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  return JSON.parse(readFileSync(path, 'utf8'));
}

// Just the parts of the manifest these tests look at; the Teams schema checks the rest.
const manifestView = z.object({
  $schema: z.string(),
  manifestVersion: z.string(),
  accentColor: z.string(),
  showLoadingIndicator: z.boolean(),
  validDomains: z.array(z.string()),
  bots: z.array(z.object({
    botId: z.string(),
    scopes: z.array(z.string()),
    supportsFiles: z.boolean(),
    commandLists: z.array(z.object({ scopes: z.array(z.string()), commands: z.array(z.object({ title: z.string() })) })),
  })),
  staticTabs: z.array(z.object({ entityId: z.string(), name: z.string(), contentUrl: z.string(), websiteUrl: z.string(), scopes: z.array(z.string()) })),
  configurableTabs: z.array(z.object({ configurationUrl: z.string(), canUpdateConfiguration: z.boolean(), scopes: z.array(z.string()), context: z.array(z.string()) })),
  webApplicationInfo: z.object({ id: z.string(), resource: z.string() }),
  authorization: z.object({ permissions: z.object({ resourceSpecific: z.array(z.object({ name: z.string(), type: z.string() })) }) }),
});

describe('appPackage/manifest.json', () => {
  let fetchSpy: jest.SpyInstance;
  beforeEach(() => {
    // Validation must work offline: any attempt to download a schema fails the test.
    fetchSpy = jest.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('network access during manifest validation'));
  });
  afterEach(() => fetchSpy.mockRestore());

  it('uses only the placeholders the toolkit provides', () => {
    expect(placeholderNames(TEMPLATE)).toEqual(['AAD_APP_CLIENT_ID', 'APP_NAME_SUFFIX', 'BOT_ID', 'TAB_DOMAIN', 'TAB_ENDPOINT', 'TEAMS_APP_ID']);
  });

  it('targets a released schema version bundled with @microsoft/app-manifest', () => {
    const manifest = manifestView.parse(filledSample());
    expect(manifest.manifestVersion).toMatch(/^1\.\d+$/);
    expect(manifest.$schema).toBe(`https://developer.microsoft.com/en-us/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
    const bundled = readdirSync(join(dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams'));
    expect(bundled).toContain(`v${manifest.manifestVersion}`);
  });

  it('validates offline against the bundled Teams schema once filled with sample values', async () => {
    const manifest = filledSample();
    const { manifestVersion } = manifestView.parse(manifest);
    // The library's own entry point, with the schema handed over so that it never reaches for the network.
    const errors = await AppManifestUtils.validateAgainstSchema(manifest as AppManifest, bundledSchema(manifestVersion));
    expect(errors).toEqual([]);
    await expect(validateManifest(manifest)).resolves.toEqual([]);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('reports a schema error with the path of the offending value', async () => {
    const manifest = manifestView.passthrough().parse(filledSample());
    const broken = { ...manifest, bots: [{ ...manifest.bots[0], botId: 'not-a-guid' }] };
    const problems = await validateManifest(broken);
    expect(problems).toEqual([expect.stringMatching(/^\/bots\/0\/botId must match pattern/)]);
  });

  it('declares the bot in personal, team and group chat scopes with its commands', () => {
    const { bots } = manifestView.parse(filledSample());
    expect(bots).toHaveLength(1);
    const [bot] = bots;
    expect(bot).toMatchObject({ botId: SAMPLE.BOT_ID, scopes: ['personal', 'team', 'groupChat'], supportsFiles: false });
    const titlesFor = (scope: string) => bot?.commandLists.filter((list) => list.scopes.includes(scope)).flatMap((list) => list.commands.map((command) => command.title));
    expect(titlesFor('personal')).toEqual(['help', 'new round', 'journal', 'save asset', 'status']);
    expect(titlesFor('team')).toEqual(['help']);
    expect(titlesFor('groupChat')).toEqual(['help']);
  });

  it('pins the personal Dashboard tab', () => {
    const { staticTabs } = manifestView.parse(filledSample());
    expect(staticTabs).toEqual([{
      entityId: 'dashboard',
      name: 'Dashboard',
      contentUrl: `${SAMPLE.TAB_ENDPOINT}/tab/index.html`,
      websiteUrl: `${SAMPLE.TAB_ENDPOINT}/tab/index.html`,
      scopes: ['personal'],
    }]);
  });

  it('offers a configurable tab in the meeting side panel, stage and chat', () => {
    const { configurableTabs } = manifestView.parse(filledSample());
    expect(configurableTabs).toEqual([{
      configurationUrl: `${SAMPLE.TAB_ENDPOINT}/tab/config.html`,
      canUpdateConfiguration: true,
      scopes: ['groupChat'],
      context: ['meetingSidePanel', 'meetingStage', 'meetingChatTab'],
    }]);
  });

  it('names the SSO app, its resource URI and the tab domain', () => {
    const manifest = manifestView.parse(filledSample());
    expect(manifest.webApplicationInfo).toEqual({ id: SAMPLE.AAD_APP_CLIENT_ID, resource: `api://${SAMPLE.TAB_DOMAIN}/${SAMPLE.AAD_APP_CLIENT_ID}` });
    expect(manifest.validDomains).toEqual([SAMPLE.TAB_DOMAIN]);
    expect(manifest.showLoadingIndicator).toBe(false);
    expect(manifest.accentColor).toBe(ACCENT_COLOR);
  });

  it('asks for the resource-specific permissions a meeting app needs', () => {
    const { authorization } = manifestView.parse(filledSample());
    expect(authorization.permissions.resourceSpecific).toEqual(expect.arrayContaining([
      { name: 'OnlineMeeting.ReadBasic.Chat', type: 'Application' },
      { name: 'OnlineMeetingParticipant.Read.Chat', type: 'Application' },
      { name: 'MeetingStage.Write.Chat', type: 'Delegated' },
    ]));
  });
});

describe('fillPlaceholders', () => {
  it('reports every placeholder left without a value, by name', () => {
    const { BOT_ID: _bot, TAB_DOMAIN: _domain, ...rest } = SAMPLE;
    const filled = fillPlaceholders(TEMPLATE, rest);
    expect(filled.missing).toEqual(['BOT_ID', 'TAB_DOMAIN']);
    expect(filled.text).toContain('${{BOT_ID}}');
  });

  it('treats an empty value as missing, except for the name suffix', () => {
    const filled = fillPlaceholders(TEMPLATE, { ...SAMPLE, TEAMS_APP_ID: '', APP_NAME_SUFFIX: '' });
    expect(filled.missing).toEqual(['TEAMS_APP_ID']);
    expect(filled.text).toContain('"short": "Practice Loop"');
  });

  it('escapes values so they cannot break the JSON document', () => {
    const filled = fillPlaceholders('{"name": "${{A}}"}', { A: 'say "hi" \\ bye' });
    expect(JSON.parse(filled.text)).toEqual({ name: 'say "hi" \\ bye' });
  });
});

describe('parseEnvFile', () => {
  it('reads KEY=VALUE lines, skipping comments and unquoting values', () => {
    const text = ['# comment', 'A=1', 'B="two words"', "C='x#y'", 'D=plain # trailing note', 'E=', '  ', 'export F=f'].join('\n');
    expect(parseEnvFile(text)).toEqual({ A: '1', B: 'two words', C: 'x#y', D: 'plain', E: '', F: 'f' });
  });
});

describe('parseEnvArgument', () => {
  it.each([
    [[], 'local'],
    [['--env', 'dev'], 'dev'],
    [['--env=dev'], 'dev'],
  ])('reads %j as %s', (args, env) => {
    expect(parseEnvArgument(args)).toBe(env);
  });
});

describe('icons', () => {
  const colorPath = join(APP_PACKAGE, 'color.png');
  const outlinePath = join(APP_PACKAGE, 'outline.png');

  it('have the sizes Teams requires, and the outline is only white or transparent', () => {
    const color = PNG.sync.read(readFileSync(colorPath));
    const outline = PNG.sync.read(readFileSync(outlinePath));
    expect([color.width, color.height]).toEqual([COLOR_ICON_SIZE, COLOR_ICON_SIZE]);
    expect([outline.width, outline.height]).toEqual([OUTLINE_ICON_SIZE, OUTLINE_ICON_SIZE]);
    let visible = 0;
    for (let offset = 0; offset < outline.data.length; offset += 4) {
      const [r, g, b, alpha] = outline.data.subarray(offset, offset + 4);
      if (alpha === 0) continue;
      visible++;
      expect([r, g, b]).toEqual([255, 255, 255]);
    }
    expect(visible).toBeGreaterThan(50); // there is a glyph, not an empty square
    expect(checkIcons({ color: colorPath, outline: outlinePath })).toEqual([]);
  });

  it('are what tools/icons.ts draws (regenerate them after changing it)', () => {
    expect(PNG.sync.read(readFileSync(colorPath)).data.equals(renderColorIcon().data)).toBe(true);
    expect(PNG.sync.read(readFileSync(outlinePath)).data.equals(renderOutlineIcon().data)).toBe(true);
  });

  it('flags an outline icon with a coloured pixel and a colour icon of the wrong size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'icons-'));
    try {
      const outline = renderOutlineIcon();
      outline.data.set([255, 0, 0, 255], 0);
      const badOutline = join(dir, 'outline.png');
      writeFileSync(badOutline, PNG.sync.write(outline));
      const problems = checkIcons({ color: badOutline, outline: badOutline });
      expect(problems).toEqual([
        expect.stringContaining('is 32×32; Teams wants 192×192'),
        expect.stringContaining('has 1 visible pixels that are not white'),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---- a small ZIP reader: the central directory lists what is really in the archive ----

interface ZipEntryRecord {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

function readCentralDirectory(zip: Buffer): ZipEntryRecord[] {
  const signature = Buffer.alloc(4);
  signature.writeUInt32LE(END_OF_CENTRAL_DIRECTORY);
  const end = zip.lastIndexOf(signature);
  if (end < 0) throw new Error('not a ZIP file: no end-of-central-directory record');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntryRecord[] = [];
  for (let index = 0; index < count; index++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_ENTRY) throw new Error(`bad central directory entry at ${offset}`);
    const nameLength = zip.readUInt16LE(offset + 28);
    entries.push({
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return entries;
}

function readZipEntry(zip: Buffer, entry: ZipEntryRecord): Buffer {
  const header = entry.localHeaderOffset;
  if (zip.readUInt32LE(header) !== LOCAL_FILE_HEADER) throw new Error(`bad local header for ${entry.name}`);
  const start = header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return data;
  if (entry.method === 8) return inflateRawSync(data);
  throw new Error(`unexpected compression method ${entry.method} for ${entry.name}`);
}

describe('packageApp', () => {
  let outDir: string;
  beforeEach(() => { outDir = mkdtempSync(join(tmpdir(), 'app-package-')); });
  afterEach(() => rmSync(outDir, { recursive: true, force: true }));

  it('writes a zip holding exactly manifest.json, color.png and outline.png, all placeholders filled', async () => {
    const packaged = await packageApp({ env: 'dev', rootDir: ROOT, outDir, processEnv: SAMPLE });
    expect(packaged.zipPath).toBe(join(outDir, 'appPackage.dev.zip'));
    expect(packaged.manifestPath).toBe(join(outDir, 'manifest.dev.json'));

    const zip = readFileSync(packaged.zipPath);
    const entries = readCentralDirectory(zip);
    expect(entries.map((entry) => entry.name).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);

    const byName = new Map(entries.map((entry) => [entry.name, entry]));
    const zippedManifest = readZipEntry(zip, byName.get('manifest.json') ?? entries[0]!).toString('utf8');
    expect(zippedManifest).not.toContain('${{');
    expect(zippedManifest).toBe(readFileSync(packaged.manifestPath, 'utf8'));
    expect(manifestView.parse(JSON.parse(zippedManifest)).bots[0]?.botId).toBe(SAMPLE.BOT_ID);
    expect(readZipEntry(zip, byName.get('color.png')!).equals(readFileSync(join(APP_PACKAGE, 'color.png')))).toBe(true);
    expect(readZipEntry(zip, byName.get('outline.png')!).equals(readFileSync(join(APP_PACKAGE, 'outline.png')))).toBe(true);
  });

  it('builds the local package from env/.env.local alone', async () => {
    const packaged = await packageApp({ env: 'local', rootDir: ROOT, outDir, processEnv: {} });
    expect(readFileSync(packaged.manifestPath, 'utf8')).not.toContain('${{');
  });

  it('lets the process environment win over the env file', async () => {
    const packaged = await packageApp({ env: 'local', rootDir: ROOT, outDir, processEnv: { BOT_ID: SAMPLE.BOT_ID } });
    expect(manifestView.parse(JSON.parse(packaged.manifestText)).bots[0]?.botId).toBe(SAMPLE.BOT_ID);
  });

  it('refuses to package while a placeholder has no value, naming it', async () => {
    const attempt = packageApp({ env: 'dev', rootDir: ROOT, outDir, processEnv: { ...SAMPLE, BOT_ID: undefined } });
    await expect(attempt).rejects.toThrow(PackageAppError);
    await expect(attempt).rejects.toThrow('${{BOT_ID}} has no value: set BOT_ID in env/.env.dev');
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('refuses a filled manifest that fails the schema', async () => {
    const attempt = packageApp({ env: 'dev', rootDir: ROOT, outDir, processEnv: { ...SAMPLE, BOT_ID: 'bot' } });
    await expect(attempt).rejects.toThrow(/manifest \/bots\/0\/botId must match pattern/);
  });

  it('refuses an unknown environment', async () => {
    await expect(packageApp({ env: 'nowhere', rootDir: ROOT, outDir, processEnv: SAMPLE })).rejects.toThrow(/\.env\.nowhere does not exist/);
  });
});
