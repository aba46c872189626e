// Opens an opt-in link in headless Chromium with a phone's screen, and answers it.
//   node optin.mjs <opt-in URL> <yes|no|look>
// Prints one JSON line: {"status": <HTTP status of the last page>, "heading": <h1>, "text": <page text>, "buttons": n}.
import { chromium } from 'playwright-core';

const [url, answer] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3,
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36',
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  let response = await page.goto(url);
  const buttons = await page.locator('button').count();
  if (answer !== 'look' && buttons > 0) {
    const [r] = await Promise.all([page.waitForNavigation(), page.tap(`button[value=${answer}]`)]);
    response = r;
  }
  const heading = (await page.textContent('h1')) || '';
  const text = (await page.textContent('body')) || '';
  console.log(JSON.stringify({ status: response.status(), heading, text: text.replace(/\s+/g, ' ').trim(), buttons }));
} finally {
  await browser.close();
}
