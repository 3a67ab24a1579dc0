#!/usr/bin/env node
// check.js: renders the dashboard in headless Chromium and checks it from the
// inside, through the Chrome DevTools Protocol over --remote-debugging-pipe
// (no npm packages, no ports).
//
// usage: node check.js PAGE.html OUTDIR [--sparse | --refresh]
//
// --sparse: generated data, where a view's charts must be there but how many
// bars they hold is not known in advance.  --refresh: only check that a page
// made with --refresh reloads itself and stays on the view it showed.
// $CHROMIUM names the browser (default chromium).
//
// For each width (1280, 390) and colour scheme (light, dark) it loads the page
// and checks: our script ran and no other did (title unchanged, one <script>,
// no on* attribute, no Content-Security-Policy violation, no request but the
// page itself), links are http(s) only, hostile text shows as text, the six
// views and their charts are there, the nav switches views, nothing is wider
// than the window, and the style sheet (light or dark) applied.  Screenshots
// go to OUTDIR.  Prints "ok - ..." / "not ok - ..." lines; exits 1 on any
// failure, 2 when the browser could not be driven at all.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const os = require('os');

const [page, outdir, mode] = process.argv.slice(2);
const chromium = process.env.CHROMIUM || 'chromium';
const sparse = mode === '--sparse', refresh = mode === '--refresh';
if (!page || !outdir || (mode !== undefined && !sparse && !refresh)) {
	console.error('usage: node check.js PAGE.html OUTDIR [--sparse | --refresh]');
	process.exit(2);
}
const TOTAL_MS = 50000;   // the whole run; bats adds its own timeout around it
const CALL_MS = 15000;    // one protocol call

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'np-chromium-'));
const browser = spawn(chromium, [
	'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
	'--disable-dev-shm-usage', '--hide-scrollbars', '--remote-debugging-pipe',
	`--user-data-dir=${profile}`, 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });

let stderr = '';
browser.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });

function cleanup() {
	try { browser.kill('SIGKILL'); } catch (e) { /* already gone */ }
	try { fs.rmSync(profile, { recursive: true, force: true }); } catch (e) { /* ignore */ }
}

const watchdog = setTimeout(() => {
	console.log('not ok - finished within ' + TOTAL_MS / 1000 + ' s');
	cleanup();
	process.exit(1);
}, TOTAL_MS);

browser.on('error', (e) => {
	console.log('not ok - start ' + chromium + ': ' + e.message);
	cleanup();
	process.exit(2);
});
browser.on('exit', (code, signal) => {
	if (!finished) {
		console.log(`not ok - chromium exited early (${code ?? signal})`);
		console.log(stderr.split('\n').slice(-8).map((l) => '#   ' + l).join('\n'));
		cleanup();
		process.exit(2);
	}
});

// The pipe protocol: JSON messages each ended by a NUL byte, ours on fd 3,
// the browser's on fd 4.
const toBrowser = browser.stdio[3];
const fromBrowser = browser.stdio[4];
let nextId = 1, pending = new Map(), listeners = [], inbuf = Buffer.alloc(0), finished = false;

fromBrowser.on('data', (chunk) => {
	inbuf = Buffer.concat([inbuf, chunk]);
	let end;
	while ((end = inbuf.indexOf(0)) >= 0) {
		const msg = JSON.parse(inbuf.subarray(0, end).toString('utf8'));
		inbuf = inbuf.subarray(end + 1);
		if (msg.id && pending.has(msg.id)) {
			const { resolve, reject, timer, method } = pending.get(msg.id);
			pending.delete(msg.id);
			clearTimeout(timer);
			if (msg.error) reject(new Error(method + ': ' + msg.error.message));
			else resolve(msg.result);
		} else if (msg.method) {
			listeners.forEach((l) => l(msg));
		}
	}
});

function send(method, params = {}, sessionId) {
	const id = nextId++;
	const msg = { id, method, params };
	if (sessionId) msg.sessionId = sessionId;
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			pending.delete(id);
			reject(new Error(method + ': no answer in ' + CALL_MS + ' ms'));
		}, CALL_MS);
		pending.set(id, { resolve, reject, timer, method });
		toBrowser.write(JSON.stringify(msg) + '\0');
	});
}

function waitFor(sessionId, method) {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('no ' + method)), CALL_MS);
		const l = (msg) => {
			if (msg.sessionId === sessionId && msg.method === method) {
				clearTimeout(timer);
				listeners = listeners.filter((x) => x !== l);
				resolve(msg.params);
			}
		};
		listeners.push(l);
	});
}

let failures = 0;
function check(name, cond, detail) {
	if (cond) {
		console.log('ok - ' + name);
	} else {
		failures++;
		console.log('not ok - ' + name + (detail !== undefined ? ': ' + JSON.stringify(detail) : ''));
	}
}

