/**
 * Hex bytes drawn with few elements (issue #15: seek p99). The relocation card showed every byte as a span of its own,
 * ~110 of them, each restyled and laid out on every seek. Here a highlighted byte keeps its own box (its outline and
 * background are per byte), and its neighbours that look alike are one run of text ("00 00 00"). Runs are spaced by
 * load.css/cards.css (word-spacing) so that every byte falls where it fell as a cell of its own.
 */
export interface ByteRun {
  /** The byte's look (' hl changed', ' zero', ''), appended to the element's base class; a run adds ' run'. */
  look: string;
  text: string;
  /** A byte of its own (highlighted), not a run. */
  alone: boolean;
}

/** bytes in order as runs: a byte for which alone(i) holds is one entry; neighbours with the same look are merged. */
export function byteRuns(bytes: readonly string[], look: (i: number) => string, alone: (i: number) => boolean): ByteRun[] {
  const out: ByteRun[] = [];
  let last: ByteRun | null = null;
  bytes.forEach((b, i) => {
    const l = look(i);
    if (alone(i)) {
      out.push({ look: l, text: b, alone: true });
      last = null;
    } else if (last && last.look === l) last.text += ` ${b}`;
    else out.push((last = { look: l, text: b, alone: false }));
  });
  return out;
}

/** The runs as spans of class `${base}[ run]${look}`; keyed by their place, so a seek changes text and classes only. */
export function ByteSpans({ runs, base }: { runs: readonly ByteRun[]; base: string }) {
  return (
    <>
      {runs.map((r, i) => (
        <span key={i} className={`${base}${r.alone ? '' : ' run'}${r.look}`}>
          {r.text}
        </span>
      ))}
    </>
  );
}
