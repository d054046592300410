// Extracts Ukraine, Russia and Poland from world-atlas's countries-50m.json
// (Natural Earth 1:50m as TopoJSON) into one GeoJSON file each, splitting rings
// that cross the antimeridian so every polygon is valid in plain lon/lat.
// Usage: node extract-countries.js countries-50m.json OUTPUT_FOLDER
'use strict';
const fs = require('fs');
const path = require('path');
const topojson = require('topojson-client');

const COUNTRIES = [
  { id: '804', name: 'Ukraine', file: 'ukraine.geojson' },
  { id: '643', name: 'Russia', file: 'russia.geojson' },
  { id: '616', name: 'Poland', file: 'poland.geojson' },
];
const SOURCE = 'Natural Earth 1:50m via world-atlas 2.0.2';
const ATTRIBUTION = 'Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com';
const DECIMALS = 4;

// Makes a ring's longitudes continuous: a jump of more than 180 degrees
// between neighbours is a crossing of the antimeridian, not a real edge.
function unwrapRing(ring) {
  let offset = 0;
  const unwrapped = ring.map(([lon, lat], i) => {
    if (i > 0) {
      const step = lon - ring[i - 1][0];
      if (step > 180) offset -= 360;
      else if (step < -180) offset += 360;
    }
    return [lon + offset, lat];
  });
  if (offset !== 0) throw new Error('ring circles a pole; not supported');
  const minLon = Math.min(...unwrapped.map((p) => p[0]));
  return minLon < -180 ? unwrapped.map(([lon, lat]) => [lon + 360, lat]) : unwrapped;
}

// Sutherland-Hodgman against the half-plane lon <= limit (keepWest) or
// lon >= limit; correct here because the ring crosses the line only twice.
function clipRing(ring, limit, keepWest) {
  const inside = ([lon]) => (keepWest ? lon <= limit : lon >= limit);
  const out = [];
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i], b = ring[i + 1];
    if (inside(a)) out.push(a);
    if (inside(a) !== inside(b) && a[0] !== limit && b[0] !== limit) {
      const t = (limit - a[0]) / (b[0] - a[0]);
      out.push([limit, a[1] + t * (b[1] - a[1])]);
    }
  }
  if (out.length) out.push(out[0]);
  return out;
}

function crossingsOf(ring, limit) {
  let crossings = 0;
  for (let i = 0; i + 1 < ring.length; i++)
    if ((ring[i][0] > limit) !== (ring[i + 1][0] > limit)) crossings++;
  return crossings;
}

function hasJump(ring) {
  return ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180);
}

// Splits a polygon whose shell crosses the antimeridian into the part west of
// 180 and the part east of it (moved to -180..), both valid plain polygons.
function splitAtAntimeridian(polygon) {
  const [shell, ...holes] = polygon;
  if (!hasJump(shell)) return [polygon];
  if (holes.some(hasJump)) throw new Error('a hole crosses the antimeridian; not supported');
  const unwrapped = unwrapRing(shell);
  if (crossingsOf(unwrapped, 180) !== 2) throw new Error('shell crosses the antimeridian more than twice');
  const west = clipRing(unwrapped, 180, true);
  const east = clipRing(unwrapped, 180, false).map(([lon, lat]) => [lon - 360, lat]);
  const holesWest = holes.filter((h) => h[0][0] > 0);
  const holesEast = holes.filter((h) => h[0][0] <= 0);
  return [[west, ...holesWest], [east, ...holesEast]];
}

function roundRing(ring) {
  const factor = 10 ** DECIMALS;
  const rounded = [];
  for (const [lon, lat] of ring) {
    const point = [Math.round(lon * factor) / factor, Math.round(lat * factor) / factor];
    const last = rounded[rounded.length - 1];
    if (!last || last[0] !== point[0] || last[1] !== point[1]) rounded.push(point);
  }
  return rounded;
}

function signedArea(ring) {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum / 2;
}

// RFC 7946 winding: shells counterclockwise, holes clockwise.
function rewind(ring, isShell) {
  return (signedArea(ring) > 0) === isShell ? ring : ring.slice().reverse();
}

// Rounds to DECIMALS, dropping repeated points, degenerate holes, and the
// whole polygon when its shell degenerates.
function cleanPolygon(polygon) {
  const isUsable = (ring) => ring.length >= 4 && signedArea(ring) !== 0;
  const [shell, ...holes] = polygon.map(roundRing);
  if (!isUsable(shell)) return null;
  return [rewind(shell, true), ...holes.filter(isUsable).map((hole) => rewind(hole, false))];
}

function polygonsOf(geometry) {
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  throw new Error(`unexpected geometry type ${geometry.type}`);
}

function formatGeoJSON(country, polygons) {
  const properties = {
    name: country.name,
    iso_numeric: country.id,
    source: SOURCE,
    license: 'public domain',
    attribution: ATTRIBUTION,
  };
  const ringText = (ring) => '[' + ring.map(([lon, lat]) => `[${lon},${lat}]`).join(',') + ']';
  const polygonText = (polygon) => '      [\n        ' + polygon.map(ringText).join(',\n        ') + '\n      ]';
  return [
    '{"type":"FeatureCollection","features":[',
    '  {"type":"Feature","properties":' + JSON.stringify(properties) + ',',
    '   "geometry":{"type":"MultiPolygon","coordinates":[',
    polygons.map(polygonText).join(',\n'),
    '   ]}}',
    ']}',
    '',
  ].join('\n');
}

function main() {
  const [topologyPath, outputFolder] = process.argv.slice(2);
  if (!topologyPath || !outputFolder) throw new Error('usage: node extract-countries.js countries-50m.json OUTPUT_FOLDER');
  const topology = JSON.parse(fs.readFileSync(topologyPath, 'utf8'));
  for (const country of COUNTRIES) {
    const object = topology.objects.countries.geometries.find((g) => g.id === country.id);
    if (!object) throw new Error(`${country.name} (${country.id}) not found`);
    const geometry = topojson.feature(topology, object).geometry;
    const polygons = polygonsOf(geometry).flatMap(splitAtAntimeridian).map(cleanPolygon).filter(Boolean);
    const file = path.join(outputFolder, country.file);
    fs.writeFileSync(file, formatGeoJSON(country, polygons));
    const vertices = polygons.flat().reduce((n, ring) => n + ring.length, 0);
    console.log(`${file}: ${polygons.length} polygons, ${vertices} vertices`);
  }
}

main();
