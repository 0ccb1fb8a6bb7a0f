// End-to-end test of the web client: the real `startales serve` binary (free port, fresh data
// dir) serving web/dist, driven in Debian's headless Chromium by playwright-core.
//
// Flow: register → create a campaign (fast days) → a second player joins and gets ready →
// start → queue a building and see it finish → ask the treasury and watch the answer stream
// in → ask "what should we do next?", approve the proposal that comes with the advice and see
// it applied (logged, not refused at its tick) → the two browsers see each other's chat
// and trades → push-to-talk: "set taxes to thirty percent" spoken by espeak-ng into Chromium's
// fake microphone is recognised, applied (the tax rate shows 30%) and confirmed aloud. Any console error or page error fails the run. Every wait is bounded, and the
// whole run is killed after RUN_LIMIT_MS.
//
// Usage: node tests/e2e/run.mjs [--screenshots DIR]
// Environment: STARTALES_BINARY (the startales executable), STARTALES_WEB_DIST (web/dist),
// CHROMIUM (default /usr/bin/chromium). Exit 77 = skipped (prerequisites missing, outside CI).
// The fake microphone needs espeak-ng and sox (scripts/bootstrap.sh installs both).

import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const webDist = process.env.STARTALES_WEB_DIST || path.join(repo, 'web', 'dist');
const binary = process.env.STARTALES_BINARY || path.join(repo, 'build', 'dev', 'src', 'app', 'startales');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const shotsArg = process.argv.indexOf('--screenshots');
const shotsDir = shotsArg > 0 ? path.resolve(process.argv[shotsArg + 1]) : null;
const RUN_LIMIT_MS = 170_000;
const WAIT = 20_000;  // the longest single wait for something on screen

const started = Date.now();
const log = (...a) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);

function skipOrFail(why) {
  if (process.env.CI) { console.error(`e2e: FAIL: ${why}`); process.exit(1); }
  console.error(`e2e: skipped: ${why} (run \`make test\`, which builds the web client)`);
  process.exit(77);
}
if (!existsSync(path.join(webDist, 'index.html'))) skipOrFail(`${webDist}/index.html is missing`);
if (!existsSync(binary)) skipOrFail(`the startales binary ${binary} is missing`);
if (!existsSync(chromiumPath)) skipOrFail(`${chromiumPath} is missing (scripts/bootstrap.sh installs chromium)`);
let chromium;
try {
  ({ chromium } = createRequire(path.join(repo, 'web', 'package.json'))('playwright-core'));
} catch {
  skipOrFail('playwright-core is not installed in web/node_modules');
}

// ---------------------------------------------------------------- the server
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'startales-e2e-'));
let server = null, browser = null, serverLog = '';

