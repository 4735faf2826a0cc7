import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Linux counts process CPU time in clock ticks of 1/100 s (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  parent: number;
  cpuMs: number;
}

/** User + system CPU time of a process so far, and its parent, from /proc/<pid>/stat; null once it is gone. */
function procStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      parent: Number(fields[1]),
      cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1_000) / TICKS_PER_SECOND,
    };
  } catch {
    return null;
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/** The process listening on a TCP port of this machine (`ss` names it), or null. */
export function listeningPid(port: number): number | null {
  try {
    const line = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    const match = /pid=(\d+)/.exec(line);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * CPU time per named group of processes: a group is a process and every process below it (a
 * PostgreSQL server and its backends, a RabbitMQ node and its helpers). `snapshot()` reads them all;
 * `since(earlier)` is each group's CPU milliseconds between two snapshots, counting processes that
 * started in between from zero.
 */
export class ProcessCpu {
  constructor(private readonly groups: Record<string, number>) {}

  snapshot(): Map<string, Map<number, number>> {
    const stats = new Map(allPids().flatMap((pid) => ((stat) => (stat ? [[pid, stat] as const] : []))(procStat(pid))));
    const rootOf = (pid: number): string | null => {
      for (let current = pid, depth = 0; current > 1 && depth < 20; depth += 1) {
        const group = Object.entries(this.groups).find(([, root]) => root === current);
        if (group) return group[0];
        current = stats.get(current)?.parent ?? 0;
      }
      return null;
    };
    const snapshot = new Map<string, Map<number, number>>(Object.keys(this.groups).map((name) => [name, new Map()]));
    for (const [pid, stat] of stats) {
      const group = rootOf(pid);
      if (group) snapshot.get(group)?.set(pid, stat.cpuMs);
    }
    return snapshot;
  }

  since(earlier: Map<string, Map<number, number>>): Record<string, number> {
    const now = this.snapshot();
    return Object.fromEntries(
      [...now].map(([group, pids]) => [
        group,
        [...pids].reduce((sum, [pid, cpuMs]) => sum + cpuMs - (earlier.get(group)?.get(pid) ?? 0), 0),
      ]),
    );
  }
}
