// Drives the 数据标准 and 数据质量 sections of the console against a real citydata server: a quality run
// with its score, dimension chart, rules and failing rows; a plan suggested from the profile and applied;
// the code tables; a column mapping and its standardization into std; a quarantined ingest released from
// the dataset page. Every test fails on a console error, an uncaught exception, a failed request or an
// HTTP error the test did not provoke on purpose.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiClient, eventually, finish, launchBrowser, openPage, screenshot, startServer } from './harness.js';

const TEST_TIMEOUT_MS = 60_000;

// Row 2 has a wrong check character, row 3 a lower-case x and no name: the id_card rule fails 2 rows.
const PERSONS_CSV = [
  'xm,sfzh,xb,csrq',
  '张三,11010519491231002X,1,1949-12-31',
  '李四,110105194912310021,2,1949-12-31',
  ',11010519491231002x,男,1949-12-31',
  '王五,110101199003074477,女,1990-03-07',
].join('\n');
const PERSONS_PLAN = [
  'dataset: raw.persons',
  'rules:',
  '  - {id: sfzh_valid, type: id_card, column: sfzh}',
  '  - {id: xm_not_null, type: not_null, column: xm}',
].join('\n');
const VEHICLES_CSV = 'hphm,cllx\n沪A12345,小型汽车\n沪B67890,大型汽车\n';
const PERMITS_CSV = 'xm,sfzh\n赵六,110101199003074477\n';
const PERMITS_PLAN = 'dataset: raw.permits\nrules:\n  - {id: sfzh_gate, type: id_card, column: sfzh, gate: true}\n';

let server;
let browser;
let api;

before(async () => {
  server = await startServer();
  api = apiClient(server.url, server.token);
  await api('POST', '/departments', { code: 'gaj', name: '公安局' });
  const ingest = (name, csv, title) =>
    api('POST', `/datasets/raw/${name}/ingest?filename=${name}.csv&dept=gaj&title=${encodeURIComponent(title)}`, csv, 'text/csv');
  await ingest('persons', PERSONS_CSV, '常住人口登记');
  await ingest('vehicles', VEHICLES_CSV, '机动车登记');
  await ingest('permits', PERMITS_CSV, '居住证办理');
  await api('POST', '/quality/plans', PERSONS_PLAN, 'application/yaml');
  await api('POST', '/quality/plans', PERMITS_PLAN, 'application/yaml');
  browser = await launchBrowser();
}, { timeout: 60_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 30_000 });

const open = (options) => openPage(browser, server.token, options);

test('runs the quality checks of a dataset and shows its failing rows', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await open();
  await page.goto(`${server.url}/quality`);
  await page.locator('.el-table__body tr', { hasText: '居住证办理' }).getByText('未检查').waitFor();
  await screenshot(page, 'quality-list');
  await page.getByRole('link', { name: '常住人口登记' }).click();
  await page.waitForURL(/\/quality\/raw\/persons$/);
  await page.getByText('尚未运行质量检查').first().waitFor();
  const plan = page.locator('.plan-editor textarea');
  await eventually(async () => (await plan.inputValue()).includes('sfzh_valid'), 'the stored plan in the editor');

  await page.getByRole('button', { name: '运行检查' }).click();
  await page.locator('.score-card').getByText('62.5').waitFor();
  await eventually(async () => (await page.locator('.echart canvas').count()) === 2, 'the dimension and trend charts');
  const rule = page.locator('.rules .el-table__body tr', { hasText: 'sfzh_valid' });
  assert.match(await rule.innerText(), /id_card\s+sfzh\s+规范性\s+错误\s+4\s+2\s+50%\s+未通过/);
  assert.match(await page.locator('.rules .el-table__body tr', { hasText: 'xm_not_null' }).innerText(), /完整性[\s\S]*\s1\s+25%/);
  await page.locator('.el-message').waitFor({ state: 'detached' });
  await screenshot(page, 'quality');

  await rule.getByRole('button', { name: '查看问题' }).click();
  const drawer = page.locator('.el-drawer');
  await drawer.getByText('规则 sfzh_valid 的问题数据').waitFor();
  await drawer.locator('.el-table__body tr', { hasText: '110105194912310021' }).waitFor();
  await drawer.getByText('11010519491231002x').waitFor();
  await drawer.locator('.el-pagination').getByText('共 2 条').waitFor();
  await screenshot(page, 'quality-issues');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    drawer.getByRole('button', { name: '导出 CSV' }).click(),
  ]);
  const csv = await new Response(await download.createReadStream()).text();
  assert.match(csv, /^run_id,rule_id,row_id,key,value\r?\n.*sfzh_valid,2,,110105194912310021/);
  await drawer.getByRole('button', { name: '关闭此对话框' }).click();

  await page.getByRole('button', { name: '查看报告' }).click();
  const report = page.frameLocator('iframe.frame');
  await report.getByText('raw.persons').first().waitFor();
  await screenshot(page, 'quality-report');
  await page.getByRole('dialog').getByRole('button', { name: '关闭', exact: true }).click();
  await finish(page, problems);
});

