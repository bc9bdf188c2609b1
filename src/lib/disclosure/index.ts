export { type Disclosed, disclosePartsOfTotal, discloseCount, SUPPRESS_BELOW } from './suppress.js';
