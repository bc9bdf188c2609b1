import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { useTestApp } from '../../../../test/helpers/app.js';
import { openForm, uploadFile } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-photos-'));
const photoDir = path.join(dataDir, 'files', 'space-photos');
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const t = useTestApp(undefined, undefined, { KITH_DATA_DIR: dataDir });

const SPACE = '/trafford/spaces/stretford-library';
const PAGE = `${SPACE}/photos`;

/**
 * A camera's photo: 3000 × 2000 pixels stored on its side (EXIF orientation 6, so it is really
 * portrait), with the camera's make and a GPS position in its EXIF.
 */
async function cameraPhoto(colour = '#00625e'): Promise<Buffer> {
  return sharp({ create: { width: 3000, height: 2000, channels: 3, background: colour } })
    .jpeg({ quality: 70 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'KithTestCam' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '53/1 27/1 0/1',
        GPSLongitudeRef: 'W',
        GPSLongitude: '2/1 17/1 0/1',
      },
    })
    .toBuffer();
}

function upload(
  cookie: string,
  options: { content?: string | Uint8Array; filename?: string; altText?: string; contentType?: string } = {},
) {
  return uploadFile(t.app, {
    cookie,
    formUrl: PAGE,
    field: 'file',
    filename: options.filename,
    content: options.content ?? '',
    contentType: options.contentType ?? 'image/jpeg',
    fields: options.altText === undefined ? {} : { altText: options.altText },
  });
}

const storedFiles = () => (fs.existsSync(photoDir) ? fs.readdirSync(photoDir).sort() : []);

async function photoRows() {
  return t.db.query<{ id: string; alt_text: string; width: number; height: number; position: number }>(
    `select p.id, p.alt_text, p.width, p.height, p.position from space_photos p join spaces s on s.id = p.space_id
     where s.slug = 'stretford-library' order by p.position`,
  );
}

async function clearPhotos() {
  await t.db.query(
    "delete from space_photos where space_id = (select id from spaces where slug = 'stretford-library')",
  );
  fs.rmSync(photoDir, { recursive: true, force: true });
}

test('an officer uploads a photo: it is turned upright, resized, stripped of EXIF and served', async () => {
  await clearPhotos();
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const res = await upload(officer.cookie, {
    content: await cameraPhoto(),
    filename: 'IMG_2041 at home.jpg',
    altText: 'The meeting room set out with chairs in a circle',
  });
  assert.equal(res.statusCode, 303, res.body);
  assert.equal(res.headers.location, `${PAGE}?done=added`);

  const [row] = await photoRows();
  assert.ok(row);
  // Portrait once upright, and no more than 1600 pixels on its longer side.
  assert.deepEqual([row.width, row.height], [1067, 1600]);

  // Kith's own names on disk, never the uploader's.
  assert.deepEqual(storedFiles(), [`${row.id}-thumb.webp`, `${row.id}.webp`]);
  assert.ok(!fs.readdirSync(dataDir, { recursive: true }).some((f) => String(f).includes('IMG_2041')));

  const large = await t.app.inject(`${PAGE}/${row.id}.webp`);
  assert.equal(large.statusCode, 200);
  assert.equal(large.headers['content-type'], 'image/webp');
  assert.match(large.headers['cache-control'] as string, /public, max-age=\d+/);
  const meta = await sharp(large.rawPayload).metadata();
  assert.equal(meta.format, 'webp');
  assert.deepEqual([meta.width, meta.height], [1067, 1600]);
  assert.equal(meta.exif, undefined, 'no EXIF left');
  assert.ok(!large.rawPayload.includes('KithTestCam'), 'the camera is not named');

  const thumb = await t.app.inject(`${PAGE}/${row.id}-thumb.webp`);
  assert.equal(thumb.statusCode, 200);
  const thumbMeta = await sharp(thumb.rawPayload).metadata();
  assert.deepEqual([thumbMeta.width, thumbMeta.height], [320, 480]);

  // The public page shows it with its alt text and size, loaded lazily.
  const page = await t.app.inject(SPACE);
  assert.match(
    page.body,
    new RegExp(
      `<img class="kith-photo" src="${PAGE}/${row.id}-thumb.webp" alt="The meeting room set out with chairs in a circle" width="320" height="480" loading="lazy"`,
    ),
  );
  // And the open data has it too.
  const one = JSON.parse((await t.app.inject('/trafford/api/spaces/stretford-library')).body);
  assert.deepEqual(one.photos, [
    {
      url: `${PAGE}/${row.id}.webp`,
      thumbnail_url: `${PAGE}/${row.id}-thumb.webp`,
      alt_text: 'The meeting room set out with chairs in a circle',
      width: 1067,
      height: 1600,
    },
  ]);
  assert.equal((await t.app.inject('/trafford/api/spaces/no-such-space')).statusCode, 404);
  const list = JSON.parse((await t.app.inject('/trafford/api/spaces')).body);
  const library = list.contents.find((s: { slug: string }) => s.slug === 'stretford-library');
  assert.equal(library.photos[0].alt_text, 'The meeting room set out with chairs in a circle');
  assert.deepEqual(list.contents.find((s: { slug: string }) => s.slug === 'longford-park-pitch').photos, []);

  const [log] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from audit_log where action = 'spaces.photo.add' and target_id = $1",
    [row.id],
  );
  assert.equal(log?.n, 1);
});

