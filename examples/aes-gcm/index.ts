export { AesGcmClientFactory, AesGcmServerFactory, AES_GCM_EXTENSION } from './factories.js';
export type { AesGcmOptions } from './session.js';
