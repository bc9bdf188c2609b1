import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { useTestApp } from '../../../../test/helpers/app.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { FileStore } from '../../../platform/files/file-store.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Role } from '../../../platform/module-definition.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { audioKind, withoutId3 } from './audio-kind.js';
import { neighbourhoodPrivacy } from './neighbourhood-privacy.js';
import {
  addAction,
  addMeeting,
  addTheme,
  getNeighbourhood,
  listActions,
  listMeetings,
  listNeighbourhoods,
  openNeighbourhood,
  updateAction,
  updateSettings,
} from './neighbourhood-service.js';
import {
  addStory,
  getStory,
  hideStory,
  myStories,
  pendingStories,
  publishedStories,
  publishStory,
  storyFile,
  type Upload,
} from './story-service.js';

const t = useTestApp();
const NONE: Upload = { bytes: null, tooLarge: false };
const file = (bytes: Buffer): Upload => ({ bytes, tooLarge: false });

async function person(roles: Role[] = []) {
  const p = await makePerson(t.db, { roles });
  const place = (await findPlaceBySlug(t.db, 'trafford')) as Place;
  const ctx: ServiceContext = {
    db: t.db,
    place,
    actor: { userId: p.userId, roles: [...roles, 'resident'], platformAdmin: false },
  };
  return { ...p, ctx };
}
async function visitor(): Promise<ServiceContext> {
  return { db: t.db, place: (await findPlaceBySlug(t.db, 'trafford')) as Place, actor: null };
}

let files: FileStore;
async function store() {
  files ??= new FileStore(await fs.mkdtemp(path.join(os.tmpdir(), 'kith-hood-')));
  return files;
}
after(() => (files ? fs.rm(files.dir, { recursive: true, force: true }) : undefined));

/** Opens a neighbourhood assembly in a ward nobody has used yet in this file. */
const spare = [
  'davyhulme',
  'flixton',
  'urmston',
  'hale',
  'bowdon',
  'brooklands',
  'manor',
  'longford',
  'broadheath',
  'timperley-central',
  'lostock-barton',
];
async function freshWard() {
  const facilitator = await person(['connector']);
  const ward = spare.shift() as string;
  await openNeighbourhood(facilitator.ctx, { ward, invitation: 'All welcome', facilitatorNote: '' });
  return { ward, facilitator };
}

const STORY = {
  mattered: 'The library kept its doors open and the staff knew everyone by name.',
  keep: 'The library on Saturdays.',
  showAs: 'name',
  displayName: 'Jo from Church Road',
};

const png = () =>
  sharp({ create: { width: 40, height: 30, channels: 3, background: '#00625e' } })
    .png()
    .toBuffer();

test('a story waits for a facilitator: not in the story book for anyone else, visible to its author', async () => {
  const { ward } = await freshWard();
  const author = await person();
  const other = await person();
  const id = await addStory(author.ctx, await store(), ward, STORY, {});
  const assembly = await getNeighbourhood(await visitor(), ward);

  assert.deepEqual(await publishedStories(await visitor(), assembly), []);
  await assert.rejects(getStory(await visitor(), ward, id), NotFound);
  await assert.rejects(getStory(other.ctx, ward, id), NotFound);
  const mine = await getStory(author.ctx, ward, id);
  assert.equal(mine.story.status, 'pending');
  assert.equal(mine.story.mine, true);
  assert.deepEqual(
    (await myStories(author.ctx, assembly)).map((s) => s.id),
    [id],
  );
  assert.deepEqual(await myStories(other.ctx, assembly), []);
  const summary = (await listNeighbourhoods(await visitor())).find((a) => a.ward.slug === ward);
  assert.equal(summary?.storyCount, 0, 'pending stories are not counted');
});

