interface Family {
  help: string | null;
  type: string | null;
  samples: string[];
}

export interface LabelledExposition {
  /** Labels added to every sample, e.g. `{ service: 'sessions' }`. */
  labels: Record<string, string>;
  text: string;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?(\s.*)$/;

/**
 * Merges Prometheus text expositions into one valid exposition: each metric family is written once
 * (HELP, TYPE, then the samples of every source), and each source's samples carry its labels.
 */
export function mergeExpositions(sources: LabelledExposition[]): string {
  const families = new Map<string, Family>();
  const familyOf = (name: string) => {
    let family = families.get(name);
    if (!family) {
      family = { help: null, type: null, samples: [] };
      families.set(name, family);
    }
    return family;
  };
  for (const source of sources) {
    const extra = Object.entries(source.labels)
      .map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)
      .join(',');
    let current: Family | null = null;
    for (const line of source.text.split('\n')) {
      const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (comment) {
        current = familyOf(comment[2]);
        if (comment[1] === 'HELP') current.help ??= comment[3];
        else current.type ??= comment[3];
        continue;
      }
      const sample = SAMPLE.exec(line);
      if (!sample) continue;
      const [, name, , labels, rest] = sample;
      const merged = [extra, labels].filter(Boolean).join(',');
      (current ?? familyOf(name)).samples.push(`${name}{${merged}}${rest}`);
    }
  }
  const lines: string[] = [];
  for (const [name, family] of families) {
    if (family.help !== null) lines.push(`# HELP ${name} ${family.help}`);
    if (family.type !== null) lines.push(`# TYPE ${name} ${family.type}`);
    lines.push(...family.samples);
  }
  return `${lines.join('\n')}\n`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
