/**
 * Real elapsed time, immune to the virtual `Date` installed in virtual-clock mode: redelivery delays,
 * poll intervals, dev-token expiry and log stamps must follow the wall, not the campaign's clock.
 */
export function wallClockMs(): number {
  return Math.round(performance.timeOrigin + performance.now());
}
