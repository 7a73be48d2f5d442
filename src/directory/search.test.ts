/** Small tests of the directory's matching rules (directory/search.ts) and its per-account scan. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalBus } from '../bus/index.ts';
import type { Database, Sql } from '../store/db.ts';
import { DirectoryIndex } from './index.ts';
import { fold, matchesAll, needlesOf, parseQuery, PrefixFilter, searchable } from './search.ts';
import { BLOCK, Shard, toEntry, type Person } from './shard.ts';

let n = 0;
const person = (firstName: string, lastName: string, over: Partial<Person> = {}): Person => {
  n++;
  return {
    id: `0190c0de-0000-7000-8000-${String(n).padStart(12, '0')}`, accountId: 'acct-a', firstName, lastName,
    email: `${fold(firstName)}.${fold(lastName)}@example.com`.replace(/\s/g, ''), extension: null, numberId: null, number: null,
    presence: 'available', profileImageUrl: null, ...over,
  };
};

const people: Person[] = [
  person('Anna', 'Müller', { extension: '2001', number: '+493012345678', numberId: 'n1' }),
  person('Jonas', 'Müller-Lüdenscheidt', { extension: '2002' }),
  person('Lena', 'Schröder', { extension: '3100', email: 'l.schroeder@example.com' }),
  person('Paul', 'Becker', { extension: '3101', number: '+442079460123', numberId: 'n2' }),
  person('Zoë', 'Annaberg', { extension: '4000', email: 'zoe_annaberg+work@example.com' }),
  person('Mia', 'Wagner', { extension: '4501', number: '+493099912300', numberId: 'n3' }),
  person('Ole', 'Yıldız', { email: 'ole.1234@example.com' }),
  person('Fax', 'Zentrale', { email: '4711@example.com' }),
];
const shard = new Shard('acct-a', 'Alpha');
shard.reset(people);

const names = (q: string, matchExtension = true, after: string | null = null): string[] => [...shard.matches(parseQuery(q), after, matchExtension)].map((e) => `${e.firstName} ${e.lastName}`);

test('fold ignores case, accents and ß', () => {
  assert.equal(fold('Müller'), 'muller');
  assert.equal(fold('ÉLISE Straße'), 'elise strasse');
  assert.equal(fold('Zoë'), 'zoe');
});

test('the prefix filter says yes to every word start it holds, per field, and no to others', () => {
  const f = new PrefixFilter();
  f.add(searchable({ firstName: 'Anna', lastName: 'Müller', email: 'a.mueller@example.com', extension: '2001', number: '+493012345678' }));
  for (const key of ['ta', 'tan', 'tann', 'tm', 'tmul', 'tmue', 'ta.mu', 'x2', 'x200', 'ma', 'ma.mu', 'e4', 'e4930']) {
    assert.equal(f.mayHold(key.length > 5 ? key.slice(0, 5) : key), true, key);
  }
  for (const key of ['g493', 'g123', 'g678', 'g030', 'g301']) assert.equal(f.mayHold(key), true, key);
  for (const key of ['tb', 'tnn', 'x3', 'x01', 'e30', 'd2', 'tanno', 'g999', 'g321']) assert.equal(f.mayHold(key), false, key);
});

test('a query is read into terms: words, digits, one number fragment, or an E.164 prefix', () => {
  assert.deepEqual(parseQuery(''), []);
  assert.deepEqual(parseQuery('   '), []);
  assert.deepEqual(parseQuery('Anna Mü'), [{ kind: 'word', text: 'anna' }, { kind: 'word', text: 'mu' }]);
  assert.deepEqual(parseQuery('anna 20'), [{ kind: 'word', text: 'anna' }, { kind: 'digits', digits: '20' }]);
  assert.deepEqual(parseQuery('030 1234-5'), [{ kind: 'digits', digits: '03012345' }]);
  assert.deepEqual(parseQuery('+49 (30) 12'), [{ kind: 'e164', digits: '493012' }]);
  assert.deepEqual(parseQuery('anna +4930'), [{ kind: 'word', text: 'anna' }, { kind: 'e164', digits: '4930' }]);
  assert.deepEqual(parseQuery('- ,'), []);
});

test('an empty query lists everyone by last name, first name', () => {
  assert.deepEqual(names(''), ['Zoë Annaberg', 'Paul Becker', 'Anna Müller', 'Jonas Müller-Lüdenscheidt', 'Lena Schröder', 'Mia Wagner', 'Ole Yıldız', 'Fax Zentrale']);
});

test('a word matches the start of a first name, a last name or a part of it — never inside a word', () => {
  assert.deepEqual(names('ann'), ['Zoë Annaberg', 'Anna Müller']);
  assert.deepEqual(names('mül'), ['Anna Müller', 'Jonas Müller-Lüdenscheidt']);
  assert.deepEqual(names('MULLER'), ['Anna Müller', 'Jonas Müller-Lüdenscheidt']);
  assert.deepEqual(names('lüd'), ['Jonas Müller-Lüdenscheidt']);
  assert.deepEqual(names('müller-l'), ['Jonas Müller-Lüdenscheidt']);
  assert.deepEqual(names('ller'), []);
  assert.deepEqual(names('zoe'), ['Zoë Annaberg']);
});

test('every term must match (type-ahead over first and last name)', () => {
  assert.deepEqual(names('anna mü'), ['Anna Müller']);
  assert.deepEqual(names('mü anna'), ['Anna Müller']);
  assert.deepEqual(names('anna be'), []);
});

test('the e-mail matches from its start and by the words of its local part', () => {
  assert.deepEqual(names('l.schr'), ['Lena Schröder']);
  assert.deepEqual(names('schroeder'), ['Lena Schröder']);
  assert.deepEqual(names('work'), ['Zoë Annaberg']);
  assert.deepEqual(names('zoe_annaberg+w'), ['Zoë Annaberg']);
  assert.deepEqual(names('example'), [], 'the domain is not a word of the local part');
  assert.deepEqual(names('l.schroeder@ex'), ['Lena Schröder'], 'with an @: the start of the whole address');
  assert.deepEqual(names('@example'), [], 'the address from its start only');
  assert.deepEqual(names('12'), [], 'a local-part word without a letter is no word ("ole.1234")');
  assert.deepEqual(names('ole.12'), ['Ole Yıldız'], 'but the local part as a whole is');
  assert.deepEqual(names('47'), ['Fax Zentrale'], 'a local part starting with digits is found by digits');
});

test('digits match the start of the extension, unless extensions are hidden', () => {
  assert.deepEqual(names('2'), ['Anna Müller', 'Jonas Müller-Lüdenscheidt']);
  assert.deepEqual(names('310'), ['Paul Becker', 'Lena Schröder']);
  assert.deepEqual(names('3100'), ['Lena Schröder']);
  assert.deepEqual(names('001'), [], 'extensions match from their start only');
  assert.deepEqual(names('2', false), []);
  assert.deepEqual(names('anna 2001'), ['Anna Müller']);
  assert.deepEqual(names('anna 2001', false), []);
});

test('3 or more digits match anywhere in the number, in E.164 or national form; "+" matches the E.164 start', () => {
  assert.deepEqual(names('456'), ['Anna Müller']);
  assert.deepEqual(names('456', false), ['Anna Müller'], 'numbers are searched even where extensions are hidden');
  assert.deepEqual(names('12 34'), ['Anna Müller'], 'digits and blanks are one fragment, "1234"');
  assert.deepEqual(names('1 2'), [], '"12" has two digits: it could only start an extension, and none does');
  assert.deepEqual(names('12345'), ['Anna Müller']);
  assert.deepEqual(names('030 999'), ['Mia Wagner']);
  assert.deepEqual(names('020 7946'), ['Paul Becker']);
  assert.deepEqual(names('+49'), ['Anna Müller', 'Mia Wagner']);
  assert.deepEqual(names('+44 20'), ['Paul Becker']);
  assert.deepEqual(names('+30'), [], '"+" anchors at the country code');
  assert.deepEqual(names('45'), ['Mia Wagner'], 'two digits: extensions only (4501), not the numbers containing 45');
});

test('a scan continues after a sort key (cursor)', () => {
  const all = [...shard.matches([], null, true)];
  assert.deepEqual(names('', true, all[1]!.key), ['Anna Müller', 'Jonas Müller-Lüdenscheidt', 'Lena Schröder', 'Mia Wagner', 'Ole Yıldız', 'Fax Zentrale']);
  assert.deepEqual(names('mü', true, all[2]!.key), ['Jonas Müller-Lüdenscheidt']);
});

test('upsert and remove keep the order and the search current', () => {
  const s = new Shard('acct-a', 'Alpha');
  s.reset(people.slice(0, 3));
  const p = person('Bernd', 'Aachen', { extension: '2999' });
  s.upsert(p);
  assert.deepEqual([...s.matches(parseQuery('2'), null, true)].map((e) => e.lastName), ['Aachen', 'Müller', 'Müller-Lüdenscheidt']);
  s.upsert({ ...p, lastName: 'Zander' });
  assert.deepEqual([...s.matches(parseQuery('2'), null, true)].map((e) => e.lastName), ['Müller', 'Müller-Lüdenscheidt', 'Zander']);
  s.remove(p.id);
  assert.deepEqual([...s.matches(parseQuery('2'), null, true)].map((e) => e.lastName), ['Müller', 'Müller-Lüdenscheidt']);
  assert.equal(s.size, 3);
});

test('across many blocks, with people added and removed in any order, the scan finds exactly what a full check finds', () => {
  const firsts = ['Anna', 'Ben', 'Cem', 'Dörte', 'Emil', 'Fatma', 'Gus'];
  const lasts = ['Albers', 'Bauer', 'Brandt', 'Çelik', 'Dietz', 'Engel', 'Frank', 'Groß', 'Haas'];
  let seed = 7;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pool = Array.from({ length: BLOCK * 6 }, (_, i) => person(firsts[i % firsts.length]!, lasts[Math.floor(rand() * lasts.length)]!, {
    extension: String(1000 + i), ...(i % 4 === 0 ? { number: `+49301${String(100000 + i * 7).padStart(7, '0')}`, numberId: `n${i}` } : {}),
  }));
  const s = new Shard('acct-a', 'Alpha');
  s.reset(pool.slice(0, BLOCK));
  const live = new Map(pool.slice(0, BLOCK).map((p) => [p.id, p]));
  for (const p of [...pool.slice(BLOCK)].sort(() => rand() - 0.5)) {
    s.upsert(p);
    live.set(p.id, p);
    if (rand() < 0.2) {
      const gone = [...live.keys()][Math.floor(rand() * live.size)]!;
      s.remove(gone);
      live.delete(gone);
    }
  }
  assert.equal(s.size, live.size);
  const everyone = [...live.values()].map(toEntry).sort((a, b) => (a.key < b.key ? -1 : 1));
  for (const q of ['', 'a', 'an', 'b', 'br', 'gro', 'cel', 'dö', 'anna ba', '1', '12', '105', '1234', '0101', '+49301', 'zz', 'emil 1']) {
    const terms = parseQuery(q);
    const want = everyone.filter((e) => matchesAll(e.s, terms.map((t) => needlesOf(t, true)))).map((e) => e.id);
    assert.deepEqual([...s.matches(terms, null, true)].map((e) => e.id), want, `query "${q}"`);
    if (want.length > 3) {
      const after = everyone.find((e) => e.id === want[2])!.key;
      assert.deepEqual([...s.matches(terms, after, true)].map((e) => e.id), want.slice(3), `query "${q}" after the third`);
    }
  }
});

/** A database stand-in answering the index's full read with fixed rows. */
function fakeDb(accounts: { id: string; name: string }[], rows: Person[]): Database {
  const sql: Sql = {
    query: async <T>(text: string) => (text.includes('FROM accounts')
      ? accounts
      : rows.map((p) => ({
        id: p.id, account_id: p.accountId, first_name: p.firstName, last_name: p.lastName, email: p.email, presence: p.presence,
        profile_image_url: p.profileImageUrl, extension: p.extension, number_id: p.numberId, number: p.number,
      }))) as unknown as T[],
    exec: async () => undefined,
  };
  const run = <T>(fn: (s: Sql) => Promise<T>): Promise<T> => fn(sql);
  return { kind: 'pglite', tenant: (_a, fn) => run(fn), operator: run, identity: run, owner: run, ping: async () => undefined, close: async () => undefined };
}

