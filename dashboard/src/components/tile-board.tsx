/**
 * @module tile-board — the live page's tiles as the site arranges them: the sites' tile layouts
 * (the GET /api/v1/sites answer signed-in.tsx already holds), tiles grouped by area (tile-areas.ts), a sparkline on each, and for an
 * admin an "Ordenar mosaicos" mode per site (tile-arrange.tsx, loaded when opened). A failed
 * sites request leaves the tiles grouped by quantity: they never wait for it.
 */
import type { ComponentType } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { Me, SensorInfo, SiteInfo } from '../api.ts';
import { useI18n } from '../i18n.ts';
import type { Live } from '../live.ts';
import { groupTiles, layoutOfGroups, type TileGroup } from '../tile-areas.ts';
import { tileWords } from '../tile-words.ts';
import { useSparklines } from '../use-sparklines.ts';
import { SensorGrid, type SensorGridProps } from './sensor-grid.tsx';
import type { TileArrangeProps } from './tile-arrange.tsx';

export type TileBoardProps = Omit<SensorGridProps, 'groups' | 'groupTitle' | 'sparks'> & {
  me: Me;
  sensors: SensorInfo[];
  live: Live;
  /** The user's sites (empty while loading or after a failed request). */
  siteList: readonly SiteInfo[];
  /** A site whose tile layout was saved. */
  onSiteSaved: (site: SiteInfo) => void;
};

export function TileBoard({ me, sensors, live, siteList, onSiteSaved, ...grid }: TileBoardProps) {
  const i18n = useI18n();
  const words = tileWords(i18n.lang);
  const groups = useMemo(
    () => groupTiles(sensors, (site) => siteList.find((s) => s.id === site)?.tile_layout),
    [sensors, siteList],
  );
  const sparks = useSparklines(sensors, live);
  const several = new Set(sensors.map((s) => s.site)).size > 1;
  const siteName = (id: string) => siteList.find((s) => s.id === id)?.name ?? id;
  const groupTitle = (g: TileGroup<SensorInfo>) => {
    const area = g.derived ? words.w.areas[g.derived] : g.name;
    return several ? `${siteName(g.site)} · ${area}` : area;
  };

  const [arranging, setArranging] = useState<string | null>(null);
  const [Arrange, setArrange] = useState<ComponentType<TileArrangeProps> | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const openArrange = (site: string) => {
    setArranging(site);
    setLoadFailed(false);
    if (!Arrange)
      import('./tile-arrange.tsx').then(
        (m) => setArrange(() => m.TileArrange),
        () => setLoadFailed(true),
      );
  };
  const site = siteList.find((s) => s.id === arranging);
  const admin = me.role === 'admin';

  return (
    <>
      {admin && siteList.length > 0 && arranging === null && (
        <p class="arrange__open">
          {[...new Set(sensors.map((s) => s.site))].map((id) => (
            <button
              key={id}
              type="button"
              class="button button--quiet"
              data-arrange-open={id}
              onClick={() => openArrange(id)}
            >
              {words.t('arrange')}
              {several ? ` — ${siteName(id)}` : ''}
            </button>
          ))}
        </p>
      )}
      {loadFailed && (
        <p class="message message--error" role="alert">
          {i18n.t('errorOffline')}
        </p>
      )}
      {site && Arrange && (
        <Arrange
          site={site}
          start={layoutOfGroups(
            groups.filter((g) => g.site === site.id),
            words.w.areas,
          )}
          sensors={sensors}
          onSaved={onSiteSaved}
          onClose={() => setArranging(null)}
        />
      )}
      <SensorGrid {...grid} groups={groups} groupTitle={groupTitle} sparks={sparks} />
    </>
  );
}
