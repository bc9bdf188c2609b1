import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  answerFromForm,
  londonToday,
  optionCounts,
  percent,
  pinFromClick,
  type QuestionDefinition,
  questionFromForm,
  rankingResult,
  scaleResult,
  takingAnswers,
  withoutContactDetails,
} from './consultation-rules.js';

const q = (d: Partial<QuestionDefinition>) => ({
  id: 'a',
  kind: 'radios' as const,
  prompt: 'P',
  hint: '',
  required: true,
  options: ['A', 'B', 'C'],
  settings: {},
  ...d,
});

test('the builder checks each kind of question', () => {
  assert.deepEqual(questionFromForm({ kind: 'radios', prompt: 'Q', options: 'Only one' }), {
    ok: false,
    errors: { options: 'consultations.errors.optionsFew' },
  });
  assert.equal(questionFromForm({ kind: 'sliders', prompt: 'Q' }).ok, false, 'an unknown kind');
  assert.equal(questionFromForm({ kind: 'radios', prompt: '', options: 'a\nb' }).ok, false, 'no prompt');
  const radios = questionFromForm({ kind: 'radios', prompt: 'Q', options: 'a\r\nb\n\nb\n' });
  assert.ok(radios.ok && radios.question.options.join() === 'a,b', 'blank lines and repeats dropped');
  const cb = questionFromForm({
    kind: 'checkboxes',
    prompt: 'Q',
    options: 'a\nb\nc',
    minChoices: '3',
    maxChoices: '2',
  });
  assert.deepEqual(cb.ok ? null : cb.errors, { maxChoices: 'consultations.errors.minOverMax' });
  assert.equal(
    questionFromForm({ kind: 'checkboxes', prompt: 'Q', options: 'a\nb', maxChoices: '5' }).ok,
    false,
  );
  assert.equal(
    questionFromForm({ kind: 'checkboxes', prompt: 'Q', options: 'a\nb', maxChoices: 'x' }).ok,
    false,
  );
  const scale = questionFromForm({
    kind: 'scale',
    prompt: 'Q',
    scaleMin: '1',
    scaleMax: '11',
    lowLabel: 'lo',
    highLabel: 'hi',
  });
  assert.deepEqual(scale.ok ? null : scale.errors, { scaleMax: 'consultations.errors.scaleMax' });
  assert.equal(
    questionFromForm({
      kind: 'scale',
      prompt: 'Q',
      scaleMin: '1',
      scaleMax: '5',
      lowLabel: '',
      highLabel: 'hi',
    }).ok,
    false,
  );
  const ranking = questionFromForm({ kind: 'ranking', prompt: 'Q', options: '1\n2\n3\n4\n5\n6\n7\n8\n9' });
  assert.deepEqual(ranking.ok ? null : ranking.errors, { options: 'consultations.errors.rankingMany' });
  const text = questionFromForm({ kind: 'text', prompt: 'Q', maxLength: '5' });
  assert.deepEqual(text.ok ? null : text.errors, { maxLength: 'consultations.errors.maxLength' });
  const optional = questionFromForm({
    kind: 'text',
    prompt: 'Q',
    required: 'no',
    long: 'yes',
    maxLength: '300',
  });
  assert.ok(optional.ok && !optional.question.required && optional.question.settings.long);
});

test('answers are checked against their question', () => {
  const radios = q({});
  assert.deepEqual(answerFromForm(radios, { 'q-a': 'B' }), { ok: true, answer: 'B' });
  assert.equal(answerFromForm(radios, { 'q-a': 'Z' }).ok, false, 'not one of the options');
  assert.equal(answerFromForm(radios, {}).ok, false, 'required');
  assert.deepEqual(answerFromForm({ ...radios, required: false }, {}), { ok: true, answer: null });

  const cb = q({ kind: 'checkboxes', settings: { minChoices: 2, maxChoices: 2 } });
  assert.deepEqual(
    answerFromForm(cb, { 'q-a': ['C', 'A'] }),
    { ok: true, answer: ['A', 'C'] },
    'in the officer’s order',
  );
  assert.deepEqual(answerFromForm(cb, { 'q-a': 'A' }), {
    ok: false,
    error: 'consultations.errors.answer.tooFewChoices',
  });
  assert.deepEqual(answerFromForm(cb, { 'q-a': ['A', 'B', 'C'] }), {
    ok: false,
    error: 'consultations.errors.answer.tooManyChoices',
  });

  const scale = q({ kind: 'scale', options: [], settings: { min: 1, max: 5 } });
  assert.deepEqual(answerFromForm(scale, { 'q-a': '5' }), { ok: true, answer: 5 });
  for (const bad of ['0', '6', '2.5', 'x', '-1', '1e1'])
    assert.equal(answerFromForm(scale, { 'q-a': bad }).ok, false, `scale value ${bad}`);

  const ranking = q({ kind: 'ranking' });
  assert.deepEqual(answerFromForm(ranking, { 'q-a-1': 'C', 'q-a-2': 'A', 'q-a-3': 'B' }), {
    ok: true,
    answer: ['C', 'A', 'B'],
  });
  assert.deepEqual(answerFromForm(ranking, { 'q-a-1': 'C', 'q-a-2': 'C', 'q-a-3': 'B' }), {
    ok: false,
    error: 'consultations.errors.answer.rankTwice',
  });
  assert.deepEqual(answerFromForm(ranking, { 'q-a-1': 'C', 'q-a-2': 'A' }), {
    ok: false,
    error: 'consultations.errors.answer.rankAll',
  });
  assert.equal(answerFromForm(ranking, { 'q-a-1': 'C', 'q-a-2': 'A', 'q-a-3': 'D' }).ok, false);

  const text = q({ kind: 'text', options: [], settings: { maxLength: 10 } });
  assert.deepEqual(answerFromForm(text, { 'q-a': '  hello  ' }), { ok: true, answer: 'hello' });
  assert.equal(answerFromForm(text, { 'q-a': 'x'.repeat(11) }).ok, false);
});

