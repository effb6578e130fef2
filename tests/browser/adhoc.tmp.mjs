import { startServer, apiClient, launchBrowser, watchPage } from '/work/main/tests/browser/harness.js';
const s = await startServer(); const api = apiClient(s.url, s.token);
await api('POST','/departments',{code:'transport',name:'交通运输局'});
await api('POST','/datasets/raw/parks/ingest?filename=p.csv&dept=transport&title=%E5%85%AC%E5%9B%AD','id,name,score\n1,a,1234567.5\n2,b,\n','text/csv');
const b = await launchBrowser();
const ctx = await b.newContext({viewport:{width:1440,height:900}, reducedMotion:'reduce'});
await ctx.addInitScript(([t]) => { sessionStorage.setItem('citydata.token', t); localStorage.setItem('citydata.locale','en-US'); }, [s.token]);
const p = await ctx.newPage(); const probs = watchPage(p);
await p.goto(s.url + '/catalog/raw/parks'); await p.locator('.charts canvas').first().waitFor(); await p.waitForTimeout(300);
await p.screenshot({path:'/tmp/en-dataset.png'});
await p.goto(s.url + '/catalog'); await p.locator('.el-table__body tr').first().waitFor();
await p.screenshot({path:'/tmp/en-catalog.png'});
// 401 path
await p.evaluate(() => sessionStorage.setItem('citydata.token','bad'));
await p.goto(s.url + '/query'); await p.waitForURL(/login/); console.log('redirected to', p.url());
console.log(probs);
await b.close(); await s.stop();
