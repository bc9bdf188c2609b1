import { encode } from 'uqr';
import { printable } from './tagged-pdf.js';

/** Modules of white space every side of the code, as the QR standard asks. */
export const QR_QUIET_ZONE = 4;

/** A run of dark modules on one row of a QR code, in module units from its top left. */
export type ModuleRun = { x: number; y: number; width: number };

/** The matrix for a URL: medium error correction, no border (the drawing adds the quiet zone). */
export function qrMatrix(url: string): boolean[][] {
  return encode(url, { ecc: 'M', border: 0 }).data;
}

/**
 * The dark modules of a QR matrix as horizontal runs (fewer, larger rectangles than one per
 * module, so the PDF stays small and the code prints without hairline gaps).
 */
export function darkRuns(matrix: readonly (readonly boolean[])[]): ModuleRun[] {
  const runs: ModuleRun[] = [];
  matrix.forEach((row, y) => {
    let start = -1;
    for (let x = 0; x <= row.length; x++) {
      const dark = x < row.length && row[x] === true;
      if (dark && start < 0) start = x;
      if (!dark && start >= 0) {
        runs.push({ x: start, y, width: x - start });
        start = -1;
      }
    }
  });
  return runs;
}

/** The side of a drawn code in points, quiet zone included. */
export function qrCodeSide(url: string, unit: number): number {
  return (qrMatrix(url).length + QR_QUIET_ZONE * 2) * unit;
}

/**
 * Draws the QR code for `url` as a tagged figure with its alternative text, top left at
 * (left, top), `unit` points per module (whole points keep rows meeting exactly in print).
 * Returns the side drawn, in points.
 */
export function drawQrCode(
  pdf: { doc: PDFKit.PDFDocument; parent: PDFKit.PDFStructureElement },
  url: string,
  place: { left: number; top: number; unit: number; alt: string },
): number {
  const { doc, parent } = pdf;
  const { left, top, unit } = place;
  const matrix = qrMatrix(url);
  const side = (matrix.length + QR_QUIET_ZONE * 2) * unit;
  parent.add(
    doc.struct('Figure', { alt: printable(place.alt) }, () => {
      // The quiet zone is white whatever the paper; then one rectangle per run of dark modules.
      doc.rect(left, top, side, side).fill('#ffffff');
      for (const run of darkRuns(matrix))
        doc.rect(
          left + (run.x + QR_QUIET_ZONE) * unit,
          top + (run.y + QR_QUIET_ZONE) * unit,
          run.width * unit,
          unit,
        );
      doc.fill('#000000');
    }),
  );
  return side;
}
