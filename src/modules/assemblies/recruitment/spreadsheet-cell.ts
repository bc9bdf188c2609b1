// The platform's one formula-injection guard, under the name this module's code uses.
export { spreadsheetCell } from '../../../platform/opendata/spreadsheet-cell.js';