test('only facilitators moderate; a published story is in the story book with its themes', async () => {
  const { ward, facilitator } = await freshWard();
  const author = await person();
  const id = await addStory(author.ctx, await store(), ward, STORY, {});
  await assert.rejects(publishStory(author.ctx, ward, id), Forbidden);
  await assert.rejects(hideStory(author.ctx, ward, id, { reason: 'no' }), Forbidden);
  const assembly = await getNeighbourhood(author.ctx, ward);
  await assert.rejects(pendingStories(author.ctx, assembly), Forbidden);
  await assert.rejects(addTheme(author.ctx, ward, { name: 'Parks' }), Forbidden);

  assert.equal(await addTheme(facilitator.ctx, ward, { name: 'Libraries & reading' }), 'libraries-reading');
  await assert.rejects(addTheme(facilitator.ctx, ward, { name: 'Libraries  reading' }), Invalid, 'same slug');
  assert.deepEqual(
    (await pendingStories(facilitator.ctx, assembly)).map((s) => s.id),
    [id],
  );
  await assert.rejects(publishStory(facilitator.ctx, ward, id, ['no-such-theme']), Invalid);
  // An officer and a place admin may too, not only connectors.
  const officer = await person(['officer']);
  await publishStory(officer.ctx, ward, id, ['libraries-reading']);

  const book = await publishedStories(await visitor(), assembly);
  assert.deepEqual(
    book.map((s) => [s.id, s.displayName, s.themes.map((th) => th.name)]),
    [[id, 'Jo from Church Road', ['Libraries & reading']]],
  );
  assert.equal((await publishedStories(await visitor(), assembly, { theme: 'libraries-reading' })).length, 1);
  assert.equal((await publishedStories(await visitor(), assembly, { theme: 'parks' })).length, 0);
  assert.deepEqual(await pendingStories(facilitator.ctx, assembly), []);
});

test('hiding a story needs a reason, which its author sees; the public does not see the story', async () => {
  const { ward, facilitator } = await freshWard();
  const author = await person();
  const id = await addStory(author.ctx, await store(), ward, STORY, {});
  await assert.rejects(hideStory(facilitator.ctx, ward, id, { reason: '   ' }), (e: unknown) => {
    assert.ok(e instanceof Invalid);
    assert.deepEqual(e.fieldErrors, { reason: 'assemblies.neighbourhood.errors.reasonMissing' });
    return true;
  });
  await hideStory(facilitator.ctx, ward, id, { reason: 'It names a neighbour without their agreement.' });
  const assembly = await getNeighbourhood(author.ctx, ward);
  const [mine] = await myStories(author.ctx, assembly);
  assert.equal(mine?.status, 'hidden');
  assert.equal(mine?.hiddenReason, 'It names a neighbour without their agreement.');
  await assert.rejects(getStory(await visitor(), ward, id), NotFound);
  assert.deepEqual(await publishedStories(await visitor(), assembly), []);
  // Published after all: the reason goes.
  await publishStory(facilitator.ctx, ward, id);
  assert.equal((await getStory(await visitor(), ward, id)).story.hiddenReason, null);
});

test('anonymous stories carry no name; a name is needed when the author chooses to show one', async () => {
  const { ward } = await freshWard();
  const author = await person();
  const id = await addStory(
    author.ctx,
    await store(),
    ward,
    { ...STORY, showAs: 'anonymous', displayName: 'Ignored' },
    {},
  );
  assert.equal((await getStory(author.ctx, ward, id)).story.displayName, null);
  await assert.rejects(
    addStory(author.ctx, await store(), ward, { ...STORY, displayName: ' ' }, {}),
    (e: unknown) =>
      e instanceof Invalid &&
      e.fieldErrors.displayName === 'assemblies.neighbourhood.errors.displayNameMissing',
  );
  const stored = await t.db.query<{ author_id: string }>(
    'select author_id from neighbourhood_stories where id = $1',
    [id],
  );
  assert.equal(stored[0]?.author_id, author.userId, 'the author is known to Kith, never published');
});

