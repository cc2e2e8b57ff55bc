// Small SVG building blocks for the concept diagrams: boxes, arrows and labels drawn inline, so the
// diagrams need no plugin, no download and no image files, and follow the site's light and dark colours.
import type { ReactNode } from 'react';

export interface FigureProps {
  /** Read by screen readers. */
  title: string;
  caption: ReactNode;
  width: number;
  height: number;
  children: ReactNode;
}

/** A diagram with its caption. */
export function Figure({ title, caption, width, height, children }: FigureProps) {
  return (
    <figure className="pg-figure">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" style={{ maxWidth: width }}>
        <title>{title}</title>
        {children}
      </svg>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

export type Tone = 'plain' | 'accent' | 'secret' | 'public' | 'muted';

export interface BoxProps {
  x: number;
  y: number;
  w: number;
  h: number;
  /** One string per line. */
  lines: readonly string[];
  tone?: Tone;
  /** Draw dashed (a boundary rather than a thing). */
  dashed?: boolean;
}

const LINE_HEIGHT = 15;

/** A rounded box with centred lines of text; the first line is bold. */
export function Box({ x, y, w, h, lines, tone = 'plain', dashed = false }: BoxProps) {
  const top = y + h / 2 - ((lines.length - 1) * LINE_HEIGHT) / 2;
  return (
    <g className={`pg-box pg-box--${tone}`}>
      <rect x={x} y={y} width={w} height={h} rx={8} strokeDasharray={dashed ? '6 4' : undefined} />
      {lines.map((line, i) => (
        <text
          key={line}
          x={x + w / 2}
          y={top + i * LINE_HEIGHT}
          textAnchor="middle"
          dominantBaseline="middle"
          className={i === 0 ? 'pg-box__title' : 'pg-box__line'}
        >
          {line}
        </text>
      ))}
    </g>
  );
}

export interface ArrowProps {
  from: readonly [number, number];
  to: readonly [number, number];
  label?: string;
  /** Where the label sits, relative to the middle of the arrow. */
  labelOffset?: readonly [number, number];
  dashed?: boolean;
  tone?: Tone;
}

/** A straight arrow with its head drawn as a triangle (no SVG markers, so no ids to collide). */
export function Arrow({
  from,
  to,
  label,
  labelOffset = [0, -8],
  dashed = false,
  tone = 'plain',
}: ArrowProps) {
  const [x1, y1] = from;
  const [x2, y2] = to;
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const size = 8;
  const left = [x2 - size * Math.cos(angle - 0.4), y2 - size * Math.sin(angle - 0.4)];
  const right = [x2 - size * Math.cos(angle + 0.4), y2 - size * Math.sin(angle + 0.4)];
  return (
    <g className={`pg-arrow pg-arrow--${tone}`}>
      <line x1={x1} y1={y1} x2={x2} y2={y2} strokeDasharray={dashed ? '5 4' : undefined} />
      <polygon points={`${x2},${y2} ${left[0]},${left[1]} ${right[0]},${right[1]}`} />
      {label === undefined ? null : (
        <text
          x={(x1 + x2) / 2 + labelOffset[0]}
          y={(y1 + y2) / 2 + labelOffset[1]}
          textAnchor="middle"
          className="pg-label"
        >
          {label}
        </text>
      )}
    </g>
  );
}

export interface LabelProps {
  x: number;
  y: number;
  children: string;
  anchor?: 'start' | 'middle' | 'end';
  strong?: boolean;
}

/** Free text. */
export function Label({ x, y, children, anchor = 'middle', strong = false }: LabelProps) {
  return (
    <text x={x} y={y} textAnchor={anchor} className={strong ? 'pg-label pg-label--strong' : 'pg-label'}>
      {children}
    </text>
  );
}
