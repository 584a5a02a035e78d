// wsx/marbles: marble testing for extension authors, over rxjs' TestScheduler.
// See marbles/README.md for the notation and docs/writing-an-extension.md for a walkthrough.
export { runMarbles, type MarbleHelpers, type Expectation, type RunMarblesOptions } from './runMarbles.js';
export { type ExtensionHelpers, type Latency, type SendOptions, type ReceiveOptions } from './extensionHelpers.js';
export { AsyncTestScheduler } from './asyncTestScheduler.js';
export { frame, message, parseValue, isFrame, isMessage, MarbleNotationError } from './notation.js';
export { formatValue, formatFrame, formatMessage, formatBytes, formatError } from './format.js';
export { closeWith, ErrorMatcher, valuesEqual, toErrorMatcher, type ErrorExpectation } from './match.js';
export { renderDiagram } from './diagram.js';
export { assertRecords, MarbleMismatchError } from './assert.js';
export { wireValues, type ValueMap, type WireValue } from './values.js';
export { serverNegotiation, clientNegotiation, handshake, accepted, declined, NegotiationOutcome, type Handshake } from './negotiation.js';
export { expectSameOnStreams, FaceMismatchError, type FaceOptions } from './sameOnStreams.js';
export type { FaceResult, SessionPair } from './faces.js';
export { assembleMessages } from './assembleMessages.js';
export { ValueMatcher } from './match.js';
export { like } from './like.js';