test('bad files and missing words come back together as field errors, and nothing is stored', async () => {
  const { ward } = await freshWard();
  const author = await person();
  const before = await fs.readdir((await store()).dir).catch(() => []);
  await assert.rejects(
    addStory(
      author.ctx,
      await store(),
      ward,
      { mattered: '', showAs: '' },
      { photo: file(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), audio: file(await png()) },
    ),
    (e: unknown) => {
      assert.ok(e instanceof Invalid);
      assert.deepEqual(e.fieldErrors, {
        mattered: 'assemblies.neighbourhood.errors.matteredMissing',
        showAs: 'assemblies.neighbourhood.errors.showAsMissing',
        photo: 'assemblies.neighbourhood.errors.photo-notImage',
        audio: 'assemblies.neighbourhood.errors.audioNotAudio',
      });
      return true;
    },
  );
  await assert.rejects(
    addStory(author.ctx, await store(), ward, STORY, {
      photo: { bytes: null, tooLarge: true },
      audio: { bytes: null, tooLarge: true },
    }),
    (e: unknown) =>
      e instanceof Invalid &&
      e.fieldErrors.photo === 'assemblies.neighbourhood.errors.photoTooLarge' &&
      e.fieldErrors.audio === 'assemblies.neighbourhood.errors.audioTooLarge',
  );
  await assert.rejects(
    addStory(author.ctx, await store(), ward, STORY, { photo: file(await png()) }),
    (e: unknown) =>
      e instanceof Invalid && e.fieldErrors.photoAlt === 'assemblies.neighbourhood.errors.photoAltMissing',
  );
  await assert.rejects(
    addStory(author.ctx, await store(), ward, { ...STORY, mattered: 'x'.repeat(2001) }, {}),
    (e: unknown) =>
      e instanceof Invalid && e.fieldErrors.mattered === 'assemblies.neighbourhood.errors.matteredTooLong',
  );
  assert.deepEqual(await fs.readdir((await store()).dir).catch(() => []), before);
  // An empty file field (no file chosen) is no file at all.
  await addStory(author.ctx, await store(), ward, STORY, { photo: file(Buffer.alloc(0)), audio: NONE });
});

test('a photo is re-encoded without its metadata, and served only as the story is', async () => {
  const { ward, facilitator } = await freshWard();
  const author = await person();
  const withGps = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#cc3300' } })
    .jpeg()
    .withExif({ IFD0: { Copyright: 'Secret Person', ImageDescription: '53.39N 2.35W' } })
    .toBuffer();
  assert.ok((await sharp(withGps).metadata()).exif, 'the upload carries EXIF');
  const id = await addStory(
    author.ctx,
    await store(),
    ward,
    { ...STORY, photoAlt: 'A red square' },
    { photo: file(withGps) },
  );
  const mine = await storyFile(author.ctx, await store(), ward, id, 'photo');
  const meta = await sharp(mine.bytes).metadata();
  assert.equal(meta.format, 'webp');
  assert.equal(meta.exif, undefined);
  assert.equal(mine.published, false);
  assert.ok(!mine.bytes.includes(Buffer.from('Secret Person')));
  await assert.rejects(storyFile(await visitor(), await store(), ward, id, 'photo'), NotFound);
  await assert.rejects(storyFile(await visitor(), await store(), ward, id, 'audio'), NotFound);
  await publishStory(facilitator.ctx, ward, id);
  const thumb = await storyFile(await visitor(), await store(), ward, id, 'thumbnail');
  assert.equal(thumb.published, true);
  assert.equal(thumb.contentType, 'image/webp');
  const { story } = await getStory(await visitor(), ward, id);
  assert.equal(story.photo?.alt, 'A red square');
});

const ID3 = Buffer.concat([
  Buffer.from('ID3'),
  Buffer.from([4, 0, 0, 0, 0, 0, 20]),
  Buffer.alloc(20, 0x41), // a 20-byte tag body ("AAAA…", standing in for a name or a place)
]);
const FRAME = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(200, 0x55)]);
const wav = () => {
  const b = Buffer.alloc(44);
  b.write('RIFF', 0);
  b.writeUInt32LE(36, 4);
  b.write('WAVEfmt ', 8);
  return b;
};

