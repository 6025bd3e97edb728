// The pure campaign domain: no I/O, no clock reads, no Azure imports (lint-enforced).
export * from './result';
export * from './money';
export * from './campaignConfig';
export * from './calendar';
export * from './transaction';
export * from './observation';
export * from './rawTransaction';
export * from './realtimeMessage';
export * from './feedRow';
export * from './ledger';
export * from './totals';
export * from './memberState';
export * from './decision';
export * from './lifecycle';
export * from './progressView';
export * from './enrolment';
export * from './timeline';