test('the index merges accounts in name order, searches only the accounts named, and pages', async () => {
  const rows = [
    person('Ada', 'Berg', { accountId: 'a' }), person('Ben', 'Adler', { accountId: 'b' }), person('Cem', 'Dorn', { accountId: 'a' }),
    person('Dana', 'Cohen', { accountId: 'b' }), person('Eva', 'Abel', { accountId: 'c' }),
  ];
  const idx = new DirectoryIndex(fakeDb([{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }, { id: 'c', name: 'C' }], rows), new LocalBus());
  await idx.warm();
  assert.equal(idx.size, 5);
  const scopes = [{ accountId: 'a', matchExtension: true }, { accountId: 'b', matchExtension: true }];
  const p1 = idx.search(scopes, '', null, 3);
  assert.deepEqual(p1.items.map((e) => e.lastName), ['Adler', 'Berg', 'Cohen']);
  assert.equal(p1.more, true);
  const p2 = idx.search(scopes, '', p1.items[2]!.key, 3);
  assert.deepEqual(p2.items.map((e) => e.lastName), ['Dorn']);
  assert.equal(p2.more, false);
  assert.deepEqual(idx.search([{ accountId: 'c', matchExtension: true }], 'e', null, 10).items.map((e) => e.lastName), ['Abel']);
  assert.deepEqual(idx.search([{ accountId: 'unknown', matchExtension: true }], '', null, 10).items, []);
});

