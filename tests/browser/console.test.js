// Drives the web console in headless Chromium against a real citydata server: login, overview, catalog
// search, dataset page, upload, SQL. Every test fails on a console error, an uncaught exception, a failed
// request or an HTTP error the test did not provoke on purpose.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiClient, eventually, finish, launchBrowser, openPage, screenshot, startServer } from './harness.js';

const TEST_TIMEOUT_MS = 60_000;

const PARKS_CSV = [
  'id,name,district,opened,score',
  '1,人民公园,黄浦区,2020-01-02,4.5',
  '2,中山公园,长宁区,2019-05-06,4.2',
  '3,世纪公园,浦东新区,2018-07-08,',
  '4,鲁迅公园,虹口区,2021-03-04,4.4',
  '5,复兴公园,黄浦区,2017-09-10,4.1',
  'bad,line',
].join('\n');
const STOPS_CSV = 'stop_id,stop_name,lines\nS1,人民广场站,3\nS2,徐家汇站,5\n';
const AIR_CSV = 'station,pm25,measured_at\n静安监测站,35,2026-11-20\n徐汇监测站,42,2026-11-20\n浦东监测站,28,2026-11-21\n';

let server;
let browser;
let api;

before(async () => {
  server = await startServer();
  api = apiClient(server.url, server.token);
  await api('POST', '/departments', { code: 'transport', name: '交通运输局' });
  await api('POST', '/departments', { code: 'sthj', name: '生态环境局' });
  const title = encodeURIComponent('城市公园名录');
  await api('POST', `/datasets/raw/parks/ingest?filename=parks.csv&dept=transport&title=${title}`, PARKS_CSV, 'text/csv');
  const stopsTitle = encodeURIComponent('公交站点信息');
  await api('POST', `/datasets/raw/bus_stops/ingest?filename=stops.csv&dept=transport&title=${stopsTitle}`, STOPS_CSV, 'text/csv');
  browser = await launchBrowser();
}, { timeout: 60_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 30_000 });

const open = (options) => openPage(browser, server.token, options);

test('logs in with the admin token, shows the overview and switches to English', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await open({ login: false, allow: [{ path: '/api/v1/session', status: 401 }] });
  await page.goto(server.url);
  await page.waitForURL(/\/login/);
  await page.getByText('管理员登录').waitFor();
  await screenshot(page, 'login');

  await page.getByPlaceholder('请输入管理员令牌').fill('cdt_not_a_token');
  await page.getByRole('button', { name: '登 录' }).click();
  await page.getByText('令牌无效或已失效').waitFor();

  await page.getByPlaceholder('请输入管理员令牌').fill(server.token);
  await page.getByRole('button', { name: '登 录' }).click();
  await page.waitForURL(`${server.url}/`);
  await page.getByText('城市数据平台').first().waitFor();
  await page.locator('.stat', { hasText: '数据集' }).getByText('2').waitFor();
  await page.locator('.stat', { hasText: '数据总行数' }).getByText('7').waitFor();
  await page.locator('.stat', { hasText: '问题数据行' }).getByText('1').waitFor();
  await eventually(async () => (await page.locator('.echart canvas').count()) >= 3, 'three overview charts');
  for (const item of ['总览', '数据采集', '数据目录', '数据查询']) {
    await page.locator('.app-menu .el-menu-item', { hasText: item }).waitFor();
  }
  await screenshot(page, 'overview');

  await page.locator('.lang-switch').click();
  await page.getByRole('menuitem', { name: 'English' }).click();
  await page.locator('.app-menu .el-menu-item', { hasText: 'Catalog' }).waitFor();
  await page.locator('.stat', { hasText: 'Datasets' }).waitFor();
  await screenshot(page, 'overview-en');
  await finish(page, problems);
});

test('searches the catalog for a Chinese title substring', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await open();
  await page.goto(`${server.url}/catalog`);
  const rows = page.locator('.el-table__body tr');
  await eventually(async () => (await rows.count()) === 2, 'both datasets listed');

  await page.getByPlaceholder('搜索名称、标题或描述').fill('公园');
  await page.waitForURL(/search=/);
  await eventually(async () => (await rows.count()) === 1, 'one dataset found');
  await rows.first().getByText('城市公园名录').waitFor();
  assert.match(await rows.first().innerText(), /raw\.parks[\s\S]*原始数据[\s\S]*交通运输局[\s\S]*5/);
  await screenshot(page, 'catalog');
  await finish(page, problems);
});

