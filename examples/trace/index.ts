export { TraceClientFactory, TraceServerFactory, TRACE_EXTENSION, type TraceOptions } from './factories.js';
export { TrafficMetrics, type TrafficCounters, type TraceEvent, type Direction } from './metrics.js';
