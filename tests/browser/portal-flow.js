#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// portal-flow.js --url URL --store DIR --sd SD [--shots DIR]
//
// A requester's way through sd serve in headless Chromium, as a person
// would take it: fill in the form, see a matching FAQ article, send the
// request anyway, follow the status link, see the agent's comment (an
// agent comments with the CLI meanwhile) but never the internal note,
// reply with a file, and confirm the fix; then a second request with
// files on the form (one too large first) and its download link. Every page is screenshotted at phone and
// desktop widths (portal-STEP-VIEWPORT.png) and watched for console
// errors, failed loads and pages wider than a phone. Exit status: 0 all
// well, 1 problems (listed on stdout), 77 browser unavailable.
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const lib = require('./lib');

function args(argv) {
	const o = { shots: null };
	for (let i = 0; i < argv.length; i++)
		o[argv[i].replace(/^--/, '')] = argv[++i];
	return o;
}

async function main(argv) {
	const o = args(argv);
	const why = lib.unavailable();
	if (why) {
		console.log(why);
		return 77;
	}
	const problems = [];
	const expect = (cond, what) => { if (!cond) problems.push(what); };
	const sd = (...a) => execFileSync(o.sd, ['-C', o.store, ...a], { encoding: 'utf8' });
	const browser = await lib.launch();
	const page = await browser.newPage();
	const seen = lib.watch(page);
	const text = () => page.evaluate(() => document.body.innerText);
	// Each step's page at both widths; the flow itself runs at the phone's.
	// Only the width changes: switching to a mobile device would reload
	// the page, and a page that answered a form would be posted again.
	const widths = lib.VIEWPORTS.map((v) => ({ name: v.name, width: v.width, height: v.height }));
	const shoot = async (step) => {
		for (const vp of [...widths].reverse()) {
			await page.setViewport(vp);
			if (vp.name === 'phone') {
				const over = await page.evaluate(() =>
					document.documentElement.scrollWidth - window.innerWidth);
				expect(over <= 1, `${step}: wider than a phone by ${over}px`);
			}
			if (o.shots)
				await lib.screenshot(page, o.shots, `portal-${step}-${vp.name}`);
		}
	};
	const submit = async (selector) => {
		await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
	};
	try {
		await page.setViewport(widths[0]);
		await page.goto(o.url + '/?lang=sl', { waitUntil: 'load' });
		expect((await text()).includes('Kako vam lahko pomagamo?'), 'the form is in Slovenian');
		await page.goto(o.url + '/?lang=en', { waitUntil: 'load' });
		await shoot('form');
		// Keyboard: the first Tab reaches the skip link, which leads to main.
		await page.keyboard.press('Tab');
		const first = await page.evaluate(() => document.activeElement.className);
		expect(first === 'skip', `the first Tab stop is the skip link (got "${first}")`);

		await page.type('#name', 'Mojca Žagar');
		await page.type('#email', 'mojca@example.com');
		await page.type('#title', 'VPN ne dela od jutra');
		await page.click('input[name=urgency][value=high]');
		await page.type('#description', 'Odjemalec VPN se ne poveže.\nNapaka 809.');
		await submit('form[action="/request"] button[type=submit]');
		const sug = await text();
		expect(sug.includes('Does one of these solve it?'), 'a matching article is offered first');
		expect(sug.includes('VPN ne dela: ponovno zaženite odjemalca'), 'the FAQ article is listed');
		await shoot('suggest');

		await submit('form[action="/request"] button[type=submit]');
		const sent = await text();
		expect(sent.includes('Your request was sent'), 'the request was sent');
		const link = await page.$eval('.created .link a', (a) => a.href);
		const id = (link.match(/\/t\/([0-9a-z]{12})\//) || [])[1];
		expect(id, `a status link is shown (${link})`);
		await shoot('sent');

		// The desk answers from the CLI while the requester waits.
		sd('comment', id, '-m', 'Ponovno zaženite odjemalca, prosim.');
		sd('comment', id, '--internal', '-m', 'INTERNAL-NOTE: user is on the old client');
		await page.goto(link, { waitUntil: 'load' });
		const st = await text();
		expect(st.includes('Ponovno zaženite odjemalca, prosim.'), "the agent's comment shows");
		expect(!st.includes('INTERNAL-NOTE'), 'the internal note never shows');
		await shoot('status');

		await page.type('#comment', 'Hvala, zdaj deluje!');
		const shot = path.join(os.tmpdir(), `posnetek-${process.pid}.txt`);
		fs.writeFileSync(shot, 'Napaka 809 ob 8.15\n');
		await (await page.$('#files')).uploadFile(shot);
		await submit('form[action$="/comment"] button[type=submit]');
		fs.unlinkSync(shot);
		const replied = await text();
		expect(replied.includes('Your message was added.') && replied.includes('Hvala, zdaj deluje!'),
			'the reply shows');
		expect(replied.includes(`File attached: posnetek-${process.pid}.txt`), 'the file shows');

		sd('resolve', id, '-m', 'Client restarted');
		await page.goto(link, { waitUntil: 'load' });
		expect((await text()).includes('Solved, please confirm'), 'the page says it is solved');
		await submit('form[action$="/solved"] button[type=submit]');
		const closed = await text();
		expect(closed.includes('Thank you for confirming.') && closed.includes('Closed'),
			'confirming closes it');
		expect(JSON.parse(sd('show', id, '--json')).status === 'closed', 'the ticket is closed');
		await shoot('closed');

		// The reply's file is a download link on the status page.
		const reply = await page.$$eval('.files a', (as) => as.map((a) => a.textContent));
		expect(reply.includes(`posnetek-${process.pid}.txt`), `the reply's file is listed (${reply})`);

		// A second request with files on the first form: one too large
		// first (the page says so and keeps what was typed), then smaller.
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-portal-'));
		const big = path.join(dir, 'velik posnetek.bin');
		fs.writeFileSync(big, Buffer.alloc(70000, 7));
		const png = path.join(dir, 'снимок экрана čšž.png');
		const pngBytes = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhf' +
			'DwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
		fs.writeFileSync(png, pngBytes);
		await page.goto(o.url + '/?lang=en', { waitUntil: 'load' });
		await page.type('#name', 'Иван Петров');
		await page.type('#email', 'ivan@example.ru');
		await page.type('#title', 'Принтер печатает пустые листы');
		await page.type('#description', 'После замены картриджа. Čšž.');
		await (await page.$('#files')).uploadFile(big);
		await submit('form[action="/request"] button[type=submit]');
		const over = await text();
		expect(over.includes('The files are too large or too many, so nothing was sent yet;') &&
			over.includes('Not accepted: „velik posnetek.bin“'), 'too large: the page says which file and why');
		expect(await page.$eval('#title', (i) => i.value) === 'Принтер печатает пустые листы',
			'too large: the title is kept');
		await shoot('form-toolarge');
		// The 413 of that page is the point, not a problem.
		for (let i = seen.length - 1; i >= 0; i--)
			if (/^HTTP 413 for .*\/request$|status of 413/.test(seen[i]))
				seen.splice(i, 1);
		await (await page.$('#files')).uploadFile(png);
		await shoot('form-files');
		await submit('form[action="/request"] button[type=submit]');
		expect((await text()).includes('Your request was sent'), 'the request with a file was sent');
		const files = await page.$$eval('.files a', (as) =>
			as.map((a) => [a.textContent, a.href, a.hasAttribute('download')]));
		expect(files.length === 1 && files[0][0] === 'снимок экрана čšž.png' && files[0][2],
			`the status page links the file (${JSON.stringify(files)})`);
		await shoot('status-files');
		if (files.length) {
			const res = await fetch(files[0][1]);
			const body = Buffer.from(await res.arrayBuffer());
			expect(res.status === 200 && body.equals(pngBytes), 'the link downloads the file');
			expect(res.headers.get('content-type') === 'image/png' &&
				(res.headers.get('content-disposition') || '').startsWith('attachment;') &&
				res.headers.get('x-content-type-options') === 'nosniff',
				`the download is an attachment (${[...res.headers].join('; ')})`);
		}
		fs.rmSync(dir, { recursive: true });

		for (const [step, path] of [['article', '/kb/vpn-restart'],
			['search', '/kb/?q=vpn']]) {
			await page.goto(o.url + path, { waitUntil: 'load' });
			await shoot(step);
		}
	} catch (e) {
		problems.push(`the flow stopped: ${e.message.split('\n')[0]}`);
	} finally {
		await browser.close();
	}
	for (const p of seen)
		problems.push(p);
	for (const p of problems)
		console.log(p);
	return problems.length ? 1 : 0;
}

main(process.argv.slice(2)).then((rc) => process.exit(rc), (e) => {
	console.log(e.stack || String(e));
	process.exit(1);
});
