// Drives the 共享交换 pages against a real citydata server: a consumer finds a conditional resource by
// search and requests two of its three fields; the provider's approver sees it in the inbox and approves
// one field fewer; the consumer then holds a grant of that one field, registers an app whose key is shown
// once, and relinquishes the grant, which stops the app. An emergency request is rejected with a reason
// the consumer reads. A not-shared resource shows its legal basis and no form. Every step is checked on
// the page and against the API. Fails on a console error, an uncaught exception, a failed request or an
// HTTP error the test did not provoke on purpose.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiClient, eventually, finish, launchBrowser, openPage, screenshot, startServer } from './harness.js';

const TEST_TIMEOUT_MS = 60_000;

const HUKOU_CSV = ['姓名,身份证号,区县', '张三,11010519491231002X,东城区', '王五,110101199003074477,西城区'].join('\n');
const BEDS_CSV = ['机构名称,床位数', '幸福养老院,120', '康乐养老院,200'].join('\n');
const PASSWORD = 'Correct-Horse-9';
const PURPOSE = '低保资格核查';
const NONE_BASIS = '《中华人民共和国居民身份证法》第十九条';

let server;
let browser;
let admin;
let hukou;
let none;
const tokens = {};
const as = (name) => apiClient(server.url, tokens[name]);

before(async () => {
  server = await startServer();
  admin = apiClient(server.url, server.token);
  await admin('POST', '/departments', { code: 'gaj', name: '公安局' });
  await admin('POST', '/departments', { code: 'mzj', name: '民政局' });
  await admin('POST', '/datasets/raw/hukou/ingest?filename=hukou.csv&dept=gaj', HUKOU_CSV, 'text/csv');
  await admin('POST', '/datasets/raw/beds/ingest?filename=beds.csv&dept=gaj', BEDS_CSV, 'text/csv');
  for (const [name, role, dept] of [['pg', 'provider', 'gaj'], ['cm', 'consumer', 'mzj']]) {
    await admin('POST', '/users', { name, role, dept, password: PASSWORD });
    tokens[name] = (await apiClient(server.url, null)('POST', '/login', { name, password: PASSWORD })).token;
  }
  hukou = await as('pg')('POST', '/resources', {
    dataset: 'raw.hukou', classification: '基础信息资源类/人口/户籍/户籍人口', name: '户籍人口',
    summary: '户籍登记信息', sharing: 'conditional', sharing_conditions: '仅用于社会救助核查',
    opening: 'closed', update_cycle: 'daily',
  });
  none = await as('pg')('POST', '/resources', {
    dataset: 'raw.beds', classification: '主题信息资源类/社会保障/养老服务', name: '养老床位',
    summary: '各养老机构床位', sharing: 'none', sharing_conditions: NONE_BASIS, opening: 'closed',
    update_cycle: 'monthly',
  });
  browser = await launchBrowser();
}, { timeout: 60_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 30_000 });

const openAs = (name, options) => openPage(browser, tokens[name], options);
const tableRows = (page, scope) => page.locator(`${scope} .el-table__body-wrapper tbody tr`);

