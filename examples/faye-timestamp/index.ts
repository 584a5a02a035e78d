export { timestampPlugin, type TimestampOptions } from './plugin.js';
