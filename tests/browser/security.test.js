// Drives the security pages of the console against a real citydata server: a consumer logs in with a
// password and sees ID numbers only masked; an admin adds a user and hands out a token; a steward's
// override of a column's classification, with its reason, persists; the audit trail is filtered and its
// hash chain verified. Every test fails on a console error, an uncaught exception, a failed request or an
// HTTP error the test did not provoke on purpose.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiClient, eventually, finish, launchBrowser, openPage, screenshot, startServer } from './harness.js';

const TEST_TIMEOUT_MS = 60_000;

const RAW_IDS = ['11010519491231002X', '110101199003074477'];
const PERSONS_CSV = [
  'xm,sfzh,sjhm,zt',
  `张三,${RAW_IDS[0]},13812341234,正常`,
  `王五,${RAW_IDS[1]},13900001111,迁出`,
].join('\n');
const CONSUMER = { name: 'cal', password: 'Cal-pass-2026' };

let server;
let browser;
let api;

before(async () => {
  server = await startServer();
  api = apiClient(server.url, server.token);
  await api('POST', '/departments', { code: 'gaj', name: '公安局' });
  await api('POST', '/departments', { code: 'mzj', name: '民政局' });
  const title = encodeURIComponent('常住人口登记');
  await api('POST', `/datasets/raw/persons/ingest?filename=persons.csv&dept=gaj&title=${title}`, PERSONS_CSV, 'text/csv');
  await api('POST', '/users', { ...CONSUMER, dept: 'mzj', role: 'consumer', clearance: 'general-1' });
  await api('POST', '/grants', { user: CONSUMER.name, dataset: 'raw.persons', purpose: '低保资格核查' });
  // A read by the consumer, so that the audit trail has its record whatever order the tests run in.
  const { token } = await apiClient(server.url, null)('POST', '/login', CONSUMER);
  await apiClient(server.url, token)('GET', '/datasets/raw/persons/rows?limit=1');
  browser = await launchBrowser();
}, { timeout: 60_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 30_000 });

const open = (options) => openPage(browser, server.token, options);

// Picks `option` in the Element Plus select of the form item labelled `label` inside `scope`.
async function choose(page, scope, label, option) {
  await scope.locator('.el-form-item', { has: page.locator('.el-form-item__label', { hasText: label }) }).locator('.el-select').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click();
}

test('a consumer logs in with a password and sees ID numbers only masked', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await open({ login: false, allow: [{ path: '/api/v1/login', status: 401 }] });
  await page.goto(`${server.url}/catalog/raw/persons`);
  await page.waitForURL(/\/login/);
  await page.getByRole('tab', { name: '账号密码' }).click();
  await page.getByPlaceholder('请输入用户名').fill(CONSUMER.name);
  await page.getByPlaceholder('请输入密码').fill('not-the-password');
  await page.getByRole('button', { name: '登 录' }).click();
  await page.getByText('登录失败').waitFor();
  await page.getByPlaceholder('请输入密码').fill(CONSUMER.password);
  await screenshot(page, 'login-password');
  await page.getByRole('button', { name: '登 录' }).click();
  await page.waitForURL(/\/catalog\/raw\/persons$/);

  const header = page.locator('.app-header');
  await header.getByText('cal', { exact: true }).waitFor();
  await header.getByText('数据使用方').waitFor();
  await header.getByText('密级：一般数据 1 级').waitFor();
  await page.locator('.app-menu .el-menu-item', { hasText: '数据目录' }).waitFor();
  for (const hidden of ['用户与权限', '审计日志', '数据采集']) {
    assert.equal(await page.locator('.app-menu .el-menu-item', { hasText: hidden }).count(), 0, `${hidden} is hidden`);
  }

  await page.getByRole('tab', { name: '样例数据' }).click();
  const sample = page.locator('.sample');
  await sample.getByText('110105********002X').waitFor();
  await sample.getByText('110101********4477').waitFor();
  await sample.getByText('张*').waitFor();
  await page.getByText('已按您的密级脱敏').waitFor();
  await page.getByText(/字段 xm, sfzh, sjhm 的级别高于您的密级/).waitFor();
  const html = await page.content();
  for (const raw of [...RAW_IDS, '张三', '13812341234']) assert.ok(!html.includes(raw), `${raw} is never shown`);
  await screenshot(page, 'dataset-masked');

  await page.getByRole('button', { name: '退出登录' }).click();
  await page.waitForURL(/\/login/);
  await finish(page, problems);
});