test('what is not a usable photo, or has no alt text, is refused with a message and leaves nothing behind', async () => {
  await clearPhotos();
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const good = await cameraPhoto();
  const cases: [string, Parameters<typeof upload>[1], RegExp][] = [
    [
      'text renamed .jpg',
      { content: 'this is not a photo', filename: 'hall.jpg', altText: 'A hall' },
      /The photo must be a JPEG, PNG or WebP picture/,
    ],
    [
      'a cut-short JPEG',
      { content: good.subarray(0, 3000), filename: 'hall.jpg', altText: 'A hall' },
      /The photo must be a JPEG, PNG or WebP picture/,
    ],
    [
      'an SVG',
      {
        content: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        filename: 'hall.png',
        contentType: 'image/png',
        altText: 'A hall',
      },
      /The photo must be a JPEG, PNG or WebP picture/,
    ],
    ['an empty file', { content: '', filename: 'hall.jpg', altText: 'A hall' }, /Select a photo to upload/],
    ['no file chosen', { altText: 'A hall' }, /Select a photo to upload/],
    [
      'too large',
      { content: Buffer.alloc(10 * 1024 * 1024 + 1, 1), filename: 'hall.jpg', altText: 'A hall' },
      /The photo must be smaller than 10 MB/,
    ],
    [
      'no alt text',
      { content: good, filename: 'hall.jpg', altText: '   ' },
      /Enter alt text describing the photo/,
    ],
    ['no alt text field', { content: good, filename: 'hall.jpg' }, /Enter alt text describing the photo/],
    [
      'alt text too long',
      { content: good, filename: 'hall.jpg', altText: 'a'.repeat(251) },
      /Alt text must be 250 characters or fewer/,
    ],
  ];
  // A small file that would decode to an enormous picture (a "decompression bomb").
  const bomb = await sharp({ create: { width: 8001, height: 8001, channels: 3, background: '#fff' } })
    .png({ compressionLevel: 9 })
    .toBuffer();
  cases.push([
    'too many pixels',
    { content: bomb, filename: 'hall.png', contentType: 'image/png', altText: 'A hall' },
    /The photo is too big to use/,
  ]);
  for (const [what, options, message] of cases) {
    const res = await upload(officer.cookie, options);
    assert.equal(res.statusCode, 422, what);
    assert.match(res.body, /There is a problem/, what);
    assert.match(res.body, message, what);
  }
  // Both problems at once, and the alt text typed is kept.
  const both = await upload(officer.cookie, { content: 'nope', filename: 'x.jpg', altText: 'b'.repeat(300) });
  assert.match(both.body, /JPEG, PNG or WebP/);
  assert.match(both.body, /250 characters or fewer/);
  assert.match(both.body, /b{300}/);
  assert.deepEqual(await photoRows(), []);
  assert.deepEqual(storedFiles(), []);
});

