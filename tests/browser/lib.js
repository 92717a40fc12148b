// SPDX-License-Identifier: MIT
// Shared by sd's browser checks: starts Debian's Chromium headless through
// puppeteer-core and watches a page the way a person would notice trouble
// (console errors, uncaught exceptions, resources that failed to load,
// links that lead nowhere), and writes screenshots for people to look at.
'use strict';

const fs = require('fs');
const path = require('path');

const CHROMIUM = process.env.SD_CHROMIUM || '/usr/bin/chromium';

// Widths a person uses: a phone held upright and a laptop.
const VIEWPORTS = [
	{ name: 'phone', width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
	{ name: 'desktop', width: 1280, height: 900, deviceScaleFactor: 1 },
];

function loadPuppeteer() {
	try {
		return require('puppeteer-core');
	} catch (e) {
		return null;
	}
}

// Why the browser checks cannot run here, or null when they can.
function unavailable() {
	if (!fs.existsSync(CHROMIUM))
		return `${CHROMIUM} not found (make deps installs Debian's chromium)`;
	if (!loadPuppeteer())
		return 'puppeteer-core not installed in tests/browser (make deps runs npm ci there)';
	return null;
}

async function launch() {
	const puppeteer = loadPuppeteer();
	// The flags keep Chromium from reaching for the network a test machine
	// does not have (each refused connection is noise in the logs) and let
	// it run as root in a container.
	return puppeteer.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update',
			'--disable-sync', '--disable-dev-shm-usage',
		],
	});
}

// Attaches listeners that collect every problem a page shows while loaded.
function watch(page) {
	const problems = [];
	page.on('console', (msg) => {
		if (msg.type() === 'error' || msg.type() === 'warning')
			problems.push(`console ${msg.type()}: ${msg.text()}`);
	});
	page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
	page.on('requestfailed', (req) =>
		problems.push(`failed to load ${req.url()}: ${req.failure() ? req.failure().errorText : '?'}`));
	page.on('response', (res) => {
		if (res.status() >= 400)
			problems.push(`HTTP ${res.status()} for ${res.url()}`);
	});
	return problems;
}

function safeName(s) {
	return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'page';
}

async function screenshot(page, dir, name) {
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${safeName(name)}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

// The links of the loaded page, absolute, without fragments; only those
// under root (the site or server being checked) are followed.
async function links(page, root) {
	const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
	const out = new Set();
	for (const h of hrefs) {
		const u = h.split('#')[0];
		if (u.startsWith(root))
			out.add(u);
	}
	return [...out];
}

// Loads url at every viewport, screenshots each as NAME-VIEWPORT, and
// returns the problems seen (empty when the page is clean) and the page's
// links under root.
async function checkPage(browser, url, { shots, name, root }) {
	const problems = [];
	let found = [];
	for (const vp of VIEWPORTS) {
		const page = await browser.newPage();
		const seen = watch(page);
		await page.setViewport(vp);
		let res = null;
		try {
			res = await page.goto(url, { waitUntil: 'load', timeout: 15000 });
		} catch (e) {
			problems.push(`${url} (${vp.name}): could not load: ${e.message.split('\n')[0]}`);
			await page.close();
			break;
		}
		if (res && !res.ok() && !url.startsWith('file:'))
			seen.push(`HTTP ${res.status()}`);
		// A page wider than the phone's screen makes people scroll sideways.
		if (vp.name === 'phone') {
			const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
			if (over > 1)
				seen.push(`wider than a phone screen by ${over}px`);
		}
		if (shots)
			await screenshot(page, shots, `${name}-${vp.name}`);
		if (root)
			found = await links(page, root);
		for (const p of seen)
			problems.push(`${url} (${vp.name}): ${p}`);
		await page.close();
	}
	return { problems, links: found };
}

module.exports = { VIEWPORTS, unavailable, launch, watch, screenshot, links, checkPage, safeName };