// The steps depend on each other (request → approval → grant), so they run as one test.
test('a consumer requests two fields, the provider approves one, the consumer holds it and registers an app', { timeout: 3 * TEST_TIMEOUT_MS }, async () => {
  // 1. The consumer finds the resource by search and requests two of its three fields.
  let { page, problems } = await openAs('cm');
  await page.goto(`${server.url}/resources`);
  const resources = tableRows(page, '.resources');
  await resources.filter({ hasText: '养老床位' }).waitFor();
  assert.equal(await resources.count(), 2);
  assert.equal(await page.locator('.sharing-nav').getByText('共享审批').count(), 0, 'a consumer has no inbox');
  await page.getByPlaceholder('搜索资源名称、摘要或信息项').fill('户籍');
  await eventually(async () => (await resources.count()) === 1 && (await resources.first().innerText()).includes('户籍人口'), 'the search to narrow the list');
  const row = await resources.first().innerText();
  for (const shown of [hukou.code, '公安局', '基础信息资源类/人口/户籍/户籍人口', '有条件共享', '不予开放']) {
    assert.ok(row.includes(shown), `the row shows ${shown}: ${row}`);
  }
  await screenshot(page, 'sharing-resources');

  await page.getByRole('link', { name: '户籍人口' }).click();
  await page.waitForURL(`${server.url}/resources/${hukou.id}`);
  await page.locator('.page-title').getByText(hukou.code).waitFor();
  await page.locator('.resource-fields').getByText('仅用于社会救助核查').waitFor();
  const items = tableRows(page, '.items');
  await items.filter({ hasText: '身份证号' }).getByText('一般数据 4 级').waitFor();
  assert.equal(await items.count(), 3);
  await tableRows(page, '.history').first().waitFor();
  const form = page.locator('.request-form');
  await form.getByText('有条件共享：申请将提交公安局审批').waitFor();
  await form.getByPlaceholder(/说明使用数据的业务事项/).fill(PURPOSE);
  await form.locator('.el-checkbox', { hasText: '区县' }).click();
  await screenshot(page, 'sharing-request-form');
  await form.getByRole('button', { name: '提交申请' }).click();
  await form.getByText('已提交，等待审批').waitFor();
  await form.getByText(/等待公安局审批/).waitFor();
  const mine = (await as('cm')('GET', '/share/requests?box=mine')).items;
  assert.deepEqual(mine.map((r) => [r.resource_id, r.state, r.fields, r.purpose, r.days, r.delivery_mode]),
    [[hukou.id, 'pending', ['姓名', '身份证号'], PURPOSE, 90, 'api']]);
  await finish(page, problems);

  // 2. The provider's approver sees it in the inbox and approves one field fewer.
  ({ page, problems } = await openAs('pg'));
  await page.goto(`${server.url}/sharing/inbox`);
  const inbox = tableRows(page, '.requests-inbox');
  const pending = inbox.filter({ hasText: '户籍人口' });
  await pending.getByText(PURPOSE).waitFor();
  const pendingText = await pending.innerText();
  for (const shown of ['cm', '民政局', '姓名', '身份证号', '接口调用', '90 天', '待审批']) {
    assert.ok(pendingText.includes(shown), `the inbox row shows ${shown}: ${pendingText}`);
  }
  assert.ok(!pendingText.includes('区县'), 'a field not requested is not listed');
  await screenshot(page, 'sharing-inbox');
  await pending.getByRole('button', { name: '批准' }).click();
  const dialog = page.getByRole('dialog', { name: '批准共享申请' });
  await dialog.locator('.el-checkbox', { hasText: '姓名' }).click();
  await dialog.locator('.el-input-number input').first().fill('30');
  await dialog.getByPlaceholder('可不填').fill('仅限核查');
  await dialog.getByRole('button', { name: '批准并授权' }).click();
  await page.getByText('已批准 cm 对“户籍人口”的申请').waitFor();
  await page.locator('.requests-inbox').getByText('没有需要审批的申请').waitFor();
  const [decided] = (await as('pg')('GET', '/share/requests?box=inbox&state=approved')).items;
  assert.deepEqual([decided.state, decided.granted_fields, decided.granted_days, decided.decided_by, decided.reason],
    ['approved', ['身份证号'], 30, 'pg', '仅限核查']);

  await page.getByRole('tab', { name: '本部门资源的授权' }).click();
  const provided = tableRows(page, '.grants-provided').filter({ hasText: 'cm' });
  await provided.getByText(PURPOSE).waitFor();
  assert.match(await provided.innerText(), /户籍人口[\s\S]*身份证号[\s\S]*pg[\s\S]*有效/);
  await finish(page, problems);

  // 3. The consumer holds a grant of the one field approved, sees why, and registers an app.
  ({ page, problems } = await openAs('cm'));
  await page.goto(`${server.url}/sharing?tab=grants`);
  const grant = tableRows(page, '.grants-mine').filter({ hasText: '户籍人口' });
  await grant.getByText('有效', { exact: true }).waitFor();
  const columns = await grant.locator('.column').allInnerTexts();
  assert.deepEqual(columns.map((c) => c.trim()), ['身份证号']);
  const held = (await as('cm')('GET', '/share/grants?box=mine')).items;
  assert.deepEqual(held.map((g) => [g.id, g.resource_code, g.columns, g.purpose, g.delivery_mode]),
    [[decided.grant_id, hukou.code, ['身份证号'], PURPOSE, 'api']]);
  await screenshot(page, 'sharing-grants');

  await page.getByRole('tab', { name: '我的申请' }).click();
  const request = tableRows(page, '.requests-mine').filter({ hasText: '户籍人口' });
  await request.getByText('已批准').waitFor();
  await request.getByText('仅限核查').waitFor();
  assert.equal((await request.locator('.withheld').allInnerTexts()).map((f) => f.trim()).join(), '姓名');

  await page.getByRole('tab', { name: '我的应用' }).click();
  await page.getByPlaceholder('应用名称，如 低保核查系统').fill('核查系统');
  await page.getByRole('button', { name: '注册应用' }).click();
  const shownOnce = page.getByRole('dialog', { name: '应用 核查系统 已注册' });
  await shownOnce.getByText('只显示这一次').waitFor();
  const appKey = await shownOnce.locator('.created-app_key input').inputValue();
  const secret = await shownOnce.locator('.created-secret input').inputValue();
  assert.match(appKey, /^cda_/);
  assert.ok(secret.length >= 32 && secret !== appKey, 'a signing secret is shown beside the key');
  await screenshot(page, 'sharing-app-created');
  // The key works: the app reads the granted field only.
  const rows = await apiClient(server.url, appKey)('GET', '/datasets/raw/hukou/rows?limit=5');
  assert.deepEqual(rows.columns, ['身份证号']);
  await shownOnce.getByRole('button', { name: '已保存，关闭' }).click();
  await shownOnce.waitFor({ state: 'hidden' });
  const app = tableRows(page, '.apps').filter({ hasText: '核查系统' });
  await app.getByText('有效', { exact: true }).waitFor();
  const html = await page.content();
  assert.ok(!html.includes(appKey) && !html.includes(secret), 'the key and the secret are shown once');
  const apps = (await as('cm')('GET', '/apps')).items;
  assert.deepEqual(apps.map((a) => [a.name, a.revoked]), [['核查系统', false]]);

  // 4. Relinquishing the grant stops the app too.
  await page.getByRole('tab', { name: '我的授权' }).click();
  await grant.getByRole('button', { name: '放弃' }).click();
  await page.locator('.el-message-box').getByRole('button', { name: '放弃' }).click();
  await grant.getByText('已撤销', { exact: true }).waitFor();
  const [relinquished] = (await as('cm')('GET', '/share/grants?box=mine')).items;
  assert.notEqual(relinquished.revoked_at, '');
  await assert.rejects(apiClient(server.url, appKey)('GET', '/datasets/raw/hukou/rows?limit=5'), /HTTP 403/);
  await finish(page, problems);
});

