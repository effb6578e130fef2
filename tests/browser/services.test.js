// Drives the API 超市 pages against a real citydata server: a provider's dataset is published as a service
// with a parameter; a consumer holds an API grant of three of its four columns. The consumer opens the
// market, picks the service, reads its parameters and fields (from the service's OpenAPI document), calls
// it with a parameter — first with the session, then with an app key — and sees only granted fields, the
// ID number masked; an unknown app key is refused without ending the session. The call statistics page
// then shows the consumer's calls per app. Fails on a console error, an uncaught exception, a failed request
// or an HTTP error the test did not provoke on purpose.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiClient, finish, launchBrowser, openPage, screenshot, startServer } from './harness.js';

const TEST_TIMEOUT_MS = 90_000;
const PEOPLE_CSV = [
  '姓名,身份证号,区县,年龄',
  '张三,11010519491231002X,东城区,75',
  '王五,110101199003074477,西城区,34',
  '赵六,110105198001010015,东城区,44',
].join('\n');
const PASSWORD = 'Correct-Horse-9';

let server;
let browser;
let consumer;
let app;
let columns;

before(async () => {
  server = await startServer();
  const admin = apiClient(server.url, server.token);
  await admin('POST', '/departments', { code: 'gaj', name: '公安局' });
  await admin('POST', '/departments', { code: 'mzj', name: '民政局' });
  await admin('POST', '/datasets/raw/people/ingest?filename=people.csv&dept=gaj', PEOPLE_CSV, 'text/csv');
  columns = (await admin('GET', '/datasets/raw/people')).columns.map((c) => c.name);
  const [name, id, district] = columns;
  await admin('POST', '/services', {
    name: 'people-lookup', title: '人口信息查询', description: '按区县查询户籍人口', dataset: 'raw.people',
    params: [{ name: 'district', type: 'text', column: district, description: '区县名称' }],
  });
  await admin('POST', '/users', { name: 'cm', role: 'consumer', dept: 'mzj', password: PASSWORD });
  await admin('POST', '/grants', { user: 'cm', dataset: 'raw.people', columns: [name, id, district], delivery_mode: 'api' });
  consumer = (await apiClient(server.url, null)('POST', '/login', { name: 'cm', password: PASSWORD })).token;
  app = await apiClient(server.url, consumer)('POST', '/apps', { name: '低保核查系统' });
  browser = await launchBrowser();
}, { timeout: 60_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 30_000 });

test('a consumer reads a service document and calls it with the session and with an app key', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await openPage(browser, consumer, {
    allow: [{ path: '/api/v1/services/people-lookup', status: 401 }],
  });
  await page.goto(`${server.url}/services`);
  await page.getByText('已发布的数据服务').waitFor();
  await page.locator('.service-list').getByText('人口信息查询').click();
  await page.locator('.endpoint', { hasText: 'GET /api/v1/services/people-lookup' }).waitFor();
  await page.locator('.param-table').getByText('区县名称').waitFor();
  for (const field of columns) {
    await page.locator('.field-table').getByText(field, { exact: true }).waitFor();
  }
  await screenshot(page, 'service-market');

  await page.locator('.param-district input').fill('东城区');
  await page.getByRole('button', { name: '调 用' }).click();
  await page.getByText('返回 2 行，共 2 行').waitFor();
  const result = page.locator('.call-result');
  await result.getByText('张*', { exact: true }).waitFor(); // a name: masked for this consumer
  assert.equal(await result.getByText('王*', { exact: true }).count(), 0, 'the parameter filters the rows');
  assert.equal(await result.getByText('75').count(), 0, 'an ungranted field is not returned');
  assert.equal(await result.getByText('11010519491231002X').count(), 0, 'the ID number is masked');

  await page.locator('.app-key input').fill('cda_not_a_key');
  await page.getByRole('button', { name: '调 用' }).click();
  await page.locator('.call-error').waitFor();
  await page.locator('.app-key input').fill(app.app_key);
  await page.getByRole('button', { name: '调 用' }).click();
  await page.getByText('返回 2 行，共 2 行').waitFor();
  assert.match(page.url(), /\/services$/, 'a refused app key does not end the session');
  await screenshot(page, 'service-call');

  await page.getByRole('button', { name: '调用统计' }).click();
  await page.waitForURL(`${server.url}/services/stats`);
  const card = page.locator('.service-stats', { hasText: 'people-lookup' });
  await card.getByText('低保核查系统').waitFor();
  await card.getByText('个人令牌').waitFor();
  await card.getByText('调用 2 次，返回 4 行').waitFor();
  await screenshot(page, 'service-stats');
  await finish(page, problems);
});
