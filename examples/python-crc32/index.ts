export { Crc32Extension, ClientCrc32Factory, ServerCrc32Factory } from './extension.js';
export { crc32 } from './crc32.js';