test('an approver rejects an emergency request with a reason the consumer then reads', { timeout: TEST_TIMEOUT_MS }, async () => {
  const filed = await as('cm')('POST', '/share/requests', { resource: hukou.code, purpose: '临时救助', emergency: true });
  let { page, problems } = await openAs('pg');
  await page.goto(`${server.url}/sharing/inbox`);
  const row = tableRows(page, '.requests-inbox').filter({ hasText: '临时救助' });
  await row.getByText('紧急').waitFor();
  await row.getByText(/时限/).waitFor();
  await row.getByRole('button', { name: '驳回' }).click();
  const dialog = page.getByRole('dialog', { name: '驳回共享申请' });
  const submit = dialog.getByRole('button', { name: '驳回' });
  assert.ok(await submit.isDisabled(), 'a rejection needs its reason');
  await dialog.getByPlaceholder(/申请人将看到此理由/).fill('用途与共享条件不符');
  await submit.click();
  await page.getByText('已驳回 cm 对“户籍人口”的申请').waitFor();
  const shown = (await as('cm')('GET', '/share/requests?box=mine&state=rejected')).items;
  assert.deepEqual(shown.map((r) => [r.id, r.reason, r.decided_by]), [[filed.id, '用途与共享条件不符', 'pg']]);
  await finish(page, problems);

  ({ page, problems } = await openAs('cm'));
  await page.goto(`${server.url}/sharing`);
  const mine = tableRows(page, '.requests-mine').filter({ hasText: '临时救助' });
  await mine.getByText('已驳回').waitFor();
  await mine.locator('.reason.rejected', { hasText: '用途与共享条件不符' }).waitFor();
  await screenshot(page, 'sharing-my-requests');
  await finish(page, problems);
});

test('a resource that is not shared shows its basis and no request form', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await openAs('cm');
  await page.goto(`${server.url}/resources/${none.id}`);
  const form = page.locator('.request-form');
  await form.getByText('该资源不予共享').waitFor();
  await form.getByText(NONE_BASIS).waitFor();
  assert.equal(await form.getByRole('button', { name: '提交申请' }).count(), 0);
  await screenshot(page, 'sharing-not-shared');
  await assert.rejects(as('cm')('POST', '/share/requests', { resource: none.code, purpose: PURPOSE }), /HTTP 403.*居民身份证法/);

  // The inbox is the approvers': a consumer who types its address is sent to the overview.
  await page.goto(`${server.url}/sharing/inbox`);
  await page.waitForURL(`${server.url}/`);
  await finish(page, problems);
});
