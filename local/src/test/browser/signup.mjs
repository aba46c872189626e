// Drives Embedded Signup in headless Chromium (Debian's /usr/bin/chromium) with playwright-core.
//   node signup.mjs page  <setup page URL>       <finish|cancel>
//   node signup.mjs embed <WaBridge base URL> <JWT> <finish|cancel>   (a dashboard on its own origin)
// Prints one JSON line: {"outcome": ..., "status": <text the page shows>, "events": [...]}.
import { chromium } from 'playwright-core';
import http from 'node:http';

const [mode, target, a3, a4] = process.argv.slice(2);
const action = mode === 'page' ? a3 : a4;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

let server = null;
let url = target;
if (mode === 'embed') {
  // The SaaS dashboard: another origin than WaBridge's, so the snippet's calls are cross-origin (CORS).
  const html = `<!doctype html><meta charset="utf-8"><title>Dashboard</title>
    <button id="connect">Connect WhatsApp</button><div id="status"></div>
    <script src="${target}/v1/signup/embed.js"></script>
    <script>
      window.seen = [];
      document.getElementById('connect').onclick = function () {
        WaBridgeSignup.launch({ token: ${JSON.stringify(a3)},
          onEvent: function (e) { window.seen.push(e.event); },
          onResult: function (r) {
            var b = r.body || {};
            document.getElementById('status').textContent = JSON.stringify(b);
            document.body.setAttribute('data-outcome', b.outcome || (b.error && b.error.code) || 'error');
          } });
      };
    </script>`;
  server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(html); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}/dashboard`;
}

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.error('console:', m.type(), m.text()));
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  await page.goto(url);
  const popupPromise = page.waitForEvent('popup', { timeout: 20000 });
  await page.click('#connect');
  const popup = await popupPromise;
  await popup.waitForLoadState();
  if (action === 'cancel') {
    await popup.selectOption('#step', 'PHONE_NUMBER_VERIFICATION');
    await popup.click('#cancel');
  } else {
    await popup.click('#finish');
  }
  await page.waitForSelector('body[data-outcome]', { timeout: 30000 });
  const outcome = await page.getAttribute('body', 'data-outcome');
  const status = await page.textContent('#status');
  const events = await page.evaluate(() => window.seen || []);
  console.log(JSON.stringify({ outcome, status, events }));
} finally {
  await browser.close();
  if (server) server.close();
}
