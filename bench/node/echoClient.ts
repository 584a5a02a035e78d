/**
 * Child process of bench/node.bench.ts: the echo client on its own event
 * loop and core, as a real client would be. Arguments: impl, compression
 * (on/off), port, workload (small/large), count. Prints {"ms": …}.
 */
import { runEchoClient, type EchoImpl } from './echo.js';
import { largeMessages, smallMessages } from './workload.js';

const [impl, compression, port, workload, count] = process.argv.slice(2);
const messages = workload === 'large' ? largeMessages(Number(count)) : smallMessages(Number(count));
const ms = await runEchoClient(impl as EchoImpl, compression === 'on', Number(port), messages);
process.stdout.write(JSON.stringify({ ms }) + '\n');
process.exit(0);
