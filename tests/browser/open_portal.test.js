// Drives the open-data portal (开放门户) in headless Chromium without logging in: search with facets, the
// dataset page with its fields and a rows preview, the download links, and a closed resource shown as not
// found. Fails on a console error or a failed request the test did not provoke on purpose.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiClient, finish, launchBrowser, openPage, screenshot, startServer } from './harness.js';

const TEST_TIMEOUT_MS = 60_000;
const BEDS_CSV = ['机构名称,区,床位数', '幸福养老院,东城区,120', '夕阳红养老院,西城区,80', '康乐养老院,朝阳区,200'].join('\n');
const CASES_CSV = 'year,cases\n2020,10\n2021,12\n';

let server;
let browser;
let open;
let closed;

before(async () => {
  server = await startServer();
  const api = apiClient(server.url, server.token);
  await api('POST', '/departments', { code: 'mzj', name: '市民政局' });
  await api('POST', '/departments', { code: 'gaj', name: '市公安局' });
  await api('POST', '/datasets/raw/beds/ingest?filename=beds.csv&dept=mzj', BEDS_CSV, 'text/csv');
  await api('POST', '/datasets/raw/cases/ingest?filename=cases.csv&dept=gaj', CASES_CSV, 'text/csv');
  open = await api('POST', '/resources', {
    dataset: 'raw.beds', classification: '主题信息资源类/社会保障/养老服务', name: '养老机构床位',
    summary: '各区养老机构床位数', sharing: 'unconditional', opening: 'open', update_cycle: 'monthly',
  });
  closed = await api('POST', '/resources', {
    dataset: 'raw.cases', classification: '部门信息资源类/公安/治安', name: '治安案件', summary: '内部',
    sharing: 'unconditional', opening: 'closed', update_cycle: 'yearly',
  });
  browser = await launchBrowser();
}, { timeout: 60_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 30_000 });

test('searches the open datasets, opens one and offers its downloads without a session', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await openPage(browser, server.token, { login: false });
  await page.goto(`${server.url}/open`);
  await page.getByText('公共数据开放门户').waitFor();
  await page.getByText('共 1 个开放数据集').waitFor();
  assert.equal(await page.getByText('治安案件').count(), 0, 'a closed resource is not listed');
  await page.locator('.open-facets').getByText('市民政局 (1)').waitFor();
  await screenshot(page, 'open-portal');

  await page.getByPlaceholder('搜索数据集名称、摘要或信息项').fill('不存在的数据');
  await page.getByRole('button', { name: '搜索' }).click();
  await page.getByText('共 0 个开放数据集').waitFor();
  await page.getByPlaceholder('搜索数据集名称、摘要或信息项').fill('养老');
  await page.getByRole('button', { name: '搜索' }).click();
  await page.getByText('共 1 个开放数据集').waitFor();

  await page.getByRole('link', { name: '养老机构床位' }).click();
  await page.waitForURL(`${server.url}/open/${open.id}`);
  await page.locator('.open-title', { hasText: '养老机构床位' }).waitFor();
  await page.getByText(open.code).waitFor();
  await page.locator('.open-items').getByText('床位数').waitFor();
  await page.getByText('数据预览（共 3 行）').waitFor();
  await page.locator('.open-rows').getByText('夕阳红养老院').waitFor();
  for (const format of ['csv', 'json', 'xlsx']) {
    const link = page.getByRole('link', { name: format.toUpperCase(), exact: true });
    assert.equal(await link.getAttribute('href'), `/api/v1/open/datasets/${open.id}/download?format=${format}`);
  }
  await page.getByPlaceholder('在数据中搜索').fill('康乐');
  await page.getByPlaceholder('在数据中搜索').press('Enter');
  await page.getByText('数据预览（共 1 行）').waitFor();
  await screenshot(page, 'open-dataset');
  await finish(page, problems);
});

test('a closed resource is not found on the portal', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await openPage(browser, server.token, {
    login: false, allow: [{ path: `/api/v1/open/datasets/${closed.id}`, status: 404 }],
  });
  await page.goto(`${server.url}/open/${closed.id}`);
  await page.getByText('数据集不存在或未开放').waitFor();
  await finish(page, problems);
});