test('opens a dataset: profile chart, rejects, metadata edit', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await open();
  await page.goto(`${server.url}/catalog?search=${encodeURIComponent('公园')}`);
  await page.getByRole('link', { name: '城市公园名录' }).click();
  await page.waitForURL(/\/catalog\/raw\/parks$/);
  await page.getByText('业务元数据').waitFor();
  await page.locator('.schema').getByText('district').waitFor();
  await page.locator('.charts .echart canvas').first().waitFor();
  await page.getByText('字段 id 的高频值').waitFor();

  await page.locator('.schema').getByText('district').click();
  await page.getByText('字段 district 的高频值').waitFor();
  await screenshot(page, 'dataset');
  await page.locator('.charts').scrollIntoViewIfNeeded();
  await screenshot(page, 'dataset-profile');

  await page.getByRole('tab', { name: /问题数据/ }).click();
  const reject = page.locator('.el-table__body tr', { hasText: 'expected 5 fields' });
  await reject.waitFor();
  assert.match(await reject.innerText(), /7[\s\S]*bad,line/);
  await screenshot(page, 'dataset-rejects');

  await page.getByRole('tab', { name: /采集记录/ }).click();
  await page.locator('.el-table__body tr', { hasText: '成功' }).waitFor();
  await screenshot(page, 'dataset-jobs');

  await page.getByRole('tab', { name: '样例数据' }).click();
  await page.locator('#pane-sample .el-table__body tr', { hasText: '鲁迅公园' }).waitFor();

  await page.getByRole('button', { name: '编辑元数据' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.locator('textarea').fill('全市城市公园的名称、所在区和开园日期');
  await dialog.getByRole('button', { name: '保存' }).click();
  await page.locator('.el-descriptions').getByText('全市城市公园的名称、所在区和开园日期').waitFor();
  const saved = await api('GET', '/datasets/raw/parks');
  assert.equal(saved.description, '全市城市公园的名称、所在区和开园日期');
  await finish(page, problems);
});

test('uploads a file on the ingest page and shows the job result', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await open();
  await page.goto(`${server.url}/ingest`);
  await page.locator('input[type=file]').setInputFiles({
    name: 'air_quality.csv', mimeType: 'text/csv', buffer: Buffer.from(AIR_CSV),
  });
  const name = page.getByPlaceholder('英文名，如 bus_stops');
  await eventually(async () => (await name.inputValue()) === 'air_quality', 'the name suggested from the file');

  await page.locator('.el-form-item', { hasText: '所属部门' }).locator('.el-select').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '生态环境局' }).click();
  await page.getByPlaceholder('如：公交站点信息').fill('空气质量监测');
  await page.getByRole('button', { name: '开始采集' }).click();

  const result = page.locator('.result-card');
  await result.getByText('采集完成：raw.air_quality').waitFor();
  const text = await result.innerText();
  assert.match(text, /入库行数\s*3/);
  assert.match(text, /拒绝行数\s*0/);
  assert.match(text, /measured_at[\s\S]*date/);
  await screenshot(page, 'ingest');

  const dataset = await api('GET', '/datasets/raw/air_quality');
  assert.equal(dataset.row_count, 3);
  assert.equal(dataset.title, '空气质量监测');
  assert.equal(dataset.dept, 'sthj');
  await finish(page, problems);
});

test('runs a query, exports CSV and shows a refused query plainly', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await open({ allow: [{ path: '/api/v1/query', status: 403 }] });
  await page.goto(`${server.url}/query`);
  const editor = page.locator('.editor textarea');
  await editor.fill('SELECT name, district FROM raw.parks ORDER BY id');
  await editor.press('Control+Enter');
  const rows = page.locator('.el-table__body tr');
  await page.locator('.el-table__body', { hasText: '人民公园' }).waitFor();
  assert.equal(await rows.count(), 5);
  await page.getByText('共 5 行').waitFor();
  await screenshot(page, 'query');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: '导出 CSV' }).click(),
  ]);
  const csv = await new Response(await download.createReadStream()).text();
  assert.match(csv, /^name,district\r?\n人民公园,黄浦区/);

  await editor.fill('DELETE FROM raw.parks');
  await page.getByRole('button', { name: /运行/ }).click();
  const alert = page.locator('.query-error');
  await alert.getByText('查询失败').waitFor();
  assert.match(await alert.innerText(), /read-only/);
  await screenshot(page, 'query-refused');
  assert.equal((await api('GET', '/datasets/raw/parks')).row_count, 5);
  await finish(page, problems);
});
