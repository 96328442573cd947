/**
 * GML → GeoJSON for ZGW's zaakgeometrie (src/backends/zgw/map-geometrie.ts): what converts cleanly and what is
 * left without a zaakgeometrie (the GML itself is always kept). Pure functions, no ZGW involved.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Leaf } from '../../src/domain/model.js';
import { gmlToGeoJson, zaakgeometrie } from '../../src/backends/zgw/map-geometrie.js';
import { NS } from '../../src/stuf/namespaces.js';

const g = (local: string, children: Leaf[] = [], attrs: Record<string, string> = {}, value = ''): Leaf => ({
  ns: NS.gml, local, value, ...(children.length ? { children } : {}),
  ...(Object.keys(attrs).length ? { attrs: Object.entries(attrs).map(([k, v]) => ({ ns: '', local: k, value: v })) } : {}),
});
const ring = (posList: string, attrs: Record<string, string> = {}) => g('LinearRing', [g('posList', [], attrs, posList)]);
const polygon = (srsName: string, exterior: string, interiors: string[] = []) =>
  g('Polygon', [g('exterior', [ring(exterior)]), ...interiors.map((i) => g('interior', [ring(i)]))], { srsName });

describe('GML → GeoJSON for zaakgeometrie', () => {
  it('RD New (EPSG:28992) to WGS84 within a metre or two: the RD origin 155000 463000 is Amersfoort, 52.155174 N 5.387206 E', () => {
    const p = gmlToGeoJson(polygon('urn:ogc:def:crs:EPSG::28992', '155000 463000 155100 463000 155100 463100 155000 463000'));
    assert.equal(p?.type, 'Polygon');
    const [lon, lat] = p!.type === 'Polygon' ? p!.coordinates[0]![0]! : [];
    assert.ok(Math.abs(lat! - 52.155174) < 2e-5 && Math.abs(lon! - 5.387206) < 3e-5, `got ${lat} ${lon}`);
    // Other spellings of the same CRS.
    for (const srs of ['EPSG:28992', 'http://www.opengis.net/gml/srs/epsg.xml#28992', 'http://www.opengis.net/def/crs/EPSG/0/28992', 'urn:ogc:def:crs:EPSG:6.9:28992']) {
      assert.deepEqual(gmlToGeoJson(polygon(srs, '155000 463000 155100 463000 155100 463100 155000 463000')), p, srs);
    }
  });

  it('WGS84 as URN or URL is lat lon (EPSG axis order) and becomes GeoJSON lon lat; the bare EPSG:4326 is ambiguous and left out', () => {
    const square = (srsName: string) => gmlToGeoJson(polygon(srsName, '52 4 52 5 53 5 52 4'));
    const want = { type: 'Polygon', coordinates: [[[4, 52], [5, 52], [5, 53], [4, 52]]] };
    assert.deepEqual(square('urn:ogc:def:crs:EPSG::4326'), want);
    assert.deepEqual(square('http://www.opengis.net/def/crs/EPSG/0/4326'), want);
    assert.equal(square('EPSG:4326'), undefined);
    assert.equal(square('urn:ogc:def:crs:EPSG::3857'), undefined, 'a CRS not handled');
    assert.equal(gmlToGeoJson(g('Polygon', [g('exterior', [ring('52 4 52 5 53 5 52 4')])])), undefined, 'no srsName');
    // gml:pos per point instead of one posList.
    const pos = g('Polygon', [g('exterior', [g('LinearRing', ['52 4', '52 5', '53 5', '52 4'].map((v) => g('pos', [], {}, v)))])], { srsName: 'urn:ogc:def:crs:EPSG::4326' });
    assert.deepEqual(gmlToGeoJson(pos), want);
  });

  it('a polygon with a hole keeps both rings; an open ring, 3D coordinates or a surface with patches convert to nothing', () => {
    const srs = 'urn:ogc:def:crs:EPSG::4326';
    const p = gmlToGeoJson(polygon(srs, '52 4 52 5 53 5 52 4', ['52.1 4.5 52.2 4.6 52.3 4.5 52.1 4.5']));
    assert.deepEqual(p, { type: 'Polygon', coordinates: [[[4, 52], [5, 52], [5, 53], [4, 52]], [[4.5, 52.1], [4.6, 52.2], [4.5, 52.3], [4.5, 52.1]]] });
    assert.equal(gmlToGeoJson(polygon(srs, '52 4 52 5 53 5 53 4')), undefined, 'not closed');
    assert.equal(gmlToGeoJson(g('Polygon', [g('exterior', [ring('52 4 0 52 5 0 53 5 0 52 4 0', { srsDimension: '3' })])], { srsName: srs })), undefined, '3D');
    assert.equal(gmlToGeoJson(g('Surface', [g('patches')], { srsName: srs })), undefined);
  });

  it('several lokaties become a GeometryCollection; none that converts gives no zaakgeometrie', () => {
    const a = polygon('urn:ogc:def:crs:EPSG::4326', '52 4 52 5 53 5 52 4');
    const b = polygon('urn:ogc:def:crs:EPSG::28992', '155000 463000 155100 463000 155100 463100 155000 463000');
    assert.deepEqual(zaakgeometrie([{ lokatie: a }, { omschrijving: 'zonder' }]), gmlToGeoJson(a));
    assert.deepEqual(zaakgeometrie([{ lokatie: a }, { lokatie: b }]), { type: 'GeometryCollection', geometries: [gmlToGeoJson(a), gmlToGeoJson(b)] });
    assert.equal(zaakgeometrie([{ lokatie: g('Surface', [], { srsName: 'EPSG:28992' }) }]), undefined);
  });
});
