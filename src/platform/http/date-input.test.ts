import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dateInputValues, readDateInput } from './date-input.js';

const input = (day: string, month: string, year: string) => ({
  'when-day': day,
  'when-month': month,
  'when-year': year,
});

test('a GOV.UK date input reads as a civil date, with or without leading zeros', () => {
  assert.deepEqual(readDateInput(input('5', '7', '2027'), 'when'), { date: '2027-07-05' });
  assert.deepEqual(readDateInput(input(' 05 ', '07', '2027'), 'when'), { date: '2027-07-05' });
  assert.deepEqual(readDateInput(input('29', '2', '2028'), 'when'), { date: '2028-02-29' });
});

test('nothing entered and impossible dates are told apart', () => {
  assert.deepEqual(readDateInput({}, 'when'), { error: 'missing' });
  assert.deepEqual(readDateInput(input('', '', ''), 'when'), { error: 'missing' });
  assert.deepEqual(readDateInput(input('29', '2', '2027'), 'when'), { error: 'invalid' });
  assert.deepEqual(readDateInput(input('31', '4', '2027'), 'when'), { error: 'invalid' });
  assert.deepEqual(readDateInput(input('1', '13', '2027'), 'when'), { error: 'invalid' });
  assert.deepEqual(readDateInput(input('1', '1', '27'), 'when'), { error: 'invalid' });
  assert.deepEqual(readDateInput(input('1', 'June', '2027'), 'when'), { error: 'invalid' });
  assert.deepEqual(readDateInput(input('1', '6', ''), 'when'), { error: 'invalid' });
  assert.deepEqual(readDateInput({ 'when-day': ['1'], 'when-month': '6', 'when-year': '2027' }, 'when'), {
    error: 'invalid',
  });
});

test('a date goes back into the three fields as people type it', () => {
  assert.deepEqual(dateInputValues('2027-07-05'), { day: '5', month: '7', year: '2027' });
  assert.deepEqual(dateInputValues(null), { day: '', month: '', year: '' });
});
