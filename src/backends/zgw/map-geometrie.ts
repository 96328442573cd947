/**
 * GML geometry (anderZaakObject/lokatie, kept as sent in the zaakobject) → GeoJSON for ZGW's zaak.zaakgeometrie,
 * which Open Zaak keeps in WGS84 (Accept-Crs/Content-Crs EPSG:4326) and searches with `zaakgeometrie.within`.
 *
 * lokatie is a surface (BG:GeometrieIMGeo's surface types). Only what converts cleanly becomes GeoJSON: gml:Polygon
 * (exterior and interior rings, closed) with gml:posList or gml:pos in two dimensions, in RD New (EPSG:28992, x y) or WGS84 given as a URN or URL (EPSG:4326, lat lon
 * axis order). Everything else (curves, surfaces with patches, 3D, the short "EPSG:4326" whose axis order is
 * ambiguous) gets no zaakgeometrie; the GML itself is always kept. RD → WGS84 uses proj4 with the published
 * 7-parameter Helmert transformation: about a metre from RDNAPTRANS, which is fine for finding and showing a zaak
 * on a map, not for surveying (the GML as sent stays the precise value).
 */
import type { Converter } from 'proj4';
import type proj4 from 'proj4';
import { lazyRequire } from '../../lazy-require.js';
import type { AnderZaakObject, Leaf } from '../../domain/model.js';
import { NS } from '../../stuf/namespaces.js';

const RD_NEW = '+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel '
  + '+towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 +units=m +no_defs';
/** proj4 loads with the first RD geometry: most instances never convert one. */
const loadProj4 = lazyRequire<typeof proj4>('proj4');
let rdToWgs84: Converter | undefined;
const toWgs84 = (): Converter => (rdToWgs84 ??= loadProj4()(RD_NEW, 'EPSG:4326'));

export type GeoJson =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'GeometryCollection'; geometries: GeoJson[] };

type Position = (pair: [number, number]) => number[];

/** 7 decimals (about a centimetre): what is sent, so a later comparison with what ZGW returns is stable. */
const round = (n: number) => Math.round(n * 1e7) / 1e7;

/** How a srsName's coordinate pairs become GeoJSON [lon, lat]; undefined for a CRS (or a form of it) not handled. */
function positionFor(srsName: string | undefined): Position | undefined {
  if (!srsName) return undefined;
  const code = /EPSG(?::[\d.]*)?:{1,2}(\d+)$|EPSG\/\d+\/(\d+)$|epsg\.xml#(\d+)$/i.exec(srsName.trim());
  const epsg = code?.[1] ?? code?.[2] ?? code?.[3];
  if (epsg === '28992') {
    return ([x, y]) => toWgs84().forward([x, y]).map(round);
  }
  // URN and URL forms mean the EPSG axis order (lat, lon); the bare "EPSG:4326" is used both ways in the field.
  if (epsg === '4326' && /^(urn:|https?:\/\/www\.opengis\.net\/def\/)/i.test(srsName.trim())) return ([lat, lon]) => [round(lon), round(lat)];
  return undefined;
}

const gml = (l: Leaf | undefined, local: string) => l?.children?.filter((c) => c.ns === NS.gml && c.local === local) ?? [];
const attr = (l: Leaf, local: string) => l.attrs?.find((a) => a.local === local && a.ns === '')?.value;

/** The 2D coordinate pairs of gml:posList, or of a sequence of gml:pos; undefined when not two-dimensional. */
function pairs(holder: Leaf): Array<[number, number]> | undefined {
  const list = gml(holder, 'posList')[0];
  const pos = gml(holder, 'pos');
  const dim = (l: Leaf) => Number(attr(l, 'srsDimension') ?? 2);
  const numbers = (text: string) => text.trim().split(/\s+/).map(Number);
  let flat: number[];
  if (list) {
    if (dim(list) !== 2) return undefined;
    flat = numbers(list.value);
  } else if (pos.length) {
    if (pos.some((p) => dim(p) !== 2 || numbers(p.value).length !== 2)) return undefined;
    flat = pos.flatMap((p) => numbers(p.value));
  } else return undefined;
  if (flat.length === 0 || flat.length % 2 !== 0 || flat.some((n) => !Number.isFinite(n))) return undefined;
  const out: Array<[number, number]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

function ring(boundary: Leaf, position: Position): number[][] | undefined {
  const linear = gml(boundary, 'LinearRing')[0];
  const pts = linear ? pairs(linear) : undefined;
  if (!pts || pts.length < 4) return undefined;
  const [first, last] = [pts[0]!, pts[pts.length - 1]!];
  if (first[0] !== last[0] || first[1] !== last[1]) return undefined;
  return pts.map(position);
}

/** One GML geometry element as GeoJSON in WGS84, when it converts cleanly. */
export function gmlToGeoJson(geometry: Leaf): GeoJson | undefined {
  if (geometry.ns !== NS.gml) return undefined;
  const position = positionFor(attr(geometry, 'srsName'));
  if (!position) return undefined;
  if (geometry.local === 'Polygon') {
    const exterior = gml(geometry, 'exterior');
    if (exterior.length !== 1) return undefined;
    const rings = [exterior[0]!, ...gml(geometry, 'interior')].map((b) => ring(b, position));
    return rings.every((r) => r !== undefined) ? { type: 'Polygon', coordinates: rings as number[][][] } : undefined;
  }
  return undefined;
}

/**
 * The zaakgeometrie for a zaak's anderZaakObjecten: the one lokatie that converts, or a GeometryCollection of
 * several; undefined when none converts (then ZGW's zaakgeometrie is left as it is: another application may own it).
 */
export function zaakgeometrie(objecten: AnderZaakObject[]): GeoJson | undefined {
  const converted = objecten.flatMap((o) => {
    const g = o.lokatie ? gmlToGeoJson(o.lokatie) : undefined;
    return g ? [g] : [];
  });
  if (converted.length <= 1) return converted[0];
  return { type: 'GeometryCollection', geometries: converted };
}
