// The instants at which .ci/run runs the time-sensitive suites (YZ_TEST_NOW), one a line:
// "<label> <ISO instant> <clinic time zone>". The times of the clinic's day are fixed; the days are the next
// ones to come, so that the run's clock is never behind the machine's (Chromium judges a cookie's expiry
// by the machine's clock).
const SHANGHAI = "Asia/Shanghai";
const NEW_YORK = "America/New_York";
const DAY = 24 * 60 * 60_000;

/** The local date (YYYY-MM-DD) of an instant in a zone. */
const dateIn = (instant, zone) => new Date(instant).toLocaleDateString("en-CA", { timeZone: zone });

/** The first weekday (Monday–Friday) in Shanghai after today there. */
function nextWeekdayInShanghai() {
  for (let t = Date.now() + DAY; ; t += DAY) {
    const date = dateIn(t, SHANGHAI);
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    if (weekday >= 1 && weekday <= 5) return date;
  }
}

/** The next day New York's clocks skip from 02:00 to 03:00 (the second Sunday of March). */
function nextSpringForwardInNewYork() {
  for (let year = new Date().getUTCFullYear(); ; year++) {
    const firstOfMarch = new Date(Date.UTC(year, 2, 1)).getUTCDay();
    const secondSunday = 1 + ((7 - firstOfMarch) % 7) + 7;
    const date = `${year}-03-${String(secondSunday).padStart(2, "0")}`;
    if (date > dateIn(Date.now(), NEW_YORK)) return date;
  }
}

const weekday = nextWeekdayInShanghai();
const tomorrow = dateIn(Date.now() + DAY, SHANGHAI);
const instants = [
  ["before-opening", `${weekday}T07:55:00+08:00`, SHANGHAI],
  ["across-lunch", `${weekday}T11:55:00+08:00`, SHANGHAI],
  ["before-midnight", `${tomorrow}T23:55:00+08:00`, SHANGHAI],
  // 01:55 EST: the hour after it does not exist on the wall clock.
  ["dst-change", `${nextSpringForwardInNewYork()}T01:55:00-05:00`, NEW_YORK],
];
for (const [label, instant, zone] of instants) console.log(`${label} ${instant} ${zone}`);
