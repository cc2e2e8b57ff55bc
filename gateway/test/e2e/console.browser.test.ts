/**
 * The web console in a real browser: Playwright drives Debian's chromium against four in-process gateways
 * (`console-network.ts`). An agency loads its key file, composes a verdict query and runs it by clicking;
 * the verdict it sees is the one the synthetic economy gives in the clear; an auditor verifies the same
 * query in the browser (snarkjs and the ledger's SM2 code) and sees "Verified"; an agency without a policy
 * sees the ledger's refusal with its title and code. Screenshots (1280×800 and 390 px wide) go to a
 * temporary directory whose path is printed.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../../console/ensure-built.ts';
import { aggregateInClear, relatedInClear, subjectWithRelated } from '../../src/synthetic/index.ts';
import { writeTestKeyFile } from '../server/fixtures.ts';
import {
  AGENCIES,
  type ConsoleNetwork,
  OPERATOR_TOKEN,
  POLICY_DATASETS,
  startConsoleNetwork,
  VERDICT_POLICY,
} from './console-network.ts';

const CHROMIUM = '/usr/bin/chromium';
/** A query's longest wait: seconds on an idle machine, minutes on a loaded one (cold provers). */
const QUERY_MS = 240_000;
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`console browser tests skipped: no ${CHROMIUM} (apt-get install chromium)`);

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

/** The little of the DOM the page functions use (this file compiles without the DOM library). */
interface Dom {
  document: {
    querySelectorAll(selector: string): Iterable<{
      outerHTML: string;
      labels?: { length: number } | null;
      getAttribute(name: string): string | null;
    }>;
    activeElement: { textContent: string | null } | null;
    documentElement: { scrollWidth: number };
  };
  innerWidth: number;
}

