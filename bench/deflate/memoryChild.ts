/**
 * Child process of bench/deflate/figures.ts: measures one server
 * configuration's memory per connection in a fresh process and prints the
 * report line. Arguments: a MEMORY_CONFIGS key, then `quick` or `full`.
 */
import { MEMORY_CONFIGS, measureMemoryPerConnection } from './figures.js';

const [config, mode] = process.argv.slice(2);
if (!config || !(config in MEMORY_CONFIGS)) throw new Error(`unknown memory configuration ${config}`);
process.stdout.write((await measureMemoryPerConnection(mode === 'quick', config as keyof typeof MEMORY_CONFIGS)) + '\n');
