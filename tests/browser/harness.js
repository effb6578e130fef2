// Shared pieces of the browser tests: a real citydata server on a free port, API fixtures, Debian's
// Chromium, a watch for console errors and failed requests, and screenshots.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
export const CONSOLE_DIST = resolve(repo, 'console/dist');
export const SCREENSHOTS = resolve(repo, 'tests/artifacts/screenshots');
const BIN = process.env.CITYDATA_BIN || resolve(repo, 'build/citydata');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

const START_TIMEOUT_MS = 20_000;
const ACTION_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

// Starts `citydata serve` on a fresh data directory; resolves to { url, token, stop() }.
export async function startServer() {
  for (const [path, what] of [
    [BIN, 'the citydata binary (build it with scripts/build.sh, or set CITYDATA_BIN)'],
    [join(CONSOLE_DIST, 'index.html'), 'the built console (run scripts/build.sh, or npm ci && npm run build in console/)'],
    [CHROMIUM, 'Chromium (apt-get install chromium, or set CHROMIUM_BIN)'],
  ]) {
    if (!existsSync(path)) throw new Error(`missing ${path}: ${what}`);
  }
  const data = mkdtempSync(join(tmpdir(), 'citydata-browser-'));
  const server = spawn(BIN, ['serve', '--data', data, '--listen', '127.0.0.1:0', '--console', CONSOLE_DIST], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never leave a server behind, whatever happens to the test process.
  const killOnExit = () => server.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  const token = readFileSync(join(data, 'admin.token'), 'utf8').trim();

  async function stop() {
    process.off('exit', killOnExit);
    if (server.exitCode === null) {
      const exited = new Promise((done) => server.once('exit', done));
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    rmSync(data, { recursive: true, force: true });
  }
  return { url, token, stop };
}

// A minimal API client for fixtures; throws on any error answer.
export function apiClient(url, token) {
  return async function call(method, path, body, contentType = 'application/json') {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
      body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30_000,
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

// Records everything that would tell a person the page is broken: console errors, uncaught exceptions,
// failed requests and HTTP errors. `allow` lists the deliberate ones: [{ path, status }].
export function watchPage(page, allow = []) {
  const problems = [];
  const allowed = (url, status) =>
    allow.some((a) => new URL(url).pathname === a.path && (status === undefined || a.status === status));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url;
    // Chromium logs every HTTP error answer as "Failed to load resource"; the response check below judges those.
    if (message.text().startsWith('Failed to load resource') && where && allowed(where)) return;
    problems.push(`console error: ${message.text()} (${where})`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400 && !allowed(response.url(), response.status())) {
      problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
    }
  });
  return problems;
}

// A new tab at 1440×900, logged in with `token` unless { login: false }; resolves to { page, problems }.
// Reduced motion turns off the console's transitions and chart animations: screenshots show the end state.
export async function openPage(browser, token, { login = true, allow = [] } = {}) {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 }, locale: 'zh-CN', reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  // Only in the top document: a sandboxed frame (the quality report) may not touch sessionStorage.
  if (login) {
    await context.addInitScript((value) => window === window.top && sessionStorage.setItem('citydata.token', value), token);
  }
  const page = await context.newPage();
  return { page, problems: watchPage(page, allow) };
}

// Closes the tab and fails the test if the page reported problems.
export async function finish(page, problems) {
  await page.context().close();
  assert.deepEqual(problems, [], 'the page reported problems');
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

// Polls `check` until it returns true (or a value), for things no single locator expresses.
export async function eventually(check, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
