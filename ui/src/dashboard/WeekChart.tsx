// The last eight weeks of the book as a bar chart: quotes started and quotes
// bound side by side for each week. An inline SVG drawn with the theme's
// colours (so it follows dark mode), named as one image for screen readers,
// with the same numbers in a table only they read.
import type { WeekStats } from "../bindings";
import { dayLabel, plural } from "./words";

const WIDTH = 560;
const HEIGHT = 180;
const TOP = 16;
const BOTTOM = 24;
const LEFT = 8;
const BAR = 16;
const GAP = 2;

/** What the chart shows, in one sentence: the image's accessible name. */
export function chartSummary(weeks: WeekStats[]): string {
  if (weeks.length === 0) return "Quotes started and bound by week: no weeks to show.";
  const quoted = weeks.reduce((n, w) => n + w.quoted, 0);
  const bound = weeks.reduce((n, w) => n + w.bound, 0);
  const busiest = weeks.reduce((best, w) => (w.quoted > best.quoted ? w : best), weeks[0]);
  const span = `the ${plural(weeks.length, "week")} from ${dayLabel(weeks[0].starts)} to the week of ${dayLabel(weeks[weeks.length - 1].starts)}`;
  const most = busiest.quoted > 0 ? `; the most started in a week was ${busiest.quoted}, in the week of ${dayLabel(busiest.starts)}` : "";
  return `Quotes started and bound by week over ${span}: ${plural(quoted, "quote")} started and ${bound} bound${most}.`;
}

export function WeekChart({ weeks }: { weeks: WeekStats[] }) {
  const max = Math.max(1, ...weeks.flatMap((w) => [w.quoted, w.bound]));
  const slot = weeks.length > 0 ? (WIDTH - LEFT * 2) / weeks.length : 0;
  const plot = HEIGHT - TOP - BOTTOM;
  const height = (n: number) => (n / max) * plot;
  return (
    <figure className="week-chart" id="week-chart">
      <figcaption>
        Quotes by week, last {weeks.length} weeks
        <span className="chart-legend" aria-hidden="true">
          <span className="chart-key quoted" /> Quoted <span className="chart-key bound" /> Bound
        </span>
      </figcaption>
      <svg role="img" aria-label={chartSummary(weeks)} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="xMidYMid meet">
        <line className="chart-axis" x1={LEFT} x2={WIDTH - LEFT} y1={HEIGHT - BOTTOM} y2={HEIGHT - BOTTOM} />
        {weeks.map((w, i) => {
          const x = LEFT + i * slot + slot / 2 - BAR - GAP / 2;
          const bars: [string, number, number][] = [
            ["quoted", w.quoted, x],
            ["bound", w.bound, x + BAR + GAP],
          ];
          return (
            <g key={w.starts} data-week={w.starts}>
              {bars.map(([kind, n, bx]) => (
                <g key={kind}>
                  <rect className={`chart-bar ${kind}`} x={bx} y={HEIGHT - BOTTOM - height(n)} width={BAR} height={height(n)} />
                  {n > 0 && (
                    <text className="chart-value" x={bx + BAR / 2} y={HEIGHT - BOTTOM - height(n) - 3} textAnchor="middle">
                      {n}
                    </text>
                  )}
                </g>
              ))}
              <text className="chart-label" x={LEFT + i * slot + slot / 2} y={HEIGHT - 6} textAnchor="middle">
                {dayLabel(w.starts)}
              </text>
            </g>
          );
        })}
      </svg>
      <table className="visually-hidden" id="week-table">
        <caption>Quotes started and bound in each week, by the week&apos;s Monday</caption>
        <thead>
          <tr>
            <th scope="col">Week of</th>
            <th scope="col">Quoted</th>
            <th scope="col">Bound</th>
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr key={w.starts}>
              <th scope="row">{dayLabel(w.starts, true)}</th>
              <td>{w.quoted}</td>
              <td>{w.bound}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
