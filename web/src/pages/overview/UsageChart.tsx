// Quantity per day, one line per SKU (lines, not stacked bars: SKUs count different units, so a
// stack's height would add requests to gigabytes). The chart is for the eye; the same numbers are
// in a table under it, exact, for screen readers and for anyone who wants the digits.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Schemas } from "@/api/client";
import type { useNames } from "@/api/queries";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDate } from "@/lib/dates";
import { formatQuantity } from "@/lib/money";
import { SkuLink } from "@/pages/usage/links";

// 600-weight hues: each has at least 3:1 contrast on white, as lines and legend marks need.
const COLOURS = ["#4f46e5", "#059669", "#d97706", "#e11d48", "#0284c7", "#7c3aed", "#0d9488", "#ea580c"];

interface Point {
  day: string;
  /** Only for the chart's geometry (where a line is drawn): a float is fine to place a pixel. */
  plot: Record<string, number>;
  /** The API's decimal strings, which the tooltip and the table show. */
  exact: Record<string, string>;
}

interface Series {
  id: string;
  name: string;
  colour: string;
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** One point per day from the first day with usage to the last (days without usage at zero). */
function toPoints(rows: Schemas["UsageRow"][]): Point[] {
  const byDay = new Map<string, Point>();
  for (const row of rows) {
    if (!row.day || !row.sku_id) continue;
    const point = byDay.get(row.day) ?? { day: row.day, plot: {}, exact: {} };
    point.exact[row.sku_id] = row.quantity;
    // Number() only to position the line: the exact quantity stays a string in `exact`.
    point.plot[row.sku_id] = Number(row.quantity);
    byDay.set(row.day, point);
  }
  const days = [...byDay.keys()].sort();
  const first = days[0];
  const last = days[days.length - 1];
  if (!first || !last) return [];
  const points: Point[] = [];
  for (let day = first; day <= last; day = nextDay(day)) {
    points.push(byDay.get(day) ?? { day, plot: {}, exact: {} });
  }
  return points;
}

const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

export function UsageChart({ rows, names }: { rows: Schemas["UsageRow"][]; names: ReturnType<typeof useNames> }) {
  const points = toPoints(rows);
  const ids = [...new Set(rows.flatMap((row) => (row.sku_id ? [row.sku_id] : [])))];
  const series: Series[] = ids
    .map((id) => ({ id, name: names.skuName(id) }))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s, index) => ({ ...s, colour: COLOURS[index % COLOURS.length] ?? "#4f46e5" }));
  const byDay = new Map(points.map((point) => [point.day, point]));

  return (
    <figure aria-label="Usage by SKU over time" data-testid="usage-chart" className="m-0 space-y-3">
      <div className="h-72 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
            <XAxis
              dataKey="day"
              tickFormatter={(day: string) => formatDate(day)}
              tick={{ fill: "#475569", fontSize: 12 }}
              minTickGap={24}
            />
            <YAxis
              tickFormatter={(value: number) => compact.format(value)}
              tick={{ fill: "#475569", fontSize: 12 }}
              width={48}
              allowDecimals
            />
            <Tooltip
              content={({ active, label }) => {
                const point = active && typeof label === "string" ? byDay.get(label) : undefined;
                if (!point) return null;
                return (
                  <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-sm shadow">
                    <p className="font-medium text-slate-900">{formatDate(point.day)}</p>
                    <ul className="mt-1 space-y-0.5">
                      {series.map((s) => (
                        <li key={s.id} className="flex items-center gap-2 text-slate-800">
                          <span className="inline-block h-2 w-2 rounded-full" style={{ background: s.colour }} aria-hidden />
                          {s.name}: {formatQuantity(point.exact[s.id] ?? "0")}
                        </li>
                      ))}
                    </ul>
                  </div>
                );
              }}
            />
            <Legend wrapperStyle={{ fontSize: 12, color: "#334155" }} />
            {series.map((s) => (
              <Line
                key={s.id}
                type="monotone"
                name={s.name}
                dataKey={(point: Point) => point.plot[s.id] ?? 0}
                stroke={s.colour}
                strokeWidth={2}
                dot={points.length < 2}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <details className="text-sm">
        <summary className="cursor-pointer font-medium text-indigo-700">Show the data as a table</summary>
        <div className="mt-2">
          <Table scrollLabel="Chart data">
            <caption className="sr-only">Quantity per day and SKU</caption>
            <thead>
              <tr>
                <Th>Day</Th>
                {series.map((s) => (
                  <Th key={s.id} className="text-right normal-case">
                    <SkuLink id={s.id} names={names} />
                  </Th>
                ))}
              </tr>
            </thead>
            <tbody>
              {points.map((point) => (
                <tr key={point.day}>
                  <Td>{formatDate(point.day)}</Td>
                  {series.map((s) => (
                    <Td key={s.id} className="text-right tabular-nums">
                      {formatQuantity(point.exact[s.id] ?? "0")}
                    </Td>
                  ))}
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      </details>
    </figure>
  );
}