test('events that arrive while the index is being built are applied before it answers; later events at once', async () => {
  const uuid = (i: number): string => `0190c0de-0000-7000-8000-${String(900000 + i).padStart(12, '0')}`;
  const row = (p: Person): Record<string, unknown> => ({
    id: p.id, account_id: p.accountId, first_name: p.firstName, last_name: p.lastName, email: p.email, presence: p.presence,
    profile_image_url: p.profileImageUrl, extension: p.extension, number_id: p.numberId, number: p.number,
  });
  const acct = uuid(0);
  const table = new Map<string, Person>([[uuid(1), person('Old', 'Timer', { id: uuid(1), accountId: acct })]]);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const sql: Sql = {
    query: async <T>(text: string, params?: readonly unknown[]) => {
      if (text.includes('FROM accounts')) return [{ id: acct, name: 'Acct' }] as unknown as T[];
      if (text.includes('FROM numbers WHERE id')) return [...table.values()].filter((p) => p.numberId === params![0]).map((p) => ({ user_id: p.id })) as unknown as T[];
      if (text.includes('ANY($1::uuid[])')) return (params![0] as string[]).filter((id) => table.has(id)).map((id) => row(table.get(id)!)) as unknown as T[];
      const snapshot = [...table.values()].map(row); // the full read sees the state before the change below
      await gate;
      return snapshot as unknown as T[];
    },
    exec: async () => undefined,
  };
  const run = <T>(fn: (s: Sql) => Promise<T>): Promise<T> => fn(sql);
  const bus = new LocalBus();
  const idx = new DirectoryIndex({ kind: 'pglite', tenant: (_a, fn) => run(fn), operator: run, identity: run, owner: run, ping: async () => undefined, close: async () => undefined }, bus);
  const everyone = () => idx.search([{ accountId: acct, matchExtension: true }], '', null, 10).items.map((e) => e.lastName);
  const warming = idx.warm();
  await new Promise((r) => setImmediate(r));
  table.set(uuid(2), person('New', 'Comer', { id: uuid(2), accountId: acct }));
  await bus.publish({ type: 'user.created', accountId: acct, id: uuid(2) });
  release();
  await warming;
  assert.deepEqual(everyone(), ['Comer', 'Timer']);
  table.delete(uuid(1));
  await bus.publish({ type: 'user.deleted', accountId: acct, id: uuid(1) });
  assert.deepEqual(everyone(), ['Comer']);
  table.set(uuid(2), { ...table.get(uuid(2))!, numberId: uuid(3), number: '+493055501234' });
  await bus.publish({ type: 'number.updated', accountId: acct, id: uuid(3) });
  assert.deepEqual(idx.search([{ accountId: acct, matchExtension: true }], '55501', null, 10).items.map((e) => e.lastName), ['Comer'], 'number events reload the holder');
  table.set(uuid(2), { ...table.get(uuid(2))!, numberId: null, number: null });
  await bus.publish({ type: 'number.updated', accountId: acct, id: uuid(3) });
  assert.deepEqual(idx.search([{ accountId: acct, matchExtension: true }], '55501', null, 10).items.map((e) => e.lastName), [], 'and the previous holder');
});
