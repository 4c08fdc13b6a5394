import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kafka: string;
}

function cpuModelFromProc(): string | undefined {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim();
  } catch {
    return undefined;
  }
}

/** The machine a section ran on; `kafkaVersion` comes from the infra the section used. */
export function describeMachine(kafkaVersion: string): MachineInfo {
  return {
    cpuModel: cpuModelFromProc() ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    kafka: kafkaVersion,
  };
}

export function formatMachine(m: MachineInfo): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, Kafka ${m.kafka} (same machine, loopback)`;
}
