'use strict';
// CLOCK_MONOTONIC in microseconds. On Linux this clock is shared by all
// processes of the machine, so a timestamp taken in a publisher process can be
// compared with the receive time in a subscriber process.
function nowUs() {
  const t = process.hrtime();
  return t[0] * 1e6 + t[1] / 1e3;
}
module.exports = { nowUs };