test('audio is recognised by its bytes; an MP3 loses its ID3 tags', async () => {
  assert.equal(audioKind(Buffer.concat([ID3, FRAME]))?.extension, 'mp3');
  assert.equal(audioKind(FRAME)?.extension, 'mp3');
  assert.equal(audioKind(wav())?.extension, 'wav');
  assert.equal(audioKind(Buffer.concat([Buffer.from('OggS'), Buffer.alloc(40)]))?.extension, 'ogg');
  const m4a = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypM4A '), Buffer.alloc(30)]);
  assert.equal(audioKind(m4a)?.contentType, 'audio/mp4');
  assert.equal(audioKind(await png()), null);
  assert.equal(audioKind(Buffer.from('%PDF-1.7 hello there')), null);
  assert.equal(audioKind(Buffer.alloc(0)), null);
  assert.deepEqual(withoutId3(Buffer.concat([ID3, FRAME])), FRAME);
  const v1 = Buffer.concat([Buffer.from('TAG'), Buffer.alloc(125, 0x42)]);
  assert.deepEqual(withoutId3(Buffer.concat([FRAME, v1])), FRAME);

  const { ward } = await freshWard();
  const author = await person();
  const id = await addStory(author.ctx, await store(), ward, STORY, {
    audio: file(Buffer.concat([ID3, FRAME])),
  });
  const sound = await storyFile(author.ctx, await store(), ward, id, 'audio');
  assert.equal(sound.contentType, 'audio/mpeg');
  assert.deepEqual(sound.bytes, FRAME);
});

test('a closed assembly keeps its story book but takes no new stories', async () => {
  const { ward, facilitator } = await freshWard();
  const author = await person();
  await assert.rejects(
    updateSettings(author.ctx, ward, { status: 'closed', invitation: '', facilitatorNote: '' }),
    Forbidden,
  );
  await updateSettings(facilitator.ctx, ward, {
    status: 'closed',
    invitation: 'Thank you all',
    facilitatorNote: '',
  });
  await assert.rejects(addStory(author.ctx, await store(), ward, STORY, {}), Conflict);
  assert.equal((await getNeighbourhood(author.ctx, ward)).status, 'closed');
});

test('a ward has one neighbourhood assembly, opened by a facilitator', async () => {
  const resident = await person();
  await assert.rejects(openNeighbourhood(resident.ctx, { ward: 'timperley-north' }), Forbidden);
  const officer = await person(['officer']);
  assert.equal(await openNeighbourhood(officer.ctx, { ward: 'timperley-north' }), 'timperley-north');
  await assert.rejects(
    openNeighbourhood(officer.ctx, { ward: 'timperley-north' }),
    (e: unknown) =>
      e instanceof Invalid && e.fieldErrors.ward === 'assemblies.neighbourhood.errors.wardTaken',
  );
  await assert.rejects(
    openNeighbourhood(officer.ctx, { ward: 'atlantis' }),
    (e: unknown) =>
      e instanceof Invalid && e.fieldErrors.ward === 'assemblies.neighbourhood.errors.wardMissing',
  );
  await assert.rejects(getNeighbourhood(resident.ctx, 'sale-moor'), NotFound, 'a ward without one');
});

