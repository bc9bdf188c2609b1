export { type Disclosed, discloseCount, disclosePartsOfTotal, SUPPRESS_BELOW } from './suppress.js';