test('a consultation takes answers on whole London days, from the opening day to the closing day', () => {
  const c = { status: 'open', opensOn: '2026-07-01', closesOn: '2026-07-31' };
  // 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time): open.
  assert.equal(takingAnswers(c, new Date('2026-06-30T23:30:00Z')), true);
  assert.equal(takingAnswers(c, new Date('2026-06-30T22:59:59Z')), false, '23:59 on 30 June in London');
  assert.equal(takingAnswers(c, new Date('2026-07-31T22:59:59Z')), true, '23:59 on the closing day');
  assert.equal(takingAnswers(c, new Date('2026-07-31T23:00:00Z')), false, 'midnight after the closing day');
  // In winter London is on UTC.
  assert.equal(londonToday(new Date('2026-12-31T23:59:00Z')), '2026-12-31');
  assert.equal(takingAnswers({ ...c, status: 'closed' }, new Date('2026-07-10T12:00:00Z')), false);
});

test('a click is turned into fractions of the map, and anything else is refused', () => {
  assert.deepEqual(pinFromClick('320', '110', 640, 440), { x: 0.5, y: 0.25 });
  assert.deepEqual(pinFromClick('640', '440', 640, 440), { x: 1, y: 1 });
  for (const [x, y] of [
    ['641', '10'],
    ['10', '441'],
    ['-1', '10'],
    ['abc', '10'],
    ['1e3', '1'],
    ['', ''],
    [undefined, '3'],
    [['1'], '3'],
    ['NaN', 'Infinity'],
  ])
    assert.equal(pinFromClick(x, y, 640, 440), null, `${String(x)},${String(y)}`);
});

test('results: whole percentages, medians, mean ranks and Borda counts on small cases', () => {
  assert.equal(percent(1, 8), 13, '12.5 rounds up');
  assert.equal(percent(1, 3), 33);
  assert.equal(percent(2, 3), 67);
  assert.equal(percent(0, 0), 0);
  const counts = optionCounts(['A', 'B'], [['A', 'B'], ['A'], 'B', 'A']);
  assert.deepEqual(counts, {
    answered: 4,
    counts: [
      { option: 'A', count: 3, percent: 75 },
      { option: 'B', count: 2, percent: 50 },
    ],
  });
  assert.equal(scaleResult([1, 2, 3, 4, 5], [5, 1, 3]).median, 3);
  assert.equal(scaleResult([1, 2, 3, 4, 5], [4, 1, 3, 5]).median, 3.5);
  assert.equal(scaleResult([1, 2, 3], []).median, null);
  const r = rankingResult(
    ['X', 'Y', 'Z'],
    [
      ['X', 'Y', 'Z'],
      ['Y', 'X', 'Z'],
      ['X', 'Z', 'Y'],
    ],
  );
  // X: 2+1+2 = 5 points, mean rank (1+2+1)/3 = 1.33; Y: 1+2+0 = 3, 2; Z: 0+0+1 = 1, 2.67.
  assert.deepEqual(
    r.rows.map((x) => [x.option, x.borda, x.meanRank, x.firsts]),
    [
      ['X', 5, 1.33, 2],
      ['Y', 3, 2, 1],
      ['Z', 1, 2.67, 0],
    ],
  );
});

test('email addresses and phone numbers are taken out of free text', () => {
  assert.equal(
    withoutContactDetails('Mail jo.bloggs@example.org or ring 07700 900123 or +44 161 496 0000'),
    'Mail [email removed] or ring [phone number removed] or [phone number removed]',
  );
  assert.equal(withoutContactDetails('We need 20 more benches by 2027'), 'We need 20 more benches by 2027');
});
