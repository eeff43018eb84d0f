import { makeStyles, tokens } from '@fluentui/react-components';
import { formatHours, type Locale } from './format';

/**
 * Planned vs kept practice hours per week as small SVG bars (no chart library: a few rectangles keep the
 * first load small). The numbers are also in a visually hidden table, so screen readers get them exactly.
 */
export interface WeekBar {
  readonly label: string;
  readonly plannedMinutes: number;
  readonly keptMinutes: number;
  readonly upcomingMinutes?: number;
}

const useStyles = makeStyles({
  chart: { width: '100%', maxWidth: '560px', height: 'auto', display: 'block' },
  legend: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  swatch: { display: 'inline-block', width: '10px', height: '10px', marginRight: '4px', borderRadius: '2px', verticalAlign: 'middle' },
  hidden: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' },
});

export function HoursChart({ weeks, where, title }: { weeks: readonly WeekBar[]; where: Locale; title: string }) {
  const styles = useStyles();
  const max = Math.max(60, ...weeks.map((w) => w.plannedMinutes));
  const rowHeight = 30;
  const labelWidth = 70;
  const width = 400;
  const barWidth = width - labelWidth - 70;
  const height = weeks.length * rowHeight + 4;
  return (
    <figure style={{ margin: 0 }}>
      <svg className={styles.chart} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}: ${weeks.map((w) => `${w.label} ${formatHours(w.keptMinutes / 60, where)} kept of ${formatHours(w.plannedMinutes / 60, where)} planned`).join('; ')}`}>
        {weeks.map((week, i) => {
          const y = i * rowHeight + 4;
          const planned = (week.plannedMinutes / max) * barWidth;
          const kept = (week.keptMinutes / max) * barWidth;
          return (
            <g key={week.label}>
              <text x={0} y={y + 15} fontSize="12" fill={tokens.colorNeutralForeground1}>{week.label}</text>
              <rect x={labelWidth} y={y} width={Math.max(planned, 1)} height={20} rx={3} fill={tokens.colorNeutralBackground5} stroke={tokens.colorNeutralStroke1} />
              <rect x={labelWidth} y={y} width={kept} height={20} rx={3} fill={tokens.colorBrandBackground} />
              <text x={labelWidth + Math.max(planned, 1) + 6} y={y + 15} fontSize="12" fill={tokens.colorNeutralForeground1}>
                {`${formatHours(week.keptMinutes / 60, where)} / ${formatHours(week.plannedMinutes / 60, where)}`}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className={styles.legend}>
        <span><span className={styles.swatch} style={{ background: tokens.colorBrandBackground }} />Kept</span>
        <span><span className={styles.swatch} style={{ background: tokens.colorNeutralBackground5, border: `1px solid ${tokens.colorNeutralStroke1}` }} />Planned</span>
      </figcaption>
      <table className={styles.hidden}>
        <caption>{title}</caption>
        <thead><tr><th>Week</th><th>Planned</th><th>Kept</th></tr></thead>
        <tbody>{weeks.map((w) => <tr key={w.label}><td>{w.label}</td><td>{formatHours(w.plannedMinutes / 60, where)}</td><td>{formatHours(w.keptMinutes / 60, where)}</td></tr>)}</tbody>
      </table>
    </figure>
  );
}
