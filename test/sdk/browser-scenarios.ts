// Runs the real @sentry/browser (with browserTracingIntegration) in Debian's headless Chromium,
// driven by playwright-core, against a recording server. The page and its script (the IIFE bundle
// of test/sdk/scenarios/browser/app.js) come from a second local server, so the SDK's requests
// are cross-origin as on a real site (page on one port, DSN on another).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@pulse/local-infra';
import { findRepoRoot } from './fixtures';
import { ENVIRONMENT, PROJECT_ID, PUBLIC_KEY, RELEASE, SdkMode } from './node-scenarios';
import { RecordedRequest, RecordingServer, startRecordingServer } from './recording-server';

export const BROWSER_SCENARIOS = ['pageload', 'errors'] as const;
export type BrowserScenario = (typeof BROWSER_SCENARIOS)[number];

let bundle: Promise<string> | undefined;

/** The page script: app.js and @sentry/browser in one IIFE (built once per process). */
export function buildBrowserBundle(): Promise<string> {
  bundle ??= (async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [join(findRepoRoot(__dirname), 'test', 'sdk', 'scenarios', 'browser', 'app.js')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      write: false,
      logLevel: 'error',
    });
    return result.outputFiles[0].text;
  })();
  return bundle;
}

function pageHtml(dsn: string, mode: SdkMode): string {
  const config = JSON.stringify({ dsn, mode, release: RELEASE, environment: ENVIRONMENT });
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Pulse SDK recording</title></head>
<body>
<script>window.__PULSE_SDK__ = ${config};</script>
<script src="/app.js"></script>
</body>
</html>
`;
}

export interface BrowserRun {
  requests: RecordedRequest[];
  /** What the page printed to its console, and page errors. */
  console: string[];
}

type Page = import('playwright-core').Page;

async function drivePageload(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
  // The banner shifts the layout 300 ms after the script ran.
  await page.waitForSelector('body[data-shifted]', { state: 'attached', timeout: 10_000 });
  await page.waitForTimeout(400);
  // A slow click: the handler blocks the main thread for 250 ms (INP).
  await page.click('#slow', { timeout: 10_000 });
  await page.waitForSelector('text=Clicked', { timeout: 10_000 });
  // Give the pageload span time to end on its own (idle timeout) before the page goes away.
  await page.waitForTimeout(2500);
}

async function driveErrors(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
  await page.waitForSelector('body[data-done]', { state: 'attached', timeout: 10_000 });
  await page.waitForTimeout(500);
}

/**
 * Loads the scenario page in a fresh headless Chromium, drives it, then navigates to about:blank:
 * the page turns hidden, which is what makes the SDK report LCP/CLS/INP and send what it holds.
 */
export async function runBrowserScenario(
  ingest: RecordingServer,
  scenario: BrowserScenario,
  mode: SdkMode,
  { timeoutMs = 60_000, settleMs = 1500, dsn }: { timeoutMs?: number; settleMs?: number; /** send to this DSN (a Pulse ingest) instead of `ingest` */ dsn?: string } = {},
): Promise<BrowserRun> {
  const { chromium } = await import('playwright-core');
  const pages = await startRecordingServer();
  const userDataDir = mkdtempSync(join(tmpdir(), 'pulse-chromium-'));
  pages.serve('/index.html', { contentType: 'text/html; charset=utf-8', body: pageHtml(dsn ?? ingest.dsn(PUBLIC_KEY, PROJECT_ID), mode) });
  pages.serve('/app.js', { contentType: 'text/javascript; charset=utf-8', body: await buildBrowserBundle() });
  const consoleLines: string[] = [];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
    viewport: { width: 1280, height: 800 },
  });
  const deadline = setTimeout(() => void context.close().catch(() => undefined), timeoutMs);
  try {
    ingest.take();
    const page = await context.newPage();
    page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
    const url = `${pages.origin}/index.html?scenario=${scenario}`;
    if (scenario === 'pageload') await drivePageload(page, url);
    else await driveErrors(page, url);
    await page.goto('about:blank', { timeout: 10_000 });
    await ingest.waitForQuiet(settleMs, settleMs + 10_000);
    await page.close();
    await ingest.waitForQuiet(500, 5000);
    return { requests: ingest.take(), console: consoleLines };
  } finally {
    clearTimeout(deadline);
    await context.close().catch(() => undefined);
    await pages.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
