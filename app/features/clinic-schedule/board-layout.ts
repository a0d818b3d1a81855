/**
 * Where the day board puts things (pure, shared by the page and its tests): the hours the grid spans,
 * and the lane of each block so that overlapping blocks (a cancelled time booked again, extra hours over
 * regular ones) sit one under another instead of on top of each other.
 */

type Span = { start: number; end: number };

/** Whole hours around everything the day shows (open hours and appointments), 08:00–18:00 for an empty day. */
export function gridHours(spans: Iterable<Span>): {
  start: number;
  end: number;
} {
  let start = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    start = Math.min(start, s.start);
    end = Math.max(end, s.end);
  }
  if (!Number.isFinite(start)) return { start: 8 * 60, end: 18 * 60 };
  const from = Math.max(0, Math.floor(start / 60) * 60);
  const until = Math.min(
    24 * 60,
    Math.max(from + 60, Math.ceil(end / 60) * 60)
  );
  return { start: from, end: until };
}

/**
 * A lane per block (0 = top), fewest lanes: blocks that are not cancelled are placed first, so they keep
 * the top lane and a cancelled block goes under the one that took its time. Returns the lanes in the
 * blocks' order and how many lanes the row needs.
 */
export function assignLanes(
  blocks: readonly { start: number; end: number; cancelled: boolean }[]
): { lanes: number[]; count: number } {
  const order = blocks
    .map((_, i) => i)
    .sort(
      (a, b) =>
        Number(blocks[a]!.cancelled) - Number(blocks[b]!.cancelled) ||
        blocks[a]!.start - blocks[b]!.start
    );
  const placed: Span[][] = []; // per lane, the blocks already in it
  const lanes = new Array<number>(blocks.length).fill(0);
  for (const i of order) {
    const b = blocks[i]!;
    let lane = placed.findIndex((spans) =>
      spans.every((s) => b.end <= s.start || b.start >= s.end)
    );
    if (lane === -1) lane = placed.push([]) - 1;
    placed[lane]!.push(b);
    lanes[i] = lane;
  }
  return { lanes, count: Math.max(1, placed.length) };
}