describe.skipIf(!hasChromium)('web console in chromium', () => {
  let net: ConsoleNetwork;
  let context: BrowserContext;
  let page: Page;
  let shots: string;
  let keys: { credit: string; rogue: string };
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const { dir } = await ensureConsoleBuilt({ quiet: true });
    net = await startConsoleNetwork({ enterprises: 40, consoleDir: dir });
    keys = {
      credit: readFileSync(writeTestKeyFile(net.dir, AGENCIES.credit), 'utf8'),
      rogue: readFileSync(writeTestKeyFile(net.dir, AGENCIES.rogue), 'utf8'),
    };
    shots = mkdtempSync(join(tmpdir(), 'privgate-console-shots-'));
    console.log(`console screenshots: ${shots}`);
    context = await chromium.launchPersistentContext(mkdtempSync(join(net.dir, 'chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 800 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
  });

  afterAll(async () => {
    await context?.close();
    await net?.close();
  });

  /** A full-page screenshot, or (`viewport`) what the screen shows now. */
  const shot = (name: string, viewport = false) =>
    page.screenshot({ path: join(shots, `${name}.png`), fullPage: !viewport });

  async function loadKey(json: string, org: string) {
    const forget = page.getByRole('button', { name: 'Forget this key' });
    if (await forget.isVisible()) await forget.click();
    await page.getByLabel('…or paste its JSON').fill(json);
    await page.getByRole('button', { name: 'Load key' }).click();
    await expect.poll(() => page.getByTestId('loaded-key').textContent()).toContain(org);
  }

  async function compose(subject: string, threshold: bigint) {
    await page.getByLabel('Policy', { exact: true }).fill(VERDICT_POLICY);
    await page.getByRole('button', { name: 'Look up policy' }).click();
    await expect.poll(() => page.getByTestId('policy-summary').textContent()).toContain('verdicts only');
    await page.getByLabel('Subject enterprise (unified social credit code)').fill(subject);
    await page.getByLabel('Depth', { exact: true }).selectOption('1');
    await page.getByLabel('Verdict only: does the aggregate reach the threshold?').check();
    await page.getByLabel('Threshold', { exact: true }).fill(threshold.toString());
  }

  it('serves the console, and every form control has a label', async () => {
    await page.goto(`${net.gateways.market.url}/console/`);
    await expect
      .poll(() => page.getByTestId('gateway-identity').textContent())
      .toContain('privgate-gateway-test');
    await page.getByLabel('Operator token').fill(OPERATOR_TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect.poll(() => page.getByTestId('gateway-identity').textContent()).toContain('gw-market');
    const unlabelled = await page.evaluate(() =>
      [...(globalThis as unknown as Dom).document.querySelectorAll('input, select, textarea')]
        .filter((el) => el.labels?.length === 0 && el.getAttribute('aria-label') === null)
        .map((el) => el.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    // Keyboard: from the token field, Tab reaches its button.
    await page.getByLabel('Operator token').focus();
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(() => (globalThis as unknown as Dom).document.activeElement?.textContent),
    ).toBe('Use token');
  });

  it('runs a verdict query by clicking and shows the verdict the data gives in the clear', {
    timeout: QUERY_MS + 30_000,
  }, async () => {
    const subject = subjectWithRelated(net.data, 1, 2, 2);
    expect(subject).toBeDefined();
    const related = relatedInClear(net.data, subject!, 1);
    const sum = aggregateInClear(
      net.data,
      related,
      POLICY_DATASETS.map((dataset) => ({ dataset })),
    );
    const threshold = sum > 0n ? sum : 1n; // ≥ threshold exactly at the boundary when the sum is positive
    await loadKey(keys.credit, AGENCIES.credit);
    await compose(subject!, threshold);
    await page.getByRole('button', { name: 'Sign and run the query' }).click();
    const outcome = page.locator('[data-testid="verdict"], [data-testid="problem"]');
    await outcome.first().waitFor({ timeout: QUERY_MS });
    expect(
      await outcome.first().getAttribute('data-testid'),
      (await outcome.first().textContent()) ?? '',
    ).toBe('verdict');
    expect(await page.getByTestId('verdict').textContent()).toContain(sum >= threshold ? 'Yes' : 'No');
    // Live progress reached the answer, and every ministry row has its anchored version.
    await expect.poll(() => page.locator('[data-stage="answered"]').getAttribute('data-state')).toBe('done');
    expect(await page.locator('table.ministries tbody tr').count()).toBeGreaterThanOrEqual(2);
    await page.getByText(/^Proof bundle:/).click();
    await shot('agency-verdict-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('verdict').scrollIntoViewIfNeeded();
    await shot('agency-verdict-390', true);
    await page.getByLabel('Policy', { exact: true }).scrollIntoViewIfNeeded();
    await shot('agency-form-390', true);
    const overflow = await page.evaluate(() => {
      const w = globalThis as unknown as Dom;
      return w.document.documentElement.scrollWidth - w.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('verifies the query as the auditor, in the browser', { timeout: 120_000 }, async () => {
    await page.getByRole('button', { name: 'Audit this query in the browser' }).click();
    const verdict = page.getByTestId('audit-verdict');
    await verdict.waitFor({ timeout: 60_000 });
    expect(await verdict.getAttribute('data-verdict')).toBe('PASS');
    expect(await verdict.textContent()).toContain('Verified');
    expect(await page.locator('table.checks .row-bad').count()).toBe(0);
    const groth16 = await page.locator('table.checks tr', { hasText: 'proof.groth16' }).count();
    expect(groth16).toBe(POLICY_DATASETS.length * 2);
    expect(await page.getByTestId('webgpu').textContent()).toMatch(/WebGPU is (not )?available here/);
    await shot('auditor-verified-1280');
  });

  it('shows the ledger’s refusal of a query from an agency without a policy', async () => {
    await page.getByRole('button', { name: 'Agency' }).click();
    await loadKey(keys.rogue, AGENCIES.rogue);
    await compose(subjectWithRelated(net.data, 1, 2, 2)!, 1n);
    await expect.poll(() => page.getByRole('note').textContent()).toContain(`not ${AGENCIES.rogue}`);
    await page.getByRole('button', { name: 'Sign and run the query' }).click();
    const problem = page.getByTestId('problem').last();
    await problem.waitFor({ timeout: 30_000 });
    expect(await problem.getAttribute('data-code')).toBe('QUERY_UNAUTHORISED');
    const text = await problem.textContent();
    expect(text).toContain('Query not authorised');
    expect(text).toContain('QUERY_UNAUTHORISED');
    await shot('agency-refused-1280');
  });

  it('shows the ministry operator its datasets and the queries that touched them', async () => {
    await page.goto(`${net.gateways.tax.url}/console/#/ministry`);
    await page.getByLabel('Operator token').fill(OPERATOR_TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    const datasets = page.getByTestId('datasets');
    await expect.poll(() => datasets.textContent(), { timeout: 20_000 }).toContain('held by gw-tax');
    await expect
      .poll(() => page.locator('#ministry-queries').textContent(), { timeout: 20_000 })
      .toContain('answered');
    await shot('ministry-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('ministry-390', true);
    expect(pageErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