test('suggests a quality plan from the profile, shows an error plainly, applies it', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await open({
    allow: [
      { path: '/api/v1/datasets/raw/vehicles/quality/plan', status: 404 },
      { path: '/api/v1/quality/plans', status: 400 },
    ],
  });
  await page.goto(`${server.url}/quality/raw/vehicles`);
  await page.getByText('该数据集还没有质量规则方案').waitFor();
  assert.equal(await page.getByRole('button', { name: '运行检查' }).isDisabled(), true);

  const editor = page.locator('.plan-editor textarea');
  await editor.fill('dataset: raw.vehicles\nrules:\n  - {id: bad_rule, type: no_such_type, column: hphm}\n');
  await page.getByRole('button', { name: '应用' }).click();
  await page.locator('.plan-editor .el-alert--error', { hasText: 'bad_rule' }).waitFor();
  await page.locator('.plan-editor').evaluate((element) => element.scrollIntoView());
  await screenshot(page, 'quality-plan-error');

  await page.getByRole('button', { name: '从画像推荐' }).click();
  await eventually(async () => (await editor.inputValue()).includes('not_null_hphm'), 'the suggested plan');
  await page.getByRole('button', { name: '应用' }).click();
  await page.locator('.plan-editor').getByText(/共 \d+ 条规则/).waitFor();
  await page.getByRole('button', { name: '运行检查' }).click();
  await page.locator('.score-card .score').waitFor();
  assert.ok((await api('GET', '/datasets/raw/vehicles/quality/plan')).rules.length > 0);
  await finish(page, problems);
});

test('shows the data elements and a code table', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await open();
  await page.goto(`${server.url}/standards`);
  const rows = page.locator('.elements .el-table__body-wrapper tr');
  await rows.filter({ hasText: 'id_number' }).first().waitFor();
  await page.getByPlaceholder('搜索标识、名称、定义或同义词').fill('身份');
  await eventually(async () => (await page.locator('.elements .el-table__body-wrapper tr.el-table__row').count()) === 1, 'one element found');
  await page.getByText('公民身份号码').first().waitFor();
  await screenshot(page, 'standards-elements');

  await page.getByRole('tab', { name: '代码表' }).click();
  await page.locator('.tables .el-table__body tr', { hasText: 'GB/T 2261.1' }).click();
  await page.waitForURL(/table=GB/);
  const entries = page.locator('.entries');
  await entries.getByText('人的性别代码').waitFor();
  await entries.getByText('男性', { exact: true }).waitFor();
  await entries.getByText('女性', { exact: true }).waitFor();
  await screenshot(page, 'standards');
  await finish(page, problems);
});

test('maps the columns of a dataset to data elements and standardizes it', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, problems } = await open();
  await page.goto(`${server.url}/catalog/raw/persons`);
  await page.getByRole('tab', { name: '数据映射' }).click();
  const sfzh = page.locator('.mapping-table .el-table__body tr', { hasText: 'sfzh' });
  await sfzh.getByText('公民身份号码').first().waitFor();
  assert.match(await sfzh.innerText(), /公民身份号码\s*\/\s*id_number/);
  assert.match(await sfzh.innerText(), /未确认/);

  await page.getByRole('button', { name: '保存映射' }).click();
  await sfzh.locator('td').nth(2).getByText('id_number').waitFor();
  await page.getByRole('button', { name: '规范化到 std' }).click();
  await page.getByText('规范化完成，共 4 行').waitFor();
  await page.getByRole('link', { name: 'std.persons' }).waitFor();
  await page.locator('.el-message').first().waitFor({ state: 'detached' });
  await page.locator('.mapping').evaluate((element) => element.scrollIntoView());
  await screenshot(page, 'mapping');
  const stored = await api('GET', '/datasets/raw/persons/mapping');
  assert.deepEqual(stored.stored.map((m) => `${m.column}=${m.element}`), ['xm=name', 'sfzh=id_number', 'xb=sex', 'csrq=birth_date']);

  await page.getByRole('link', { name: 'std.persons' }).click();
  await page.waitForURL(/\/catalog\/std\/persons$/);
  await page.locator('.schema').getByText('id_number').waitFor();
  await finish(page, problems);
});

test('releases an ingest the quality gate quarantined', { timeout: TEST_TIMEOUT_MS }, async () => {
  const held = await api('POST', '/datasets/raw/permits/ingest?filename=permits2.csv', 'xm,sfzh\n钱七,110105194912310021\n', 'text/csv');
  assert.equal(held.state, 'quarantined');
  const { page, problems } = await open();
  await page.goto(`${server.url}/catalog/raw/permits`);
  await page.getByRole('tab', { name: /采集记录/ }).click();
  const job = page.locator('.jobs .el-table__body tr', { hasText: held.job_id });
  await job.getByText('已隔离').waitFor();
  await job.getByText('质量闸门未通过：sfzh_gate').waitFor();
  await screenshot(page, 'dataset-quarantined');

  await job.getByRole('button', { name: '发布' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '发布' }).click();
  await page.getByText(`批次 ${held.job_id} 已发布`).waitFor();
  await eventually(async () => (await api('GET', '/datasets/raw/permits')).row_count === 2, 'the released row');
  await page.locator('.el-descriptions').getByText('2', { exact: true }).first().waitFor();
  await finish(page, problems);
});