test('meetings are London dates and times; actions keep their kind and only safe links', async () => {
  const { ward, facilitator } = await freshWard();
  const fields = {
    'date-day': '1',
    'date-month': '7',
    'date-year': '2027',
    time: '18:30',
    venue: 'The café',
  };
  await addMeeting(facilitator.ctx, ward, fields);
  await addMeeting(facilitator.ctx, ward, { ...fields, 'date-month': '1', time: '9.15' });
  const assembly = await getNeighbourhood(facilitator.ctx, ward);
  assert.deepEqual(
    (await listMeetings(facilitator.ctx, assembly)).map((m) => m.startsAt.toISOString()),
    ['2027-01-01T09:15:00.000Z', '2027-07-01T17:30:00.000Z'],
  );
  await assert.rejects(
    addMeeting(facilitator.ctx, ward, {
      ...fields,
      'date-day': '31',
      'date-month': '2',
      time: '25:00',
      venue: '',
    }),
    (e: unknown) => {
      assert.ok(e instanceof Invalid);
      assert.deepEqual(Object.keys(e.fieldErrors).sort(), ['date', 'time', 'venue']);
      return true;
    },
  );

  const id = await addAction(facilitator.ctx, ward, { body: 'Start a lunch club', kind: 'group-activity' });
  for (const link of ['javascript:alert(1)', '//evil.example', 'http://plain.example', 'data:text/html,hi'])
    await assert.rejects(
      updateAction(facilitator.ctx, ward, id, { status: 'under-way', link }),
      (e: unknown) =>
        e instanceof Invalid && e.fieldErrors.link === 'assemblies.neighbourhood.errors.linkInvalid',
      link,
    );
  await updateAction(facilitator.ctx, ward, id, { status: 'under-way', link: '/trafford/whats-on' });
  await assert.rejects(addAction(facilitator.ctx, ward, { body: 'x', kind: 'petition' }), Invalid);
  const [action] = await listActions(facilitator.ctx, assembly);
  assert.deepEqual(
    [action?.kind, action?.status, action?.link],
    ['group-activity', 'under-way', '/trafford/whats-on'],
  );
  const resident = await person();
  await assert.rejects(addAction(resident.ctx, ward, { body: 'x', kind: 'idea' }), Forbidden);
});

test('the demo has neighbourhood assemblies in the wards module demo ward and three more', async () => {
  const all = await listNeighbourhoods(await visitor());
  const slugs = all.map((a) => a.ward.slug);
  for (const s of ['altrincham', 'stretford-humphrey-park', 'old-trafford', 'sale-central'])
    assert.ok(slugs.includes(s), s);
  const demo = all.filter((a) =>
    ['altrincham', 'stretford-humphrey-park', 'old-trafford', 'sale-central'].includes(a.ward.slug),
  );
  assert.equal(
    demo.reduce((n, a) => n + a.storyCount, 0),
    15,
  );
  const pending = await t.db.query<{ n: number }>(
    `select count(*)::int as n from neighbourhood_stories where status = 'pending'
       and assembly_id in (select id from neighbourhood_assemblies where id::text like 'c0a1e5b0-%')`,
  );
  assert.equal(pending[0]?.n, 2);
  assert.ok(demo.every((a) => a.nextMeeting && a.nextMeeting.startsAt.getTime() > Date.now()));
});

test('an author can download their stories; deleting the account removes unpublished ones and unnames the rest', async () => {
  const { ward, facilitator } = await freshWard();
  const author = await person();
  const published = await addStory(author.ctx, await store(), ward, STORY, {});
  const waiting = await addStory(
    author.ctx,
    await store(),
    ward,
    { ...STORY, mattered: 'Not checked yet' },
    {},
  );
  await publishStory(facilitator.ctx, ward, published);
  const me = { userId: author.userId, email: author.email };
  const exported = await neighbourhoodPrivacy.exportFor?.(t.db, me);
  assert.equal(exported?.neighbourhood_stories?.length, 2);
  const kept = await t.db.transaction((tx) => neighbourhoodPrivacy.eraseFor?.(tx, me) ?? Promise.resolve([]));
  assert.deepEqual(kept, ['assemblies.neighbourhood.privacy.keptOnErase']);
  await assert.rejects(getStory(facilitator.ctx, ward, waiting), NotFound);
  const { story } = await getStory(await visitor(), ward, published);
  assert.equal(story.displayName, null);
  assert.equal(story.mattered, STORY.mattered);
});
