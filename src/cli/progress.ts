import cliProgress from 'cli-progress';

export interface Progress {
  /** `total` when it became known after the start (an import learns it once the file is read). */
  update(done: number, total?: number | null): void;
  finish(): void;
}

/** A progress bar on a terminal; plain "label: n/total" lines (at most every 10%) otherwise. */
export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} {percentage}%`, stream }, cliProgress.Presets.shades_classic);
    bar.start(total, 0);
    return {
      update(done, newTotal) {
        if (newTotal != null && newTotal !== bar.getTotal()) bar.setTotal(newTotal);
        bar.update(done);
      },
      finish: () => bar.stop(),
    };
  }
  let lastDecile = -1;
  return {
    update(done, newTotal) {
      if (newTotal != null) total = newTotal;
      const decile = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${label}: ${done}/${total}\n`);
      }
    },
    finish() {
      stream.write(`${label}: done\n`);
    },
  };
}