async function startServer() {
  server = spawn(binary, ['serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir,
    '--web-dir', webDist, '--password-mem-kib', '64', '--password-ops', '1',
    '--auth-rate-address-burst', '1000', '--auth-rate-address-per-min', '1000',
    '--threads', '2', '--sim-threads', '1', '--access-log', 'false', '--metrics-listen', 'off'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start in 20 s')), 20_000);
    const onData = (chunk) => {
      serverLog += chunk.toString();
      if (serverLog.length > 200_000) serverLog = serverLog.slice(-100_000);
      const m = serverLog.match(/"msg":"listening".*?"port":(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited (${code})`)); });
  });
}

async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => { const t = setTimeout(() => { server.kill('SIGKILL'); r(); }, 5000); server.on('exit', () => { clearTimeout(t); r(); }); });
  }
  rmSync(dataDir, { recursive: true, force: true });
}

const watchdog = setTimeout(async () => {
  console.error(`e2e: FAIL: the run took longer than ${RUN_LIMIT_MS / 1000} s`);
  await cleanup();
  process.exit(1);
}, RUN_LIMIT_MS);

// ---------------------------------------------------------------- helpers
const consoleErrors = [];
async function newPlayer(name, viewport = { width: 1366, height: 900 }) {
  const context = await browser.newContext({ viewport });
  // Watches the game socket (which the client does not expose): what it sent and received.
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    const ws = { sockets: [], sent: [], received: [], binary: 0 };
    window.__ws = ws;
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        ws.sockets.push(this);
        this.addEventListener('message', (e) => {
          if (typeof e.data !== 'string') { ws.binary++; return; }
          try { ws.received.push(JSON.parse(e.data).type); } catch { /* not JSON */ }
        });
      }
      send(data) { ws.sent.push(data); super.send(data); }
    };
  });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${name}: console: ${m.text()}`); });
  page.on('pageerror', (e) => consoleErrors.push(`${name}: page error: ${e.message}`));
  return { name, context, page };
}

// The fake microphone's recording: espeak-ng's phrase between short silences, as 48 kHz mono
// (Chromium loops the file, so the test records for about its length).
const LEAD_S = 0.3, TAIL_S = 0.5;
function makeSpeech(text) {
  const raw = path.join(dataDir, 'phrase-raw.wav'), file = path.join(dataDir, 'phrase.wav');
  try {
    execFileSync('espeak-ng', ['-v', 'en-us+m3', '-s', '160', '-w', raw, text]);
    execFileSync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', file, 'pad', String(LEAD_S), String(TAIL_S)]);
  } catch (e) {
    skipOrFail(`espeak-ng and sox are needed for the fake microphone (${e.message.split('\n')[0]})`);
  }
  const seconds = Number(execFileSync('soxi', ['-D', file]).toString().trim());
  return { file, seconds };
}

async function shot(page, file) {
  if (!shotsDir) return;
  await page.evaluate(() => document.getElementById('toasts').replaceChildren());
  await page.waitForTimeout(400);  // let charts and the map paint
  await page.screenshot({ path: path.join(shotsDir, file) });
  log('screenshot', file);
}

async function register(p, username) {
  const { page } = p;
  const res = await page.goto(`${base}/`);
  // The whole run works under the page's policy (a violation is a console error, which fails it).
  const csp = res.headers()['content-security-policy'] || '';
  if (!csp.includes("script-src 'self'") || !csp.includes("connect-src 'self'")) {
    throw new Error(`the page has no strict Content-Security-Policy: "${csp}"`);
  }
  await page.waitForURL('**/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('a long secret');
  if (p.name === 'vega') {
    await shot(page, 'login.png');
    // An API error is shown as the server's sentence. (The browser itself logs the 401 of
    // that request; that one line is expected.)
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('.toast').filter({ hasText: 'The username or password is incorrect.' }).waitFor();
    const at = consoleErrors.findIndex((e) => /status of 401/.test(e));
    if (at >= 0) consoleErrors.splice(at, 1);
  }
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/lobby');
  await page.getByText(`Signed in as ${username}`).waitFor();
}

async function expectText(locator, pattern, what) {
  try {
    await locator.filter({ hasText: pattern }).first().waitFor({ timeout: WAIT });
  } catch {
    const seen = await locator.allInnerTexts().catch(() => []);
    throw new Error(`${what}: never saw ${pattern}; saw ${JSON.stringify(seen).slice(0, 600)}`);
  }
}

// ---------------------------------------------------------------- the flow
let base = '';
let failed = null;
try {
  const port = await startServer();
  base = `http://127.0.0.1:${port}`;
  log('server on', base);
  if (shotsDir) mkdirSync(shotsDir, { recursive: true });
  const speech = makeSpeech('set taxes to thirty percent');
  log(`fake microphone: ${speech.file} (${speech.seconds.toFixed(2)} s)`);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${speech.file}`, '--autoplay-policy=no-user-gesture-required'],
  });

  const suffix = Math.random().toString(36).slice(2, 7);
  const vega = await newPlayer('vega');
  const altair = await newPlayer('altair');
  await register(vega, `vega_${suffix}`);
  await register(altair, `altair_${suffix}`);
  log('registered two players');

  // vega creates a campaign with fast days; altair joins and gets ready.
  const vp = vega.page, ap = altair.page;
  await vp.getByLabel('Name', { exact: true }).fill('Orion Reach');
  await vp.getByLabel('Star systems').fill('20');
  await vp.getByLabel('Players at most').fill('2');
  await vp.getByLabel('AI empires').fill('1');
  await vp.getByLabel('Milliseconds per day').fill('200');
  await vp.getByLabel('Seed').fill('7');
  await vp.getByRole('button', { name: 'Create campaign' }).click();
  await vp.getByRole('heading', { name: 'Orion Reach' }).waitFor();
  log('campaign created');

  await ap.getByRole('button', { name: 'Refresh' }).click();
  await ap.getByRole('button', { name: 'Open Orion Reach' }).click();
  await ap.getByLabel('Civilization name').fill('Altair League');
  await ap.getByRole('button', { name: 'Join', exact: true }).click();
  await ap.getByRole('button', { name: 'Ready', exact: true }).click();
  await ap.getByRole('button', { name: 'Not ready' }).waitFor();
  log('altair joined and is ready');

  await vp.locator('.members').getByText('ready').first().waitFor();
  await shot(vp, 'lobby.png');
  await vp.getByRole('button', { name: 'Start' }).click();
  await vp.getByRole('button', { name: 'Play' }).click();
  await vp.waitForURL(/\/play\/\d+/);
  await vp.locator('.status.live').waitFor();
  const campaignUrl = vp.url().replace(/\/play\/(\d+).*/, '/play/$1');
  await ap.goto(campaignUrl.replace(/^http:\/\/[^/]+/, base));
  await ap.locator('.status.live').waitFor();
  log('both players are in the running campaign', campaignUrl);

  // Queue a mine on the capital and watch it finish (the capital starts with one mine).
  await vp.locator('.panel').getByRole('button', { name: /\(capital\)/ }).click();
  await vp.locator('.panel.planet').waitFor();
  await vp.getByText('1 × mine').waitFor();
  await vp.getByLabel('Building', { exact: true }).selectOption('mine');
  await vp.getByRole('button', { name: 'Queue building' }).click();
  await vp.locator('ol.queue li[data-item="mine"]').first().waitFor();
  log('mine queued; waiting for construction');
  await shot(vp, 'planet.png');
  await vp.getByText('2 × mine').waitFor({ timeout: 60_000 });
  log('mine built');

  // Research and fleets: start a technology, send the scouts to a neighbour.
  await vp.getByRole('tab', { name: 'Research' }).click();
  await vp.getByRole('button', { name: 'Research Hydroponics' }).click();
  await vp.getByText(/Researching Hydroponics: [\d,]+ \/ [\d,]+/).waitFor();
  await vp.getByRole('tab', { name: 'Fleets' }).click();
  const scouts = vp.locator('ul.fleets > li').filter({ hasText: 'Scouts' }).first();
  const home = await scouts.getByLabel('Destination').inputValue();
  const options = await scouts.getByLabel('Destination').locator('option').evaluateAll((os) => os.map((o) => o.value));
  await scouts.getByLabel('Destination').selectOption(options.find((o) => o !== home));
  await scouts.getByRole('button', { name: 'Move' }).click();
  await expectText(vp.locator('ul.fleets > li').filter({ hasText: 'Scouts' }), /Moving|route/, 'the scouts moving');
  log('research started, scouts under way');
  await vp.getByRole('tab', { name: 'Galaxy' }).click();  // back on the capital's panel

  // Map screenshot with the planet's system selected.
  await vp.getByRole('button', { name: 'Back to system' }).click();
  await shot(vp, 'galaxy.png');

  // Clicking a star on the canvas opens that system's panel.
  await vp.getByRole('button', { name: 'Close' }).click();
  await vp.getByRole('heading', { name: 'Your planets' }).waitFor();
  const star = await vp.evaluate(() => {
    const c = document.querySelector('canvas.galaxy');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const ratio = c.width / c.getBoundingClientRect().width;
    for (let i = 0; i < d.length; i += 4) {  // the fill of a star in sensor range: #ffe9a8
      if (d[i] === 255 && Math.abs(d[i + 1] - 233) < 3 && Math.abs(d[i + 2] - 168) < 3) {
        const px = (i / 4) % c.width, py = Math.floor(i / 4 / c.width);
        return { x: px / ratio, y: py / ratio + 2 };
      }
    }
    return null;
  });
  if (!star) throw new Error('no star found on the map canvas');
  await vp.locator('canvas.galaxy').click({ position: star });
  await vp.locator('.panel').getByRole('heading', { name: 'Hyperlanes' }).waitFor();
  log('a click on a star opened', await vp.locator('.panel h2').first().innerText());

  // Cabinet: ask the treasury, watch the streamed answer.
  await vp.getByRole('tab', { name: 'Cabinet' }).click();
  await vp.locator('ul.people button[data-role="treasury"][aria-pressed="true"]').waitFor();
  await vp.evaluate(() => {
    window.__textChanges = 0;
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'characterData' || (r.type === 'childList' && r.target.closest && r.target.closest('.msg.character'))) window.__textChanges++;
      }
    }).observe(document.querySelector('ol.log'), { subtree: true, childList: true, characterData: true });
  });
  await vp.getByLabel('Message to the character').fill('How are our finances?');
  await vp.getByRole('button', { name: 'Ask', exact: true }).click();
  const reply = vp.locator('ol.log .msg.character').last();
  await expectText(reply, /[\d,.]+ credits/i, 'the treasury answer');
  await vp.locator('ol.log .msg.character.streaming').waitFor({ state: 'detached' });
  const changes = await vp.evaluate(() => window.__textChanges);
  if (changes < 2) throw new Error(`the answer did not stream in (${changes} text changes)`);
  log(`treasury answered, streamed in ${changes} steps`);

  // Ask for advice: the answer recommends from the game's planner and comes with a proposal;
  // approve it and see it applied (in the command log, not refused at its tick).
  await vp.getByLabel('Message to the character').fill('What should we do next?');
  await vp.getByRole('button', { name: 'Ask', exact: true }).click();
  const advice = vp.locator('ol.log .msg.character').nth(1);
  await advice.waitFor();
  await vp.locator('ol.log .msg.character.streaming').waitFor({ state: 'detached' });
  log('advice:', (await advice.locator('div.text').innerText()).slice(0, 200));
  const proposal = advice.locator('li.proposal').first();
  await proposal.waitFor();
  const proposed = await proposal.locator('strong').innerText();
  log('proposal:', proposed);
  await shot(vp, 'cabinet.png');
  await proposal.getByRole('button', { name: 'Approve' }).click();
  await expectText(proposal.locator('.state'), /approved \(day \d+\)/, 'the approved proposal');
  const applied = await vp.evaluate(async () => {
    const headers = { Authorization: `Bearer ${localStorage.getItem('startales.token')}` };
    const get = async (path) => (await fetch(path, { headers })).json();
    const { campaigns } = await get('/api/campaigns?mine=true&status=running');
    const id = campaigns[0].id;
    const { proposals } = await get(`/api/campaigns/${id}/proposals?status=approved`);
    const p = proposals[0];
    for (let i = 0; i < 100; i++) {
      const state = await get(`/api/campaigns/${id}/state`);
      if (state.tick > p.result.tick) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const { commands } = await get(`/api/campaigns/${id}/commands?after=${p.result.seq - 1}`);
    return { proposal: p, logged: commands.find((c) => c.seq === p.result.seq) };
  });
  if (!applied.logged || applied.logged.command.type !== applied.proposal.command.type || applied.logged.refused) {
    throw new Error(`the approved proposal was not applied: ${JSON.stringify(applied)}`);
  }
  log(`the approved ${applied.proposal.command.type} was applied at day ${applied.logged.tick}`);
  await vp.getByRole('tab', { name: 'Empire' }).click();

  // Push-to-talk: press, the fake microphone says "set taxes to thirty percent", press again.
  const taxBefore = await vp.locator('.policy strong.tax').first().innerText();
  const ptt = vp.getByRole('button', { name: 'Push to talk' });
  const [receivedBefore, binaryBefore] = await vp.evaluate(() => [__ws.received.length, __ws.binary]);
  await ptt.click();
  await vp.locator('button.ptt[aria-pressed="true"][data-state="recording"]').waitFor();
  const recordStart = Date.now();
  await vp.waitForTimeout(Math.round(speech.seconds * 1000 - LEAD_S * 1000 + 200));
  await vp.locator('button.ptt').click();
  log(`recorded ${((Date.now() - recordStart) / 1000).toFixed(2)} s through the fake microphone`);
  await vp.locator('button.ptt[aria-pressed="false"]').waitFor();
  const sent = await vp.evaluate(() => __ws.sent.filter((m) => typeof m !== 'string').map((m) => m.byteLength ?? m.size));
  if (!sent.length || Math.max(...sent) > 32 * 1024) throw new Error(`audio frames sent: ${JSON.stringify(sent)}`);
  log(`sent ${sent.length} audio frames, ${sent.reduce((a, b) => a + b, 0)} bytes`);
  await expectText(vp.locator('.voicebar .heard, .voicebar .outcome.error'), /Heard|\./, 'what the server recognised');
  const heard = await vp.locator('.voicebar .heard').innerText();
  const outcomeText = await vp.locator('.voicebar .outcome').innerText();
  log(`voice: ${heard} / ${outcomeText}`);
  const spoken = await vp.locator('.voicebar .heard').evaluate((el) => ({ kind: el.dataset.kind, command: el.dataset.command && JSON.parse(el.dataset.command) }));
  if (spoken.kind !== 'command' || !spoken.command || spoken.command.type !== 'set_policy' || spoken.command.tax_rate !== 30) {
    throw new Error(`the spoken command was not recognised as set_policy tax_rate 30: ${heard} ${JSON.stringify(spoken)} ${outcomeText}`);
  }
  await expectText(vp.locator('.voicebar .outcome.ok'), /applied on day \d+/, 'the spoken command applied');
  await expectText(vp.locator('.policy strong.tax'), /^30%$/, 'the tax rate after the spoken command');
  await vp.locator('.voice-status').filter({ hasText: 'Press to talk.' }).waitFor({ timeout: 30_000 });  // the reply played
  const voiceAudio = await vp.evaluate((n) => __ws.received.slice(n).filter((t) => t === 'voice.audio').length, receivedBefore);
  const voiceDone = await vp.evaluate((n) => __ws.received.slice(n).includes('voice.done'), receivedBefore);
  const audioFrames = await vp.evaluate((n) => __ws.binary - n, binaryBefore);
  if (voiceAudio < 1 || audioFrames !== voiceAudio || !voiceDone) {
    throw new Error(`the spoken confirmation: ${voiceAudio} voice.audio, ${audioFrames} binary frames, voice.done ${voiceDone}`);
  }
  log(`tax rate ${taxBefore} → 30% by voice; the confirmation came in ${voiceAudio} audio chunk(s)`);
  await shot(vp, 'push-to-talk.png');

  // Barge-in, with the treasury in focus in the cabinet: speak again, and press while the
  // spoken confirmation plays: voice.cancel goes out and the playback stops at once.
  await vp.getByRole('tab', { name: 'Cabinet' }).click();
  await vp.locator('ul.people button[data-role="treasury"][aria-pressed="true"]').waitFor();
  await vp.keyboard.press('Escape');
  await vp.locator('ol.log').click();  // focus out of the message box: Space talks
  await vp.keyboard.press('Space');
  await vp.locator('button.ptt[aria-pressed="true"][data-state="recording"]').waitFor();
  await vp.waitForTimeout(Math.round(speech.seconds * 1000 - LEAD_S * 1000 + 200));
  await vp.keyboard.press('Space');
  await vp.locator('button.ptt[data-audio-chunks]').waitFor({ timeout: 30_000 });
  await vp.getByRole('button', { name: 'Interrupt' }).click();
  // At once: no source left playing (the button is no longer busy) before any ack could arrive.
  const stillBusy = await vp.locator('button.ptt').evaluate((b) => b.classList.contains('busy'));
  if (stillBusy) throw new Error('the reply kept playing after Interrupt');
  await vp.locator('.voice-status').filter({ hasText: 'Interrupted.' }).waitFor();
  await vp.getByRole('button', { name: 'Push to talk' }).waitFor();
  const barge = await vp.evaluate(() => {
    const msgs = __ws.sent.filter((m) => typeof m === 'string').map((m) => JSON.parse(m));
    return { start: msgs.filter((m) => m.type === 'voice.start').pop(), cancel: msgs.some((m) => m.type === 'voice.cancel') };
  });
  if (!barge.cancel || typeof barge.start.character !== 'number') throw new Error(`barge-in: ${JSON.stringify(barge)}`);
  await vp.waitForFunction(() => __ws.received.slice(-8).includes('ack'));
  log(`barge-in: voice.start carried character ${barge.start.character}; voice.cancel stopped the reply`);
  await vp.getByRole('tab', { name: 'Empire' }).click();

  // Two browsers, one galaxy: chat both ways, and a trade moves vega's minerals.
  await ap.getByLabel('Chat message').fill('Hail, Vega.');
  await ap.getByRole('button', { name: 'Send', exact: true }).click();
  await expectText(vp.locator('ol.feed li.chat'), /Hail, Vega\./, 'vega seeing altair\'s chat');
  await vp.getByLabel('Chat message').fill('Well met, Altair.');
  await vp.getByRole('button', { name: 'Send', exact: true }).click();
  await expectText(ap.locator('ol.feed li.chat'), /Well met, Altair\./, 'altair seeing vega\'s chat');
  log('chat crossed both ways');

  // vega buys minerals; altair's client sees that day's purchase on the shared market.
  await ap.getByRole('tab', { name: 'Empire' }).click();
  await vp.getByLabel('Good', { exact: true }).selectOption('minerals');
  await vp.getByLabel('Amount').fill('100');
  await vp.getByRole('button', { name: 'Buy' }).click();
  const toastText = await vp.locator('.toast.ok').filter({ hasText: /Buying 100 minerals on day \d+/ }).first().innerText();
  const tradeDay = Number(toastText.match(/day (\d+)/)[1]);
  log(`vega buys 100 minerals on day ${tradeDay}`);
  const seen = ap.locator(`ul.trades li[data-good="minerals"][data-tick="${tradeDay}"]`);
  await expectText(seen, /bought [\d,]+/, 'altair seeing the purchase on the shared market');
  const units = Number((await seen.first().innerText()).match(/bought ([\d,]+)/)[1].replace(/,/g, ''));
  if (units < 100) throw new Error(`altair saw only ${units} minerals bought on day ${tradeDay}`);
  log(`altair sees ${units} minerals bought on day ${tradeDay}`);
  await vp.waitForTimeout(1200);  // a few points on the charts
  await shot(vp, 'empire.png');

  if (shotsDir) {
    await vp.getByRole('tab', { name: 'Research' }).click();
    await shot(vp, 'research.png');
    const phone = await newPlayer('phone', { width: 390, height: 844 });
    await phone.page.goto(`${base}/login`);
    await phone.page.evaluate(([t, u]) => { localStorage.setItem('startales.token', t); localStorage.setItem('startales.user', u); },
      await vp.evaluate(() => [localStorage.getItem('startales.token'), localStorage.getItem('startales.user')]));
    await phone.page.goto(`${campaignUrl.replace(/^http:\/\/[^/]+/, base)}/map`);
    await phone.page.locator('.status.live').waitFor();
    await shot(phone.page, 'phone-galaxy.png');
  }

  // Reconnect: the socket drops, the client joins again with last_tick and gets the missed
  // deltas, not a new snapshot.
  const before = await vp.evaluate(() => ({ sockets: __ws.sockets.length, received: __ws.received.length }));
  await vp.evaluate(() => __ws.sockets[__ws.sockets.length - 1].close(4999, 'test drop'));
  await vp.waitForFunction((n) => __ws.sockets.length > n && __ws.received.slice(-1)[0] === 'delta', before.sockets, { timeout: WAIT });
  await vp.locator('.status.live').waitFor();
  const rejoin = await vp.evaluate((r) => ({
    join: JSON.parse(__ws.sent.filter((m) => typeof m === 'string' && m.includes('"join"')).pop()),
    after: __ws.received.slice(r),
  }), before.received);
  if (typeof rejoin.join.last_tick !== 'number') throw new Error(`the rejoin had no last_tick: ${JSON.stringify(rejoin.join)}`);
  const afterJoin = rejoin.after.slice(rejoin.after.indexOf('joined'));
  if (afterJoin[1] !== 'delta' || afterJoin.includes('snapshot')) {
    throw new Error(`resume after a reconnect did not continue with deltas: ${afterJoin.slice(0, 8).join(', ')}`);
  }
  log(`reconnected and resumed after day ${rejoin.join.last_tick} with deltas`);

  // Log out returns to the login screen.
  await ap.getByRole('button', { name: 'Log out' }).click();
  await ap.waitForURL('**/login');

  if (consoleErrors.length) throw new Error(`console errors:\n  ${consoleErrors.join('\n  ')}`);
  log('PASS');
} catch (e) {
  failed = e;
}
clearTimeout(watchdog);
await cleanup();
if (failed) {
  console.error(`e2e: FAIL: ${failed.stack || failed}`);
  if (consoleErrors.length) console.error(`console errors:\n  ${consoleErrors.join('\n  ')}`);
  console.error(`server log (tail):\n${serverLog.split('\n').slice(-30).join('\n')}`);
  process.exit(1);
}
console.log(`e2e: 1 passed, 0 failed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