async function evaluate(session, expr) {
	const r = await send('Runtime.evaluate', { expression: expr, returnByValue: true }, session);
	if (r.exceptionDetails) throw new Error('evaluate: ' + JSON.stringify(r.exceptionDetails));
	return r.result.value;
}

// Runs in the page before any of its own code, outside its CSP: records
// policy violations, which is what an injected script or image that escaping
// let through would cause.
const RECORDER = `window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
	window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`;

// What the page holds, gathered in one evaluation.
const INSPECT = `(() => {
	const ids = ['overview', 'trending', 'network', 'users', 'relays', 'zaps'];
	const sections = {};
	for (const id of ids) {
		const s = document.getElementById(id);
		sections[id] = s ? {
			spark: s.querySelectorAll('svg.spark').length,
			line: s.querySelectorAll('svg.chart-line').length,
			bar: s.querySelectorAll('svg.chart-bar').length,
			hist: s.querySelectorAll('svg.chart-hist').length,
			bars: s.querySelectorAll('svg rect.bar').length,
			hidden: s.hidden,
		} : null;
	}
	const onattrs = [];
	for (const el of document.querySelectorAll('*'))
		for (const a of el.attributes)
			if (/^on/i.test(a.name)) onattrs.push(el.tagName + ' ' + a.name);
	const badLinks = [...document.querySelectorAll('a[href]')]
		.filter((a) => !a.getAttribute('href').startsWith('#') &&
			!['http:', 'https:'].includes(a.protocol)).map((a) => a.getAttribute('href'));
	const text = document.body.textContent;
	return {
		title: document.title,
		ready: document.documentElement.getAttribute('data-ready'),
		scripts: document.scripts.length,
		styles: document.querySelectorAll('style').length,
		imgs: document.querySelectorAll('img, iframe, object, embed').length,
		onattrs, badLinks, sections,
		httpLinks: [...document.querySelectorAll('a[href^="http"]')].map((a) => a.href),
		scriptText: text.includes("<script>document.title='pwned'</script>"),
		imgText: text.includes('onerror="document.title=\\'pwned\\'"'),
		rlo: text.includes('\\u202e'),
		fffd: text.includes('\\ufffd'),
		scrollWidth: document.documentElement.scrollWidth,
		innerWidth: window.innerWidth,
		bg: getComputedStyle(document.body).backgroundColor,
		violations: window.__violations,
		current: (document.querySelector('nav a[aria-current=page]') || {}).textContent,
		height: document.documentElement.scrollHeight,
	};
})()`;

async function screenshot(session, file, width) {
	const height = await evaluate(session, 'document.documentElement.scrollHeight');
	const shot = await send('Page.captureScreenshot', {
		format: 'png', captureBeyondViewport: true,
		clip: { x: 0, y: 0, width, height: Math.min(height, 6000), scale: 1 },
	}, session);
	fs.writeFileSync(path.join(outdir, file), Buffer.from(shot.data, 'base64'));
}

// checkRefresh: the page on #zaps reloads by itself (a new document, so a
// new time origin) and still shows Zaps.
async function checkRefresh() {
	const url = 'file://' + path.resolve(page) + '#zaps';
	const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
	const { sessionId: s } = await send('Target.attachToTarget', { targetId, flatten: true });
	await send('Page.enable', {}, s);
	let loaded = waitFor(s, 'Page.loadEventFired');
	await send('Page.navigate', { url }, s);
	await loaded;
	const first = await evaluate(s, 'performance.timeOrigin');
	loaded = waitFor(s, 'Page.loadEventFired');
	await loaded;
	const r = await evaluate(s, `({ origin: performance.timeOrigin, hash: location.hash,
		shown: [...document.querySelectorAll('section.view')].filter((x) => !x.hidden)
			.map((x) => x.id).join(',') })`);
	check('the page reloaded itself', r.origin > first, [first, r.origin]);
	check('the reloaded page shows the same view', r.hash === '#zaps' && r.shown === 'zaps', r);
}

