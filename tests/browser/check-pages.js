#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// check-pages.js [--crawl] [--shots DIR] [--name PREFIX] URL...
//
// Opens each URL (http:// or file://) in headless Chromium at phone and
// desktop widths and fails on console errors, uncaught exceptions,
// resources that did not load, HTTP errors, pages wider than a phone, and
// (with --crawl) links under the first URL's directory that lead nowhere;
// crawled pages are checked the same way. Screenshots go to DIR as
// PREFIX-PAGE-VIEWPORT.png. Exit status: 0 clean, 1 problems (listed on
// stdout), 77 when the browser is not available (the reason on stdout).
'use strict';

const path = require('path');
const lib = require('./lib');

async function main(argv) {
	let crawl = false, shots = null, prefix = 'page';
	const urls = [];
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--crawl') crawl = true;
		else if (a === '--shots') shots = argv[++i];
		else if (a === '--name') prefix = argv[++i];
		else urls.push(a);
	}
	if (!urls.length) {
		console.log('usage: check-pages.js [--crawl] [--shots DIR] [--name PREFIX] URL...');
		return 2;
	}
	const why = lib.unavailable();
	if (why) {
		console.log(why);
		return 77;
	}
	const root = urls[0].replace(/[^/]*$/, '');
	const browser = await lib.launch();
	const problems = [];
	const done = new Set();
	const queue = urls.map((url) => ({ url, from: null }));
	try {
		while (queue.length) {
			const { url, from } = queue.shift();
			if (done.has(url))
				continue;
			done.add(url);
			const rel = url.startsWith(root) ? url.slice(root.length) : url;
			const name = `${prefix}-${rel.replace(/\.html$/, '') || 'index'}`;
			const seen = await lib.checkPage(browser, url, { shots, name, root: crawl ? root : null });
			for (const p of seen.problems)
				problems.push(from ? `${p} (linked from ${from})` : p);
			for (const l of seen.links)
				if (!done.has(l))
					queue.push({ url: l, from: url });
		}
	} finally {
		await browser.close();
	}
	for (const p of problems)
		console.log(p);
	console.log(`${done.size} page(s) checked, ${problems.length} problem(s)` +
		(shots ? `; screenshots in ${path.resolve(shots)}` : ''));
	return problems.length ? 1 : 0;
}

main(process.argv.slice(2)).then((rc) => process.exit(rc), (e) => {
	console.log(`check-pages: ${e.stack || e}`);
	process.exit(1);
});
