import type * as maplibregl from 'maplibre-gl';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { countyRelief, RELIEF_STOPS } from './terrain.ts';

// What every map stands on, with no internet: the county's shaded relief, and labels drawn with the device's own
// fonts (a style without a `glyphs` URL makes MapLibre draw every glyph locally, Chinese included).

/** The font families labels are drawn in (CSS names, first found wins). */
const LABEL_FONTS = ['Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', 'Source Han Sans SC', 'sans-serif'];

/** The ground under every map: a plain colour (the relief is added over it by `addRelief`). */
export const GROUND: maplibregl.LayerSpecification = { id: 'background', type: 'background', paint: { 'background-color': '#eef3ea' } };

/** Lays the county's shaded relief just above the ground, under the map's own layers, once the style has loaded. */
export function addRelief(map: maplibregl.Map) {
  map.once('load', () => {
    const { canvas, coordinates } = countyRelief();
    map.addSource('relief', { type: 'canvas', canvas, coordinates, animate: false });
    const above = map.getStyle().layers.find((l) => l.id !== GROUND.id)?.id;
    map.addLayer({ id: 'relief', type: 'raster', source: 'relief', paint: { 'raster-opacity': 0.9, 'raster-fade-duration': 0 } }, above);
  });
}

/** Names of a point source's features (`name` property) beside their points, shown without hover; labels that would collide are left out. */
export function labelLayer(id: string, source: string, minzoom = 0): maplibregl.SymbolLayerSpecification {
  return {
    id,
    type: 'symbol',
    source,
    minzoom,
    layout: {
      'text-field': ['get', 'name'],
      'text-font': LABEL_FONTS,
      'text-size': 12,
      'text-anchor': 'top',
      'text-offset': [0, 0.7],
      'text-max-width': 8,
    },
    paint: { 'text-color': '#22331f', 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.5 },
  };
}

/** After each render, lists the labels on screen on the map's element (`data-labels`), for tests and assistive checks. */
export function reportLabels(map: maplibregl.Map, el: HTMLElement, layer: string) {
  map.on('idle', () => {
    if (!map.getLayer(layer)) return;
    const names = map.queryRenderedFeatures({ layers: [layer] }).map((f) => String(f.properties.name));
    el.dataset.labels = [...new Set(names)].join('|');
  });
}

const css = ([r, g, b]: [number, number, number]) => `rgb(${r},${g},${b})`;

/** The map's key and credit: what the relief and the dots mean, and where the data comes from. */
export function MapKey({ dot = true }: { dot?: boolean }) {
  const { t } = useTranslation();
  const gradient = `linear-gradient(to right, ${RELIEF_STOPS.map(([, c]) => css(c)).join(', ')})`;
  return (
    <div className="map-key" data-testid="map-key">
      <span className="map-key-item">
        <span className="map-key-relief" style={{ background: gradient }} aria-hidden />
        {t('map.relief', { low: RELIEF_STOPS[0][0], high: RELIEF_STOPS[RELIEF_STOPS.length - 1][0] })}
      </span>
      {dot && (
        <span className="map-key-item">
          <span className="map-key-dot" aria-hidden />
          {t('map.village')}
        </span>
      )}
      <span className="map-credit">
        {t('map.credit')} · <Link to="/about">{t('map.sources')}</Link>
      </span>
    </div>
  );
}