async function run() {
	if (refresh)
		return checkRefresh();
	const url = 'file://' + path.resolve(page);
	const requests = [];
	listeners.push((msg) => {
		if (msg.method === 'Network.requestWillBeSent') requests.push(msg.params.request.url);
	});
	const combos = [[1280, 'light'], [390, 'light'], [1280, 'dark'], [390, 'dark']];
	for (const [width, scheme] of combos) {
		const tag = `${width} ${scheme}`;
		const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
		const { sessionId: s } = await send('Target.attachToTarget', { targetId, flatten: true });
		await send('Page.enable', {}, s);
		await send('Network.enable', {}, s);
		await send('Page.addScriptToEvaluateOnNewDocument', { source: RECORDER }, s);
		await send('Emulation.setDeviceMetricsOverride', {
			width, height: width > 500 ? 900 : 844, deviceScaleFactor: 1, mobile: width <= 500,
		}, s);
		await send('Emulation.setEmulatedMedia', {
			features: [{ name: 'prefers-color-scheme', value: scheme }],
		}, s);
		requests.length = 0;
		const loaded = waitFor(s, 'Page.loadEventFired');
		await send('Page.navigate', { url }, s);
		await loaded;
		const r = await evaluate(s, INSPECT);

		check(`${tag}: our script ran (data-ready)`, r.ready === '1', r.ready);
		check(`${tag}: no injected script ran (title unchanged)`, r.title === 'Nostr dashboard', r.title);
		check(`${tag}: exactly one script element`, r.scripts === 1, r.scripts);
		check(`${tag}: one style element, no img/iframe/object/embed`, r.styles === 1 && r.imgs === 0,
			[r.styles, r.imgs]);
		check(`${tag}: no on* attribute anywhere`, r.onattrs.length === 0, r.onattrs.slice(0, 5));
		check(`${tag}: links are http(s) only`, r.badLinks.length === 0, r.badLinks.slice(0, 5));
		check(`${tag}: no Content-Security-Policy violation`, r.violations.length === 0,
			r.violations.slice(0, 5));
		check(`${tag}: nothing fetched but the page`, requests.every((u) => u === url),
			requests.filter((u) => u !== url).slice(0, 5));
		check(`${tag}: hostile markup shown as text`, r.scriptText && r.imgText,
			[r.scriptText, r.imgText]);
		check(`${tag}: U+202E replaced by U+FFFD`, !r.rlo && r.fffd, [r.rlo, r.fffd]);
		const sec = r.sections;
		check(`${tag}: six views`, Object.values(sec).every((x) => x !== null), sec);
		if (Object.values(sec).every((x) => x !== null)) {
			check(`${tag}: overview has 4 sparklines and line charts`,
				sec.overview.spark >= 4 && sec.overview.line >= 2, sec.overview);
			// The fixture's counts: 6 hashtags, 3+ kinds, 10 users, 4 relays.
			const min = (n) => sparse ? 1 : n;
			check(`${tag}: trending has a bar chart with bars`,
				sec.trending.bar >= 1 && sec.trending.bars >= min(3), sec.trending);
			check(`${tag}: network has line and bar charts`,
				sec.network.line >= 2 && sec.network.bar >= 2 && sec.network.bars >= min(3),
				sec.network);
			check(`${tag}: users has bar and line charts`,
				sec.users.bar >= 1 && sec.users.line >= 1 && sec.users.bars >= min(3), sec.users);
			check(`${tag}: relays has bar charts`, sec.relays.bar >= 2 && sec.relays.bars >= min(4),
				sec.relays);
			check(`${tag}: zaps has a line chart and a histogram`,
				sec.zaps.line >= 1 && sec.zaps.hist >= 1, sec.zaps);
			check(`${tag}: only the overview shows at first`, !sec.overview.hidden &&
				['trending', 'network', 'users', 'relays', 'zaps'].every((v) => sec[v].hidden),
				Object.fromEntries(Object.entries(sec).map(([k, v]) => [k, v.hidden])));
		}
		check(`${tag}: no wider than the window`, r.scrollWidth <= r.innerWidth,
			[r.scrollWidth, r.innerWidth]);
		const bg = scheme === 'dark' ? 'rgb(14, 16, 20)' : 'rgb(245, 246, 248)';
		check(`${tag}: ${scheme} style sheet applied`, r.bg === bg, r.bg);

		// Each view in turn through the nav, as a reader would.
		const views = width === 390 && scheme === 'light' || width === 1280 && scheme === 'dark'
			? ['overview', 'trending', 'network', 'users', 'relays', 'zaps'] : ['overview'];
		for (const v of views) {
			await evaluate(s, `document.querySelector('nav a[href="#${v}"]').click()`);
			const state = await evaluate(s, `[...document.querySelectorAll('section.view')]
				.filter((x) => !x.hidden).map((x) => x.id).join(',') + '|' +
				document.querySelector('nav a[aria-current=page]').getAttribute('href') + '|' +
				document.documentElement.scrollWidth`);
			const [shown, current, sw] = state.split('|');
			check(`${tag}: nav shows ${v} alone`, shown === v && current === '#' + v, state);
			check(`${tag}: ${v} no wider than the window`, Number(sw) <= width, sw);
			await screenshot(s, `dashboard-${width}-${scheme}-${v}.png`, width);
		}
		await send('Target.closeTarget', { targetId });
	}
}

run().then(() => {
	finished = true;
	clearTimeout(watchdog);
	cleanup();
	process.exit(failures ? 1 : 0);
}, (e) => {
	finished = true;
	console.log('not ok - drive chromium: ' + e.message);
	console.log(stderr.split('\n').slice(-8).map((l) => '#   ' + l).join('\n'));
	clearTimeout(watchdog);
	cleanup();
	process.exit(2);
});