test('an admin adds a user, grants a dataset and creates a token', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await open();
  await page.goto(`${server.url}/users`);
  const users = page.locator('.users .el-table__body');
  await users.locator('tr', { hasText: 'cal' }).getByText('数据使用方').waitFor();
  await page.locator('.app-header').getByText('管理员').waitFor();

  await page.getByRole('button', { name: '添加用户' }).click();
  const dialog = page.getByRole('dialog', { name: '添加用户' });
  await dialog.getByPlaceholder('字母开头').fill('dora');
  await choose(page, dialog, '角色', '数据管理员');
  await choose(page, dialog, '部门', '公安局');
  await choose(page, dialog, '密级', '一般数据 3 级');
  await dialog.getByPlaceholder('至少 8 个字符').fill('Dora-pass-2026');
  await dialog.getByRole('button', { name: '保存' }).click();
  const dora = users.locator('tr', { hasText: 'dora' });
  await dora.getByText('数据管理员').waitFor();
  await dora.getByText('公安局').waitFor();
  await dora.getByText('一般数据 3 级').waitFor();
  await page.locator('.el-message').first().waitFor({ state: 'detached' });
  await screenshot(page, 'users');
  const stored = (await api('GET', '/users')).items.find((u) => u.name === 'dora');
  assert.deepEqual([stored.role, stored.dept, stored.clearance, stored.password_set], ['steward', 'gaj', 'general-3', true]);

  await page.getByRole('tab', { name: '数据授权' }).click();
  await page.locator('.grants .el-table__body tr', { hasText: 'raw.persons' }).getByText('低保资格核查').waitFor();

  await page.getByRole('tab', { name: '我的令牌' }).click();
  await page.getByPlaceholder('令牌名称').fill('etl');
  await page.getByRole('button', { name: '创建令牌' }).click();
  const secret = await page.locator('.created-token input').inputValue();
  assert.match(secret, /^cdt_[0-9a-f]{64}$/);
  await page.locator('.tokens .el-table__body tr', { hasText: 'etl' }).getByText('有效', { exact: true }).waitFor();
  assert.equal((await apiClient(server.url, secret)('GET', '/session')).name, 'admin');
  await finish(page, problems);
});

test('shows the classification of a dataset and keeps an override with its reason', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await open();
  await page.goto(`${server.url}/catalog/raw/persons`);
  await page.locator('.page-title').getByText('分级：一般数据 4 级').waitFor();
  await page.getByRole('button', { name: '分类分级' }).click();
  await page.waitForURL(/\/catalog\/raw\/persons\/classification$/);
  const rows = page.locator('.classification-table .el-table__body-wrapper tr');
  const row = (column) => rows.filter({ has: page.getByText(column, { exact: true }) });
  await row('sfzh').getByText('身份证号').waitFor();
  assert.match(await row('sfzh').innerText(), /一般数据 4 级[\s\S]*字段名 sfzh[\s\S]*校验通过 100%[\s\S]*自动识别/);
  assert.match(await row('xm').innerText(), /姓名[\s\S]*一般数据 3 级/);
  assert.match(await row('sjhm').innerText(), /手机号码[\s\S]*一般数据 3 级/);
  await page.locator('.summary').getByText('一般数据 4 级').waitFor();

  // zt (a status) is not sensitive: the steward confirms it is a health field, level 4.
  await row('zt').getByRole('button', { name: '确认/调整' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('确认或调整字段 zt 的分类分级').waitFor();
  await choose(page, dialog, '类别', '健康生理信息');
  await dialog.getByRole('button', { name: '确认' }).click();
  await dialog.getByText('请填写理由').waitFor();
  await dialog.getByRole('textbox').last().fill('迁出状态涉及就医转诊，按健康信息管理');
  await dialog.getByRole('button', { name: '确认' }).click();
  await page.getByText('字段 zt 的分类分级已保存').waitFor();
  await page.locator('.el-message').first().waitFor({ state: 'detached' });
  await screenshot(page, 'classification');

  await page.reload();
  await row('zt').getByText('人工确认').waitFor();
  assert.match(await row('zt').innerText(), /健康生理信息[\s\S]*一般数据 4 级[\s\S]*人工确认\s*admin[\s\S]*迁出状态涉及就医转诊/);
  const zt = (await api('GET', '/datasets/raw/persons/classification')).columns.find((c) => c.name === 'zt');
  assert.deepEqual([zt.category, zt.level, zt.decided_by, zt.reason], ['health', 'general-4', 'admin', '迁出状态涉及就医转诊，按健康信息管理']);
  await finish(page, problems);
});

test('lists and filters the audit trail and verifies its hash chain', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await open();
  await page.goto(`${server.url}/audit`);
  const records = page.locator('.records .el-table__body-wrapper tr.el-table__row');
  await records.first().waitFor();
  await page.locator('.pager').getByText(/共 \d+ 条/).waitFor();

  await page.getByPlaceholder('用户名').fill(CONSUMER.name);
  await page.getByRole('button', { name: '查询' }).click();
  await records.filter({ hasText: '读取数据' }).filter({ hasText: 'raw.persons' }).first().waitFor();
  await eventually(async () => {
    const texts = await records.allInnerTexts();
    return texts.length > 0 && texts.every((text) => text.includes(CONSUMER.name));
  }, 'only the consumer\'s records');

  await page.getByRole('button', { name: '校验哈希链' }).click();
  await page.getByText(/哈希链完整：\d+ 条记录均未被篡改/).waitFor();
  await screenshot(page, 'audit');

  await page.getByRole('button', { name: '导出' }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('menuitem', { name: 'CSV' }).click(),
  ]);
  const csv = await new Response(await download.createReadStream()).text();
  assert.match(csv, /^seq,time,actor,actor_kind,dept,action,target/);
  await finish(page, problems);
});
