// negentropy-interop.mjs: reconciles item sets between nostr-tools' Negentropy
// (lib/esm/nip77.js) and the C module (through tests/aux/neg-peer), both
// ways, and prints TAP.
//
//   node negentropy-interop.mjs NEG_PEER_PROGRAM [ITEMS]
//
// nostr-tools' client is a full initiator, so against our server its have and
// need ids must be the exact differences.  nostr-tools' server does not answer
// an IdList with its own ids (it settles the range itself, through its
// callbacks), so against it our client learns only part of the differences:
// what the two sides report together must be the exact differences.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { Negentropy, NegentropyStorageVector } =
	await import(path.join(here, 'node_modules/nostr-tools/lib/esm/nip77.js'));

const peer = process.argv[2];
const items = Number(process.argv[3] || 20000);
const dir = mkdtempSync(path.join(tmpdir(), 'neg-interop-'));
let testNo = 0, failed = 0;

function ok(cond, name, why) {
	testNo++;
	if (!cond) failed++;
	console.log(`${cond ? 'ok' : 'not ok'} ${testNo} - ${name}`);
	if (!cond && why) console.log(`# ${why}`);
}

const id = (i) => createHash('sha256').update('interop ' + i).digest('hex');
const ts = (i) => 1700000000 + ((i * 7919) % Math.max(1, Math.floor(items / 4)));

// makeSets: the client lacks items i % cm == cr, the server i % sm == sr.
function makeSets(cm, cr, sm, sr) {
	const c = [], s = [], onlyC = new Set(), onlyS = new Set();
	for (let i = 0; i < items; i++) {
		const inC = i % cm !== cr, inS = i % sm !== sr;
		if (inC) c.push([ts(i), id(i)]);
		if (inS) s.push([ts(i), id(i)]);
		if (inC && !inS) onlyC.add(id(i));
		if (inS && !inC) onlyS.add(id(i));
	}
	return { c, s, onlyC, onlyS };
}

function npmStorage(list) {
	const st = new NegentropyStorageVector();
	for (const [t, x] of list) st.insert(t, x);
	st.seal();
	return st;
}

function setFile(name, list) {
	const f = path.join(dir, name);
	writeFileSync(f, list.map(([t, x]) => `${t} ${x}\n`).join(''));
	return f;
}

// C: a running neg-peer, read line by line.
function startPeer(role, file, limit) {
	const child = spawn(peer, [role, file, String(limit)], { stdio: ['pipe', 'pipe', 'inherit'] });
	const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
	return {
		send: (hex) => child.stdin.write(hex + '\n'),
		next: async () => { const r = await lines.next(); return r.done ? 'eof' : r.value; },
		end: () => child.stdin.end(),
	};
}

const sameSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));

async function npmClientOurServer(name, sets, limit) {
	const server = startPeer('server', setFile('s', sets.s), limit);
	const neg = new Negentropy(npmStorage(sets.c));
	const have = new Set(), need = new Set();
	let msg = neg.initiate(), rounds = 0, error = null;
	while (msg && rounds < 10000) {
		rounds++;
		server.send(msg);
		const reply = await server.next();
		if (!reply.startsWith('msg ')) { error = reply; break; }
		msg = neg.reconcile(reply.slice(4), (x) => have.add(x), (x) => need.add(x));
	}
	server.end();
	ok(!error && sameSet(have, sets.onlyC) && sameSet(need, sets.onlyS),
		`${name}: nostr-tools client, our server (limit ${limit}): ${rounds} rounds`,
		error || `have ${have.size}/${sets.onlyC.size} need ${need.size}/${sets.onlyS.size}`);
}

async function ourClientNpmServer(name, sets, limit) {
	const client = startPeer('client', setFile('c', sets.c), limit);
	const neg = new Negentropy(npmStorage(sets.s));
	const cHave = new Set(), cNeed = new Set(), sHave = new Set(), sNeed = new Set();
	let rounds = 0, error = null, dupes = 0;
	let line = await client.next();
	while (rounds < 10000) {
		if (!line.startsWith('msg ')) { error = line; break; }
		rounds++;
		const reply = neg.reconcile(line.slice(4), (x) => sHave.add(x), (x) => sNeed.add(x));
		client.send(reply || '61');
		for (;;) {
			line = await client.next();
			if (line.startsWith('have ')) { if (cHave.has(line.slice(5))) dupes++; cHave.add(line.slice(5)); }
			else if (line.startsWith('need ')) { if (cNeed.has(line.slice(5))) dupes++; cNeed.add(line.slice(5)); }
			else break;
		}
		if (line === 'done') break;
	}
	client.end();
	// The server's need is the client's have, and the other way round.
	const have = new Set([...cHave, ...sNeed]), need = new Set([...cNeed, ...sHave]);
	ok(!error && line === 'done' && dupes === 0 && sameSet(have, sets.onlyC) && sameSet(need, sets.onlyS),
		`${name}: our client (limit ${limit}), nostr-tools server: ${rounds} rounds, ` +
		`client found ${cHave.size + cNeed.size} of ${sets.onlyC.size + sets.onlyS.size}`,
		error || `have ${have.size}/${sets.onlyC.size} need ${need.size}/${sets.onlyS.size} dupes ${dupes}`);
}

const cases = [
	['identical', makeSets(1, 1, 1, 1)],
	['2% and 3% apart', makeSets(50, 1, 37, 2)],
	['half apart', makeSets(2, 0, 2, 1)],
];
for (const [name, sets] of cases) {
	await npmClientOurServer(name, sets, 0);
	await npmClientOurServer(name, sets, 60000);
	await ourClientNpmServer(name, sets, 60000);
}
rmSync(dir, { recursive: true, force: true });
console.log(`1..${testNo}`);
process.exit(failed ? 1 : 0);