test('the upload checks the CSRF token, and only officers manage photos', async () => {
  await clearPhotos();
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const forged = await uploadFile(t.app, {
    cookie: officer.cookie,
    formUrl: PAGE,
    field: 'file',
    filename: 'hall.jpg',
    content: await cameraPhoto(),
    contentType: 'image/jpeg',
    fields: { altText: 'A hall' },
    csrf: 'not-the-token',
  });
  assert.equal(forged.statusCode, 403);
  assert.deepEqual(await photoRows(), []);

  const resident = await makePerson(t.db);
  assert.equal((await t.app.inject({ url: PAGE, headers: { cookie: resident.cookie } })).statusCode, 403);
  const tried = await upload(resident.cookie, {
    content: await cameraPhoto(),
    filename: 'a.jpg',
    altText: 'A',
  });
  assert.equal(tried.statusCode, 403);
  assert.deepEqual(await photoRows(), []);
  const anonymous = await t.app.inject(PAGE);
  assert.equal(anonymous.statusCode, 303);
  assert.match(anonymous.headers.location as string, /\/account\/sign-in/);

  // A resident cannot remove an officer's photo either.
  assert.equal(
    (await upload(officer.cookie, { content: await cameraPhoto(), filename: 'a.jpg', altText: 'A' }))
      .statusCode,
    303,
  );
  const [row] = await photoRows();
  const remove = await openForm(t.app, { cookie: resident.cookie, formUrl: SPACE });
  assert.equal((await remove({}, `${PAGE}/${row?.id}/remove`)).statusCode, 403);
  assert.equal((await photoRows()).length, 1);
  assert.equal(storedFiles().length, 2);
});

test('an officer reorders photos, rewrites alt text and removes a photo with its files', async () => {
  await clearPhotos();
  const officer = await makePerson(t.db, { roles: ['officer'] });
  for (const [colour, altText] of [
    ['#aa0000', 'The red door at the front'],
    ['#0000aa', 'The blue reading corner'],
  ] as const) {
    const res = await upload(officer.cookie, {
      content: await cameraPhoto(colour),
      filename: 'p.jpg',
      altText,
    });
    assert.equal(res.statusCode, 303);
  }
  const [red, blue] = await photoRows();
  assert.ok(red && blue);
  const post = await openForm(t.app, { cookie: officer.cookie, formUrl: PAGE });

  // Move the second one up: it leads the space's page now.
  const moved = await post({ direction: 'up' }, `${PAGE}/${blue.id}/move`);
  assert.equal(moved.statusCode, 303);
  assert.deepEqual(
    (await photoRows()).map((r) => r.alt_text),
    ['The blue reading corner', 'The red door at the front'],
  );
  const page = (await t.app.inject(SPACE)).body;
  assert.ok(page.indexOf('The blue reading corner') < page.indexOf('The red door at the front'));
  // The first cannot go further up; nothing changes.
  assert.equal((await post({ direction: 'up' }, `${PAGE}/${blue.id}/move`)).statusCode, 303);
  assert.equal((await photoRows())[0]?.id, blue.id);

  // Alt text cannot be emptied; the message is beside that photo's field.
  const empty = await post({ altText: '' }, `${PAGE}/${red.id}/alt-text`);
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, new RegExp(`href="#alt-${red.id}"[^>]*>Enter alt text describing the photo`));
  assert.match(empty.body, new RegExp(`id="alt-${red.id}-error"`));
  const saved = await post(
    { altText: 'The red front door, with a ramp beside the steps' },
    `${PAGE}/${red.id}/alt-text`,
  );
  assert.equal(saved.statusCode, 303);
  assert.match((await t.app.inject(SPACE)).body, /alt="The red front door, with a ramp beside the steps"/);

  // Removing it removes its row and both its files, and its address stops working.
  const removed = await post({}, `${PAGE}/${red.id}/remove`);
  assert.equal(removed.statusCode, 303);
  assert.deepEqual(
    (await photoRows()).map((r) => r.id),
    [blue.id],
  );
  assert.deepEqual(storedFiles(), [`${blue.id}-thumb.webp`, `${blue.id}.webp`]);
  assert.equal((await t.app.inject(`${PAGE}/${red.id}.webp`)).statusCode, 404);

  const actions = await t.db.query<{ action: string; target_id: string }>(
    "select action, target_id from audit_log where target_type = 'space-photo' and target_id = any($1) order by id",
    [[red.id, blue.id]],
  );
  assert.deepEqual(
    actions.map((a) => `${a.action} ${a.target_id === red.id ? 'red' : 'blue'}`),
    [
      'spaces.photo.add red',
      'spaces.photo.add blue',
      'spaces.photo.move blue',
      'spaces.photo.alt-text red',
      'spaces.photo.remove red',
    ],
  );
});

