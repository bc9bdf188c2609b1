import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { asciiFileName, documentKind, fileSizeText, safeFileName } from './file-kind.js';

const bytes = (...b: number[]) => Uint8Array.from([...b, 0, 0, 0]);

test('PDF, JPEG and PNG are known by their first bytes', () => {
  assert.equal(documentKind(Buffer.from('%PDF-1.7\n'))?.contentType, 'application/pdf');
  assert.equal(documentKind(bytes(0xff, 0xd8, 0xff, 0xe0))?.contentType, 'image/jpeg');
  assert.equal(documentKind(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))?.contentType, 'image/png');
});

test('anything else is refused, whatever it is called', () => {
  assert.equal(documentKind(Buffer.from('<html><script>alert(1)</script>')), null);
  assert.equal(documentKind(Buffer.from('GIF89a...')), null);
  assert.equal(documentKind(Buffer.from('MZ\x90\x00')), null);
  assert.equal(documentKind(new Uint8Array()), null);
  // A signature on its own, with nothing after it, is not a file.
  assert.equal(documentKind(Buffer.from('%PDF-')), null);
});

test('a safe file name keeps the words, drops the path and takes the extension the bytes earned', () => {
  assert.equal(safeFileName('C:\\Users\\sam\\Insurance 2027.pdf', 'pdf'), 'Insurance 2027.pdf');
  assert.equal(safeFileName('../../etc/passwd', 'png'), 'passwd.png');
  assert.equal(safeFileName('map.exe', 'jpg'), 'map.jpg');
  assert.equal(safeFileName('"bad"\r\nname;.pdf', 'pdf'), 'badname.pdf');
  assert.equal(safeFileName('', 'pdf'), 'document.pdf');
});

test('a safe file name never holds a quote, slash, control character or header break', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (given) => {
      const name = safeFileName(given, 'pdf');
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them is the point
      assert.doesNotMatch(name, /["/\\\u0000-\u001f\u007f;]/);
      assert.ok(name.endsWith('.pdf'));
      assert.ok(name.length <= 104);
      assert.match(asciiFileName(name), /^[\x20-\x7e]+$/);
      assert.doesNotMatch(asciiFileName(name), /["\\]/);
    }),
  );
});

test('sizes read as kilobytes or megabytes', () => {
  assert.equal(fileSizeText(10), '1 KB');
  assert.equal(fileSizeText(860_000), '840 KB');
  assert.equal(fileSizeText(2.4 * 1024 * 1024), '2.4 MB');
  assert.equal(fileSizeText(10 * 1024 * 1024), '10 MB');
});
