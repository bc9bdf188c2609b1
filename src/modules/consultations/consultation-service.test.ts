import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../test/helpers/app.js';
import { makePerson } from '../../../test/helpers/people.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../platform/http/errors.js';
import type { ServiceContext } from '../../platform/http/request-context.js';
import { findPlaceBySlug } from '../../platform/places/place-service.js';
import { consultationPrivacy } from './consultation-privacy.js';
import {
  addQuestion,
  anonymousResponses,
  changeStatus,
  createConsultation,
  getConsultation,
  myResponse,
  saveAnswers,
  submitResponse,
} from './consultation-service.js';

const t = useTestApp();

async function contexts() {
  const place = await findPlaceBySlug(t.db, 'trafford');
  if (!place) throw new Error('no demo place');
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const resident = await makePerson(t.db);
  const as = (userId: string, roles: ('officer' | 'resident')[]): ServiceContext => ({
    db: t.db,
    place,
    actor: { userId, roles, platformAdmin: false },
  });
  return {
    officerCtx: as(officer.userId, ['officer', 'resident']),
    residentCtx: as(resident.userId, ['resident']),
    resident,
  };
}

/** A consultation open on the whole of July 2026 (British Summer Time) with one scale question. */
async function julyConsultation(officerCtx: ServiceContext) {
  const id = await createConsultation(officerCtx, {
    title: 'July',
    summary: 'S',
    runBy: 'R',
    'opensOn-day': '1',
    'opensOn-month': '7',
    'opensOn-year': '2026',
    'closesOn-day': '31',
    'closesOn-month': '7',
    'closesOn-year': '2026',
  });
  const qid = await addQuestion(officerCtx, id, {
    kind: 'scale',
    prompt: 'How much?',
    scaleMin: '1',
    scaleMax: '5',
    lowLabel: 'Little',
    highLabel: 'Lots',
  });
  await changeStatus(officerCtx, id, 'open');
  return { id, field: `q-${qid}` };
}

test('answers are taken from the start of the opening day to the end of the closing day, London time', async () => {
  const { officerCtx, residentCtx } = await contexts();
  const { id, field } = await julyConsultation(officerCtx);
  const at = (iso: string) => new Date(iso);
  await assert.rejects(saveAnswers(residentCtx, id, { [field]: '3' }, at('2026-06-30T22:59:00Z')), Conflict);
  await saveAnswers(residentCtx, id, { [field]: '3' }, at('2026-06-30T23:01:00Z'));
  await saveAnswers(residentCtx, id, { [field]: '4' }, at('2026-07-31T22:59:00Z'));
  await assert.rejects(saveAnswers(residentCtx, id, { [field]: '5' }, at('2026-07-31T23:00:01Z')), Conflict);
  await submitResponse(residentCtx, id, at('2026-07-15T12:00:00Z'));
  const mine = await myResponse(residentCtx, id);
  assert.equal(mine?.answers[field.slice(2)], 4);
  assert.equal(mine?.submittedOn, '2026-07-15');
});

test('one response per person, required answers before sending, and questions locked once open', async () => {
  const { officerCtx, residentCtx, resident } = await contexts();
  const { id, field } = await julyConsultation(officerCtx);
  const july = new Date('2026-07-10T12:00:00Z');
  await assert.rejects(submitResponse(residentCtx, id, july), Invalid, 'nothing answered yet');
  await assert.rejects(saveAnswers(residentCtx, id, { [field]: '6' }, july), Invalid, 'off the scale');
  await saveAnswers(residentCtx, id, { [field]: '2' }, july);
  await saveAnswers(residentCtx, id, { [field]: '5' }, july);
  await submitResponse(residentCtx, id, july);
  await submitResponse(residentCtx, id, july);
  const rows = await t.db.query('select 1 from consultation_responses where consultation_id = $1', [id]);
  assert.equal(rows.length, 1);
  await assert.rejects(
    addQuestion(officerCtx, id, { kind: 'radios', prompt: 'Late', options: 'a\nb' }),
    Conflict,
  );
  await assert.rejects(
    addQuestion(residentCtx, id, { kind: 'radios', prompt: 'x', options: 'a\nb' }),
    Forbidden,
  );
  await assert.rejects(changeStatus(officerCtx, id, 'publish'), Conflict, 'it must close first');

  // Results are the officer's until published; then anyone's, with no person in them.
  await assert.rejects(anonymousResponses(residentCtx, id), NotFound);
  await changeStatus(officerCtx, id, 'close');
  await changeStatus(officerCtx, id, 'publish');
  const { responses } = await anonymousResponses({ ...residentCtx, actor: null }, id);
  assert.equal(responses.length, 1);
  assert.doesNotMatch(JSON.stringify(responses), new RegExp(resident.userId));

  // The person's data: exported, then unlinked on erasure, the answer kept.
  const exported = await consultationPrivacy.exportFor?.(t.db, resident);
  assert.equal(exported?.consultation_responses?.length, 1);
  const kept = await t.db.transaction(
    (tx) => consultationPrivacy.eraseFor?.(tx, resident) ?? Promise.resolve([]),
  );
  assert.deepEqual(kept, ['consultations.privacy.kept']);
  assert.equal((await anonymousResponses({ ...residentCtx, actor: null }, id)).responses.length, 1);
  assert.equal((await consultationPrivacy.exportFor?.(t.db, resident))?.consultation_responses?.length, 0);
});

test('a draft is hidden from residents and a bad id is not found', async () => {
  const { officerCtx, residentCtx } = await contexts();
  const id = await createConsultation(officerCtx, {
    title: 'Draft',
    summary: 'S',
    runBy: 'R',
    'opensOn-day': '1',
    'opensOn-month': '1',
    'opensOn-year': '2026',
    'closesOn-day': '2',
    'closesOn-month': '1',
    'closesOn-year': '2026',
  });
  await assert.rejects(getConsultation(residentCtx, id), NotFound);
  await assert.rejects(getConsultation(officerCtx, 'not-a-uuid'), NotFound);
  await assert.rejects(changeStatus(officerCtx, id, 'open'), Conflict, 'no questions yet');
  await assert.rejects(createConsultation(residentCtx, {}), Forbidden);
});
