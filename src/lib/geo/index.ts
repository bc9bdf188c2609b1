/** Public API of the geography library: pure functions, no I/O. */
export {
  type AreaGeometry,
  type BBox,
  bbox,
  haversineMetres,
  type LinearRing,
  type MultiPolygonGeometry,
  type PolygonGeometry,
  type Position,
  pointInGeometry,
  polygonsOf,
} from './geometry.js';
export {
  fitProjection,
  type MapMarker,
  type MapProjection,
  renderWardMapSvg,
  type WardMapOptions,
} from './svg-map.js';
export {
  createWardLocator,
  ONS_WARD_PROPERTIES,
  parseWardCollection,
  type WardLocator,
  type WardPropertyNames,
  type WardShape,
} from './wards.js';
