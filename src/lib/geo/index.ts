/** Public API of the geography library: pure functions, no I/O. */
export {
  type AreaGeometry,
  type BBox,
  type LinearRing,
  type MultiPolygonGeometry,
  type PolygonGeometry,
  type Position,
  bbox,
  haversineMetres,
  pointInGeometry,
  polygonsOf,
} from './geometry.js';
export { type MapProjection, type WardMapOptions, fitProjection, renderWardMapSvg } from './svg-map.js';
export {
  ONS_WARD_PROPERTIES,
  type WardLocator,
  type WardPropertyNames,
  type WardShape,
  createWardLocator,
  parseWardCollection,
} from './wards.js';
