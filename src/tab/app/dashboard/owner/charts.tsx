import { Button, makeStyles, tokens } from '@fluentui/react-components';
import { FUNNEL_STAGE_DEFINITIONS, FUNNEL_STAGE_LABELS, FUNNEL_STAGES } from '../../../../domain/funnel';
import type { CapabilityMapAnswer as CapabilityAnswer } from '../../../../contracts/report';
import { formatNumber, type Locale } from '../../common/format';

/**
 * Two small charts written by hand (SVG and a table) rather than a charting library, to keep the owner's chunk
 * small: the funnel (one bar per stage, each a button that drills down to the people) and the capability
 * heat map (tools × teams; a table whose cells are shaded, numbers always shown, single-holder tools flagged).
 */
export interface FunnelBar { readonly stage: string; readonly label: string; readonly count: number }

const useStyles = makeStyles({
  funnel: { listStyle: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  row: { display: 'grid', gridTemplateColumns: 'minmax(8em, 14em) minmax(0, 1fr)', alignItems: 'center', gap: tokens.spacingHorizontalS, '@media (max-width: 480px)': { gridTemplateColumns: 'minmax(0, 1fr)' } },
  barButton: { justifyContent: 'flex-start', minWidth: '0', width: '100%', padding: 0, height: 'auto' },
  track: { width: '100%', background: tokens.colorNeutralBackground4, borderRadius: tokens.borderRadiusMedium, position: 'relative', height: '24px' },
  fill: { background: tokens.colorBrandBackground, height: '100%', borderRadius: tokens.borderRadiusMedium, minWidth: '2px' },
  count: { position: 'absolute', left: tokens.spacingHorizontalS, top: '2px', color: tokens.colorNeutralForeground1, fontWeight: tokens.fontWeightSemibold, textShadow: `0 0 3px ${tokens.colorNeutralBackground1}` },
  heat: { borderCollapse: 'collapse', fontSize: tokens.fontSizeBase200, '& th, & td': { border: `1px solid ${tokens.colorNeutralStroke2}`, padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}`, textAlign: 'center' }, '& th[scope=row]': { textAlign: 'left' } },
  wrap: { overflowX: 'auto' },
  risk: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  help: { margin: `${tokens.spacingVerticalS} 0 0`, '& dt': { fontWeight: tokens.fontWeightSemibold }, '& dd': { margin: `0 0 ${tokens.spacingVerticalXS}` } },
});

export function FunnelChart({ rows, where, onDrill, selected }: { rows: readonly FunnelBar[]; where: Locale; onDrill(stage: string): void; selected: string | null }) {
  const styles = useStyles();
  const top = Math.max(1, rows[0]?.count ?? 1);
  return (
    <ol className={styles.funnel} aria-label="Round funnel">
      {rows.map((row) => (
        <li key={row.stage} className={styles.row}>
          <span>{row.label}</span>
          <Button className={styles.barButton} appearance="transparent" aria-pressed={selected === row.stage} aria-label={`${row.label}: ${formatNumber(row.count, where)} people. Show who`} onClick={() => onDrill(row.stage)}>
            <span className={styles.track}>
              <span className={styles.fill} style={{ width: `${(row.count / top) * 100}%`, display: 'block' }} />
              <span className={styles.count}>{formatNumber(row.count, where)}</span>
            </span>
          </Button>
        </li>
      ))}
    </ol>
  );
}

/**
 * What each stage counts, from the domain's one definition (the round report counts the same way): the funnel's
 * help text, folded away until asked for.
 */
export function FunnelHelp() {
  const styles = useStyles();
  return (
    <details data-testid="funnel-help">
      <summary>What each stage counts</summary>
      <dl className={styles.help}>
        {FUNNEL_STAGES.map((stage) => (
          <div key={stage}>
            <dt>{FUNNEL_STAGE_LABELS[stage]}</dt>
            <dd>{FUNNEL_STAGE_DEFINITIONS[stage]}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}


export function CapabilityHeatMap({ map, where }: { map: CapabilityAnswer; where: Locale }) {
  const styles = useStyles();
  const max = Math.max(1, ...map.tools.flatMap((t) => Object.values(t.byTeam)));
  return (
    <div className={styles.wrap}>
      <table className={styles.heat} aria-label="Capability map: people who practised each tool, by team">
        <thead>
          <tr><th scope="col">Tool</th>{map.teams.map((team) => <th key={team} scope="col">{team}</th>)}<th scope="col">People</th></tr>
        </thead>
        <tbody>
          {map.tools.map((tool) => (
            <tr key={tool.tool}>
              <th scope="row">
                {tool.tool}
                {tool.singleHolder && <span className={styles.risk}> — only one person knows this (dependency risk)</span>}
              </th>
              {map.teams.map((team) => {
                const n = tool.byTeam[team] ?? 0;
                const alpha = n === 0 ? 0 : 0.15 + (0.6 * n) / max;
                return <td key={team} style={{ background: n ? `rgba(98, 100, 167, ${alpha})` : undefined }}>{formatNumber(n, where)}</td>;
              })}
              <td>{formatNumber(tool.holders, where)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