test('photo addresses answer 404 for anything but a stored photo of that space', async () => {
  await clearPhotos();
  const officer = await makePerson(t.db, { roles: ['officer'] });
  await upload(officer.cookie, { content: await cameraPhoto(), filename: 'p.jpg', altText: 'The room' });
  const [row] = await photoRows();
  for (const url of [
    `${PAGE}/00000000-0000-4000-8000-000000000000.webp`,
    `${PAGE}/${row?.id}.jpg`,
    `${PAGE}/${row?.id}`,
    `${PAGE}/..%2F..%2F..%2Fetc%2Fpasswd`,
    `${PAGE}/%2e%2e%2fspace-photos%2f${row?.id}.webp`,
    // The right photo asked for through another space.
    `/trafford/spaces/longford-park-pitch/photos/${row?.id}.webp`,
  ]) {
    assert.equal((await t.app.inject(url)).statusCode, 404, url);
  }
});

test('a space holds at most ten photos', async () => {
  await clearPhotos();
  const officer = await makePerson(t.db, { roles: ['officer'] });
  await t.db.query(
    `insert into space_photos (space_id, file_name, alt_text, width, height, position)
     select s.id, 'space-photos/' || gen_random_uuid() || '.webp', 'Photo ' || n, 10, 10, n
     from spaces s, generate_series(0, 9) n where s.slug = 'stretford-library'`,
  );
  const page = await t.app.inject({ url: PAGE, headers: { cookie: officer.cookie } });
  assert.match(page.body, /This space has 10 photos, the most it can have/);
  assert.doesNotMatch(page.body, /enctype="multipart\/form-data"/);
  const res = await upload(officer.cookie, {
    content: await cameraPhoto(),
    filename: 'p.jpg',
    altText: 'One more',
  });
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /A space can have up to 10 photos/);
  assert.equal((await photoRows()).length, 10);
  assert.deepEqual(storedFiles(), []);
});

test('when the database refuses the photo, the files written for it are removed', async () => {
  await clearPhotos();
  const officer = await makePerson(t.db, { roles: ['officer'] });
  await t.db.query(`create function refuse_photo() returns trigger language plpgsql as $$
    begin raise exception 'disk full'; end $$`);
  await t.db.query(
    'create trigger refuse_photo before insert on space_photos for each row execute function refuse_photo()',
  );
  try {
    const res = await upload(officer.cookie, {
      content: await cameraPhoto(),
      filename: 'p.jpg',
      altText: 'The room',
    });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(storedFiles(), []);
  } finally {
    await t.db.query('drop trigger refuse_photo on space_photos');
    await t.db.query('drop function refuse_photo()');
  }
});
